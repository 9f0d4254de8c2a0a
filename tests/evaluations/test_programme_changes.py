"""A programme published mid-cycle (issue 11, item 7): the chi đoàn publishes its own
programme, inheriting the tỉnh's; the cadre's draft under the tỉnh's one is closed with the
reason, the cadre is told on their pages and carries their commitments over for the
inherited criteria; withdrawing it later turns the world back."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from cadres.models import AuditEvent, Notice, NoticeKind, PositionRole
from evaluations.models import FormAction, Registration, RegistrationState
from evaluations.services.registrations import registration_start
from evaluations.workflow import registration_submit
from models_registry.services import programme_archive, programme_publish
from tests.cadres.factories import CadreFactory
from tests.evaluations.factories import HOURS, RESPONSIBILITY, YEAR, fill_registration
from tests.models_registry.factories import ProgrammeFactory, qualitative

pytestmark = pytest.mark.django_db
OWN = "Sinh hoạt chi đoàn tại ấp mỗi tháng"
REASON = ("Chi đoàn Ấp 1 đã ban hành mô hình riêng “Chi đoàn Ấp 1 rèn luyện”, nay áp dụng cho đồng chí thay cho "
          "“{old}”. Hãy đăng ký theo mô hình mới; các cam kết cho những tiêu chí được kế thừa có thể chuyển sang.")


def text(response) -> str:
    inline = re.sub(r"</?(span|strong|b|em|a)\b[^>]*>", "", response.content.decode())
    return " ".join(re.sub(r"<[^>]+>", " ", inline).split())


def draft_of(w, cadre):
    registration = registration_start(cycle=w.cycle, programme=w.programme, cadre=cadre, acting_user=cadre.user)
    fill_registration(registration, cadre.user)
    registration.refresh_from_db()
    return registration


def chi_doan_programme(w, publish=True):
    """B1's own programme: the tỉnh's criteria inherited, one of its own added."""
    programme = ProgrammeFactory(owner_unit=w.b1, parent=w.programme, name="Chi đoàn Ấp 1 rèn luyện",
                                 start_year=YEAR, end_year=YEAR,
                                 groups=[dict(title="Việc riêng của chi đoàn", criteria=[qualitative(OWN)])])
    if publish:
        programme_publish(programme=programme, expected_version=programme.lock_version, acting_user=w.secretary.user)
    return programme


def test_publishing_closes_drafts_that_no_longer_apply_with_the_reason(w):
    draft = draft_of(w, w.member)
    colleague = CadreFactory(unit=w.b1, role=PositionRole.EXECUTIVE_MEMBER)
    submitted = draft_of(w, colleague)
    submitted = registration_submit(registration=submitted, acting_user=colleague.user,
                                    expected_version=submitted.lock_version)
    elsewhere = draft_of(w, CadreFactory(unit=w.g2, role=PositionRole.EXECUTIVE_MEMBER))

    chi_doan_programme(w)

    draft.refresh_from_db()
    assert draft.state == RegistrationState.CLOSED
    event = draft.events.get(action=FormAction.CLOSE)
    assert (event.from_state, event.to_state, event.actor) == ("draft", "closed", w.secretary.user)
    assert event.comment == REASON.format(old=w.programme.name)
    assert AuditEvent.objects.filter(action="registration.close", object_id=str(draft.pk),
                                     actor=w.secretary.user).exists()
    # A submitted form is the reviewer's now, and a cadre outside the chi đoàn keeps theirs.
    assert Registration.objects.get(pk=submitted.pk).state == RegistrationState.SUBMITTED
    assert Registration.objects.get(pk=elsewhere.pk).state == RegistrationState.DRAFT


def test_the_cadre_is_told_by_a_notice_and_an_email_that_leads_to_their_registrations(
        client, w, django_capture_on_commit_callbacks):
    closed = draft_of(w, w.member)
    with django_capture_on_commit_callbacks(execute=True):
        chi_doan_programme(w)
    [notice] = Notice.objects.filter(recipient=w.member.user)
    assert notice.kind == NoticeKind.PROGRAMME_CHANGED
    assert notice.subject == f"Bản đăng ký nháp của đồng chí đã đóng: mô hình áp dụng đã thay đổi ({YEAR})"
    assert REASON.format(old=w.programme.name) in notice.body
    [email] = [m for m in mail.outbox if m.to == [w.member.user.email]]
    assert email.subject == notice.subject and REASON.format(old=w.programme.name) in email.body
    assert reverse("registration_list") in email.body
    # Nobody else is told: the Bí thư published it, the form was the cadre's draft.
    assert not Notice.objects.exclude(recipient=w.member.user).exists()

    client.force_login(w.member.user)
    listing = text(client.get(reverse("notice_list")))
    assert "Bản đăng ký nháp của đồng chí đã đóng" in listing and "Mô hình thay đổi" in listing
    opened = client.get(reverse("notice_open", args=[notice.pk]), follow=True)
    assert opened.redirect_chain[-1][0] == reverse("registration_list")
    assert "Đăng ký, chuyển sang các cam kết của tôi" in text(opened)
    assert Registration.objects.get(pk=closed.pk).state == RegistrationState.CLOSED


def test_the_cadre_is_told_and_carries_the_inherited_commitments_over(client, w):
    closed = draft_of(w, w.member)
    programme = chi_doan_programme(w)
    client.force_login(w.member.user)

    home = text(client.get(reverse("home")))
    assert f"Bản nháp đăng ký theo mô hình “{w.programme.name}” của đồng chí đã được đóng." in home
    assert REASON.format(old=w.programme.name) in home
    assert "Đăng ký theo “Chi đoàn Ấp 1 rèn luyện”, chuyển sang các cam kết của tôi" in home
    listing = text(client.get(reverse("registration_list")))
    assert "Đăng ký, chuyển sang các cam kết của tôi" in listing
    detail = text(client.get(reverse("registration_detail", args=[closed.pk])))
    assert "Đã đóng" in detail and f"Bản nháp này đã được đóng: {REASON.format(old=w.programme.name)}" in detail

    response = client.post(reverse("registration_start", args=[programme.pk]), {"carry_over": closed.pk})
    new = Registration.objects.get(programme=programme)
    assert response.url == reverse("registration_edit", args=[new.pk])
    carried = {c.criterion.title: (c.text, c.measures, c.criterion.is_inherited)
               for c in new.commitments.select_related("criterion")}
    assert carried[RESPONSIBILITY] == (f"Tôi cam kết: {RESPONSIBILITY}", "Lập kế hoạch", True)
    assert carried[HOURS] == (f"Tôi cam kết: {HOURS}", "Lập kế hoạch", True)
    assert carried[OWN] == ("", "", False)  # the chi đoàn's own criterion is new to the cadre
    assert AuditEvent.objects.filter(action="registration.carry_over", object_id=str(new.pk)).exists()
    # Told while it mattered: registered now, the notice is gone.
    assert "đã được đóng" not in text(client.get(reverse("home")))


def test_a_tampered_carry_over_writes_nothing(client, w):
    draft_of(w, w.member)
    colleague = CadreFactory(unit=w.b1, role=PositionRole.EXECUTIVE_MEMBER)
    theirs = draft_of(w, colleague)
    programme = chi_doan_programme(w)
    assert Registration.objects.get(pk=theirs.pk).state == RegistrationState.CLOSED
    client.force_login(w.member.user)
    for forged in (theirs.pk, 999999, "abc"):
        response = client.post(reverse("registration_start", args=[programme.pk]), {"carry_over": forged},
                               follow=True)
        assert "Bản đăng ký cần chuyển sang không phải bản nháp đã đóng của đồng chí trong đợt này; hãy tải lại " \
               "trang: chưa có gì được ghi." in text(response)
    assert not Registration.objects.filter(programme=programme).exists()


def test_withdrawing_the_programme_turns_the_world_back(client, w):
    old = draft_of(w, w.member)
    programme = chi_doan_programme(w)
    new = registration_start(cycle=w.cycle, programme=programme, cadre=w.member, acting_user=w.member.user,
                             carry_over=old.pk)
    programme.refresh_from_db()
    programme_archive(programme=programme, acting_user=w.secretary.user)
    new.refresh_from_db()
    assert new.state == RegistrationState.CLOSED
    assert new.events.get(action=FormAction.CLOSE).comment == \
        "Mô hình “Chi đoàn Ấp 1 rèn luyện” không còn áp dụng cho đồng chí."
    # The tỉnh's programme applies again: registering under it reopens the old draft, as it was.
    client.force_login(w.member.user)
    assert f"Đăng ký theo “{w.programme.name}”" in text(client.get(reverse("home")))
    client.post(reverse("registration_start", args=[w.programme.pk]))
    old.refresh_from_db()
    assert old.state == RegistrationState.DRAFT
    assert old.events.filter(action=FormAction.REOPEN, actor=w.member.user).count() == 1
    assert old.commitments.filter(text__startswith="Tôi cam kết").count() == 3
    assert "đã được đóng" not in text(client.get(reverse("home")))
