"""A sáng kiến counts only once the cadre's reviewer or their unit's BTV recognises it
(issue 19, item 1): what the cadre types in "được công nhận bởi" is their claim, shown as
"Chờ công nhận"; the recognition names the body and the decision's number and date, is
audited and told to the cadre; chỉ tiêu 3 and the criteria counting initiatives read only
recognised ones; a closed year is neither recognised nor refused, so its frozen figures
stay as they were."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cadres.models import AuditEvent, Notice, PositionRole
from evaluations.models import Initiative, InitiativeState
from evaluations.services.activities import initiative_delete, initiative_log
from evaluations.services.assessments import self_assessment_start
from evaluations.services.cycles import cycle_close
from evaluations.services.initiatives import initiative_recognise, initiative_refuse
from reports.figures import CycleFigures
from reports.services.rollup import rollup_cycle
from tests.cadres.factories import CadreFactory
from tests.evaluations.factories import YEAR, approved_registration, world as evaluation_world

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.date(YEAR, 1, 5) if TODAY >= datetime.date(YEAR, 1, 5) else TODAY


def _logged(w, cadre=None, **extra):
    cadre = cadre or w.member
    return initiative_log(cadre=cadre, date=DAY, acting_user=cadre.user,
                          **{"title": "Sổ tay đoàn viên điện tử", "recognised_by": "Huyện Đoàn Một", **extra})


def _recognise(initiative, user, **extra):
    initiative.refresh_from_db()
    values = dict(recognised_by="Ban Thường vụ Huyện Đoàn Một", decision_number="15-QĐ/HĐT", decision_date=DAY)
    values.update(extra)
    return initiative_recognise(initiative=initiative, acting_user=user, expected_version=initiative.lock_version,
                                **values)


def _rows(initiative):
    return (Initiative.objects.filter(pk=initiative.pk).values().get(), AuditEvent.objects.count(),
            Notice.objects.count())


# --- the service --------------------------------------------------------------------------

def test_what_the_cadre_types_awaits_recognition(w):
    initiative = _logged(w)
    assert initiative.state == InitiativeState.PENDING and initiative.recognised_by == "Huyện Đoàn Một"
    assert not initiative.is_recognised


@pytest.mark.parametrize("who", ["secretary", "deputy", "g1_secretary", "provincial"])
def test_the_reviewer_or_the_btv_recognises_it_with_the_decision(w, who):
    initiative = _logged(w)
    user = w.provincial if who == "provincial" else getattr(w, who).user
    done = _recognise(initiative, user)
    assert done.state == InitiativeState.RECOGNISED
    assert (done.recognised_by, done.decision_number, done.decision_date) == (
        "Ban Thường vụ Huyện Đoàn Một", "15-QĐ/HĐT", DAY)
    assert done.decided_by == user and done.lock_version == 1
    event = AuditEvent.objects.get(action="initiative.recognise")
    assert event.actor == user and event.cadre_id == w.member.pk
    assert event.data["decision_number"] == "15-QĐ/HĐT" and event.data["to"] == "recognised"
    from portal.audit import action_label, describe
    assert action_label("initiative.recognise") == "Sáng kiến được công nhận"
    lines = {(change.label, change.before, change.after) for change in describe(event)}
    assert ("Trạng thái", "Chờ công nhận", "Đã công nhận") in lines
    assert ("Số quyết định", None, "15-QĐ/HĐT") in lines
    notice = Notice.objects.get(recipient=w.member.user)
    assert notice.subject == "Sáng kiến của bạn đã được công nhận: Sổ tay đoàn viên điện tử"
    assert "quyết định số 15-QĐ/HĐT" in notice.body and notice.link.startswith(reverse("activity_list"))


@pytest.mark.parametrize("who", ["member", "sibling", "foreign_cadre"])
def test_anyone_else_is_refused_and_nothing_is_written(w, who):
    initiative = _logged(w)
    before = _rows(initiative)
    for service, kwargs in ((initiative_recognise, dict(recognised_by="Tỉnh Đoàn", decision_number="1",
                                                          decision_date=DAY)),
                            (initiative_refuse, dict(comment="Không"))):
        with pytest.raises(ValidationError) as refusal:
            service(initiative=initiative, acting_user=getattr(w, who).user, expected_version=0, **kwargs)
        assert refusal.value.code == "forbidden"
        assert refusal.value.messages == [
            "Chỉ người duyệt của cán bộ hoặc Ban Thường vụ đơn vị mới được xét công nhận sáng kiến này."]
    assert _rows(initiative) == before


def test_a_bi_thu_s_initiative_is_recognised_by_the_parent_btv_not_by_their_own_unit(w):
    initiative = _logged(w, cadre=w.g1_secretary)
    with pytest.raises(ValidationError) as refusal:
        _recognise(initiative, w.g1_secretary.user)  # their own
    assert refusal.value.code == "forbidden"
    huyen = CadreFactory(unit=w.d1, role=PositionRole.SECRETARY, full_name="Trương Văn Huyện")
    assert _recognise(initiative, huyen.user).is_recognised


@pytest.mark.parametrize("values, field, message", [
    (dict(recognised_by="  "), "recognised_by", "Hãy ghi cơ quan, đơn vị đã công nhận sáng kiến."),
    (dict(decision_number=""), "decision_number", "Hãy nhập số quyết định công nhận."),
    (dict(decision_date=None), "decision_date", "Hãy nhập ngày của quyết định công nhận."),
    (dict(decision_date=TODAY + datetime.timedelta(days=2)), "decision_date", "Ngày không được ở tương lai."),
    (dict(decision_date=DAY - datetime.timedelta(days=1)), "decision_date",
     f"Ngày quyết định không thể trước ngày của sáng kiến ({DAY:%d/%m/%Y})."),
])
def test_an_incomplete_decision_is_refused_beside_its_field(w, values, field, message):
    initiative = _logged(w)
    before = _rows(initiative)
    with pytest.raises(ValidationError) as refusal:
        _recognise(initiative, w.secretary.user, **values)
    assert refusal.value.message_dict[field] == [message]
    assert _rows(initiative) == before


def test_a_stale_page_is_refused(w):
    initiative = _logged(w)
    _recognise(initiative, w.secretary.user)
    with pytest.raises(ValidationError) as refusal:
        initiative_refuse(initiative=initiative, comment="Nhầm", acting_user=w.deputy.user, expected_version=0)
    assert refusal.value.code == "stale"


def test_not_recognised_then_withdrawn_and_a_recognised_one_cannot_be_deleted(w):
    initiative = _logged(w)
    with pytest.raises(ValidationError) as refusal:
        initiative_refuse(initiative=initiative, comment="  ", acting_user=w.secretary.user, expected_version=0)
    assert refusal.value.message_dict["comment"] == ["Hãy ghi lý do không công nhận: cán bộ sẽ đọc được."]
    refused = initiative_refuse(initiative=initiative, comment="Chưa có quyết định", acting_user=w.secretary.user,
                                expected_version=0)
    assert refused.state == InitiativeState.NOT_RECOGNISED and refused.decision_comment == "Chưa có quyết định"
    assert refused.recognised_by == "Huyện Đoàn Một"  # the cadre's text stays
    assert Notice.objects.filter(recipient=w.member.user).latest("pk").subject.startswith(
        "Sáng kiến của bạn không được công nhận")
    recognised = _recognise(initiative, w.secretary.user)
    assert recognised.is_recognised and recognised.decision_comment == ""
    with pytest.raises(ValidationError) as refusal:
        initiative_delete(initiative=recognised, acting_user=w.member.user)
    assert refusal.value.messages == ["Sáng kiến đã được công nhận nên không thể xóa."]
    withdrawn = initiative_refuse(initiative=recognised, comment="Quyết định bị thu hồi", acting_user=w.g1_secretary.user,
                                  expected_version=recognised.lock_version)
    assert withdrawn.state == InitiativeState.NOT_RECOGNISED
    assert (withdrawn.decision_number, withdrawn.decision_date) == ("", None)
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="initiative.").order_by("pk")] == [
        "initiative.log", "initiative.refuse", "initiative.recognise", "initiative.refuse"]


# --- the figures --------------------------------------------------------------------------

def _target_3(cycle, unit):
    figures = CycleFigures(cycle).node(unit).figures
    return figures.grassroots_secretaries_with_initiative, figures.grassroots_secretaries


def test_chi_tieu_3_counts_only_recognised_initiatives(w):
    initiative = _logged(w, cadre=w.g1_secretary)  # a Bí thư đoàn cơ sở, "recognised by" typed in
    rollup_cycle(cycle=w.cycle)
    # The province has two Bí thư đoàn cơ sở (G1's and G2's).
    assert _target_3(w.cycle, w.g1) == (0, 1) and _target_3(w.cycle, w.root) == (0, 2)
    _recognise(initiative, w.provincial)
    rollup_cycle(cycle=w.cycle)
    assert _target_3(w.cycle, w.g1) == (1, 1) and _target_3(w.cycle, w.root) == (1, 2)


def test_a_closed_year_is_neither_recognised_nor_refused_and_its_snapshot_stays(w):
    initiative = _logged(w, cadre=w.g1_secretary)
    cycle_close(cycle=w.cycle, acting_user=w.provincial)
    frozen = _target_3(w.cycle, w.root)
    assert frozen == (0, 2)
    before = _rows(initiative)
    for attempt in (lambda: _recognise(initiative, w.provincial),
                    lambda: initiative_refuse(initiative=initiative, comment="Không", acting_user=w.provincial,
                                              expected_version=0)):
        with pytest.raises(ValidationError) as refusal:
            attempt()
        assert refusal.value.code == "closed"
        assert refusal.value.messages == [
            f"Đợt đánh giá năm {YEAR} đã đóng: số liệu đã chốt, không thể xét công nhận sáng kiến của năm này nữa."]
    assert _rows(initiative) == before
    assert _target_3(w.cycle, w.root) == frozen


# --- the pages ----------------------------------------------------------------------------

@pytest.fixture
def reviewed(w):
    registration = approved_registration(w)
    form = self_assessment_start(registration=registration, acting_user=w.member.user)
    return form


def test_the_cadre_logs_it_and_sees_it_awaiting_recognition(client, w):
    client.force_login(w.member.user)
    response = client.post(reverse("initiative_create"), {"title": "Sổ tay số", "recognised_by": "Huyện Đoàn Một",
                                                          "date": DAY.isoformat()})
    assert response.status_code == 302
    page = client.get(reverse("activity_list"), {"year": DAY.year}).content.decode()
    assert "Chờ công nhận" in page and "Kê khai: được Huyện Đoàn Một công nhận" in page
    assert "Đã công nhận" not in page


def test_the_reviewer_recognises_it_on_the_self_assessment_page(client, w, reviewed):
    initiative = _logged(w)
    url = reverse("self_assessment_detail", args=[reviewed.pk])
    # The cadre sees the status on their own form, with no button.
    client.force_login(w.member.user)
    own = client.get(url).content.decode()
    assert "Chờ công nhận" in own and reverse("initiative_recognise", args=[reviewed.pk, initiative.pk]) not in own
    client.force_login(w.secretary.user)
    page = client.get(url).content.decode()
    action = reverse("initiative_recognise", args=[reviewed.pk, initiative.pk])
    assert action in page and "Công nhận sáng kiến" in page
    assert 'value="Huyện Đoàn Một"' in page  # the cadre's entry, to confirm or correct
    prefix = f"initiative-{initiative.pk}"
    # Without the decision's number: the box again, open, with what was typed; nothing written.
    response = client.post(action, {f"{prefix}-recognised_by": "Huyện Đoàn Một", f"{prefix}-decision_number": "",
                                    f"{prefix}-decision_date": DAY.isoformat(), "version": 0})
    assert response.status_code == 400
    assert "Hãy nhập số quyết định công nhận." in response.content.decode()
    initiative.refresh_from_db()
    assert initiative.is_pending
    response = client.post(action, {f"{prefix}-recognised_by": "Ban Thường vụ Huyện Đoàn Một",
                                    f"{prefix}-decision_number": "15-QĐ/HĐT",
                                    f"{prefix}-decision_date": DAY.strftime("%d/%m/%Y"), "version": 0}, follow=True)
    text = response.content.decode()
    assert "Đã công nhận sáng kiến; cán bộ đã được báo." in text
    assert f"Được Ban Thường vụ Huyện Đoàn Một công nhận, quyết định số 15-QĐ/HĐT ngày {DAY:%d/%m/%Y}" in text
    # The same page sent again (its version is old) is refused with a message, nothing changed.
    again = client.post(action, {f"{prefix}-recognised_by": "X", f"{prefix}-decision_number": "1",
                                 f"{prefix}-decision_date": DAY.isoformat(), "version": 0}, follow=True)
    assert "Có người đã xét sáng kiến này sau khi bạn mở trang" in again.content.decode()
    client.force_login(w.member.user)
    listing = client.get(reverse("activity_list"), {"year": DAY.year}).content.decode()
    assert "Đã công nhận" in listing and "quyết định số 15-QĐ/HĐT" in listing
    assert reverse("initiative_delete", args=[initiative.pk]) not in listing


def test_the_reviewer_records_it_as_not_recognised(client, w, reviewed):
    initiative = _logged(w)
    client.force_login(w.secretary.user)
    response = client.post(reverse("initiative_refuse", args=[reviewed.pk, initiative.pk]),
                           {f"initiative-{initiative.pk}-comment": "Chưa có quyết định công nhận", "version": 0},
                           follow=True)
    text = response.content.decode()
    assert "Đã ghi nhận không công nhận sáng kiến; cán bộ đã được báo." in text
    assert "Không được công nhận" in text and "Lý do: Chưa có quyết định công nhận" in text


def test_another_cadre_s_initiative_through_this_form_is_a_404(client, w, reviewed):
    other = _logged(w, cadre=w.deputy)
    client.force_login(w.secretary.user)
    response = client.post(reverse("initiative_recognise", args=[reviewed.pk, other.pk]), {})
    assert response.status_code == 404


def test_recognising_re_rolls_the_cadre_s_path_on_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # so that nothing of it is left pending
        w = evaluation_world()
    rollup_cycle(cycle=w.cycle)
    with django_capture_on_commit_callbacks(execute=True):
        initiative = _logged(w, cadre=w.g1_secretary)
    assert _target_3(w.cycle, w.g1) == (0, 1)
    with django_capture_on_commit_callbacks(execute=True):
        _recognise(initiative, w.provincial)
    assert _target_3(w.cycle, w.g1) == (1, 1)


# --- the migration ------------------------------------------------------------------------

BEFORE = [("evaluations", "0007_collective_meeting_closed_drafts_evidence_source")]
AFTER = [("evaluations", "0008_initiative_recognition")]


@pytest.mark.django_db(transaction=True)
def test_free_text_entries_become_awaiting_recognition_with_their_text(latest_schema_after):
    from django_scopes import scopes_disabled

    from tests.historical import historical_cycle, migrate_to

    apps = migrate_to(BEFORE)
    tenant, _unit, _cycle = historical_cycle(apps)
    cadre = apps.get_model("cadres", "Cadre").objects.create(tenant=tenant, full_name="An", sort_key="an",
                                                             search_text="an")
    old = apps.get_model("evaluations", "Initiative")
    typed = old.objects.create(tenant=tenant, cadre=cadre, title="Sổ tay", recognised_by="Tỉnh Đoàn",
                               date=datetime.date(2025, 5, 1)).pk
    blank = old.objects.create(tenant=tenant, cadre=cadre, title="Khác", date=datetime.date(2025, 6, 1)).pk
    apps = migrate_to(AFTER)
    with scopes_disabled():
        rows = {row["pk"]: row for row in apps.get_model("evaluations", "Initiative").objects.values(
            "pk", "state", "recognised_by", "decision_number", "decision_date", "updated_at", "created_at")}
    assert rows[typed]["state"] == rows[blank]["state"] == "pending"
    assert (rows[typed]["recognised_by"], rows[blank]["recognised_by"]) == ("Tỉnh Đoàn", "")
    assert rows[typed]["decision_number"] == "" and rows[typed]["decision_date"] is None
    assert rows[typed]["updated_at"] == rows[typed]["created_at"]
    # And back: the text is still there.
    apps = migrate_to(BEFORE)
    with scopes_disabled():
        assert apps.get_model("evaluations", "Initiative").objects.get(pk=typed).recognised_by == "Tỉnh Đoàn"


def test_the_self_assessment_pdf_shows_each_initiative_s_status(client, w, reviewed):
    from tests.evaluations.test_pdf_registrations import pdf_text

    recognised = _logged(w, title="Sổ tay đoàn viên điện tử")
    _recognise(recognised, w.secretary.user)
    _logged(w, title="Câu lạc bộ đọc sách", recognised_by="Xã Đoàn")
    client.force_login(w.member.user)
    text = " ".join(pdf_text(client.get(reverse("self_assessment_pdf", args=[reviewed.pk]))).split())
    assert f"Sáng kiến, giải pháp trong năm {YEAR}" in text
    assert (f"Đã công nhận: Ban Thường vụ Huyện Đoàn Một, quyết định số 15-QĐ/HĐT ngày {DAY:%d/%m/%Y}"
            in text.replace("/ ", "/"))
    assert "Chờ công nhận (kê khai: Xã Đoàn)" in text


# --- the inbox ----------------------------------------------------------------------------

def test_the_reviewer_s_inbox_leads_to_the_sang_kien_until_it_is_decided(client, w, reviewed):
    from portal.selectors import Inbox

    def initiative_items(user):
        inbox = Inbox(user, kind="initiative")
        return [(item.title, item.url) for item in inbox[0:len(inbox)]]

    assert initiative_items(w.secretary.user) == []
    initiative = _logged(w)
    link = f"{reverse('self_assessment_detail', args=[reviewed.pk])}#initiatives"
    for decider in (w.secretary.user, w.deputy.user, w.g1_secretary.user, w.provincial):
        assert initiative_items(decider) == [("Trần Thị Mai", link)]
    for outsider in (w.member.user, w.sibling.user, w.foreign_cadre.user):
        assert initiative_items(outsider) == []
    client.force_login(w.secretary.user)
    page = client.get(reverse("inbox")).content.decode()
    assert "Sáng kiến chờ công nhận" in page and link in page
    _recognise(initiative, w.secretary.user)
    assert initiative_items(w.secretary.user) == []
