"""Notices at every hand-off: each one reaches exactly the people the flow hands the item
to (not another unit, not another tenant), in the app and by email after the commit; a
mail server that is down never undoes the action; the daily digest; the notices page,
its badge, marking read, and the links it follows."""

import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from cadres.models import GrantRole, Notice, NoticeEmail, PositionRole
from cadres.services.notices import notify
from cadres.tasks import send_notice_digests, send_notice_email
from evaluations.models import Registration
from evaluations.workflow import (
    registration_approve,
    registration_return,
    registration_submit,
    self_assessment_finalise,
    self_assessment_propose,
)
from reports.services.unit_reports import unit_report_accept, unit_report_return
from tests.cadres.factories import CadreFactory, GrantFactory
from tests.evaluations.factories import RESPONSIBILITY, fill_registration, submitted_registration, world
from tests.evaluations.test_self_assessment import submitted as submitted_self_assessment
from tests.portal.test_inbox import join_request, submitted_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return world()


class DownBackend(BaseEmailBackend):
    """A mail server that does not answer."""

    attempts = 0

    def send_messages(self, email_messages):
        DownBackend.attempts += 1
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def told(kind: str) -> dict[str, list[str]]:
    """Who got a notice of this kind: recipient's name → subjects."""
    found: dict[str, list[str]] = {}
    for notice in Notice.objects.filter(kind=kind).select_related("recipient").order_by("id"):
        found.setdefault(notice.recipient.full_name, []).append(notice.subject)
    return found


def mailed_to(user) -> list:
    return [message for message in mail.outbox if message.to == [user.email]]


def test_each_form_hand_off_tells_exactly_who_acts_next(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        registration = submitted_registration(w)
    # The chi đoàn's Bí thư and the Phó Bí thư holding a reviewer grant: nobody above, beside or abroad.
    assert told("submitted") == {"Lê Văn Bình": [f"Bản đăng ký chờ duyệt: Trần Thị Mai ({w.cycle.year})"],
                                 "Phạm Thu Hà": [f"Bản đăng ký chờ duyệt: Trần Thị Mai ({w.cycle.year})"]}
    [email] = mailed_to(w.secretary.user)
    assert email.subject == f"Bản đăng ký chờ duyệt: Trần Thị Mai ({w.cycle.year})"
    assert f"http://localhost:8000/evaluations/registrations/{registration.pk}/" in email.body
    assert "Chi đoàn Ấp 1" in email.body
    for outsider in (w.g1_secretary, w.sibling, w.foreign_cadre, w.member):
        assert not mailed_to(outsider.user) and not Notice.objects.filter(recipient=outsider.user).exists()

    criterion = str(w.criteria[RESPONSIBILITY].pk)
    with django_capture_on_commit_callbacks(execute=True):
        registration_return(registration=registration, comments={criterion: "Cụ thể hơn"}, acting_user=w.secretary.user,
                            expected_version=registration.lock_version)
    [notice] = Notice.objects.filter(kind="returned")
    assert notice.recipient == w.member.user and "Cụ thể hơn" in notice.body
    assert "Cụ thể hơn" in mailed_to(w.member.user)[-1].body

    fill_registration(registration, w.member.user)
    registration.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        registration_submit(registration=registration, acting_user=w.member.user,
                            expected_version=registration.lock_version)
        registration_approve(registration=registration, acting_user=w.deputy.user,
                             expected_version=registration.lock_version)
    assert len(told("submitted")["Lê Văn Bình"]) == 2  # the resubmission is handed back to the reviewers
    assert told("approved") == {"Trần Thị Mai": [f"Bản đăng ký của bạn đã được duyệt ({w.cycle.year})"]}


def test_a_self_assessment_goes_to_the_reviewer_the_proposal_to_the_btv_the_rating_to_the_cadre(
        w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        form = submitted_self_assessment(w)
    assert set(told("submitted")) == {"Lê Văn Bình", "Phạm Thu Hà"}
    with django_capture_on_commit_callbacks(execute=True):
        self_assessment_propose(self_assessment=form, rating="good", comment="Tích cực", acting_user=w.secretary.user,
                                expected_version=form.lock_version)
    # The BTV of the chi đoàn, the proposer excepted: the Phó Bí thư, not every level above.
    assert told("proposed") == {"Phạm Thu Hà": [f"Xếp loại chờ quyết định: Trần Thị Mai ({w.cycle.year})"]}
    assert "Hoàn thành tốt nhiệm vụ" in mailed_to(w.deputy.user)[-1].body
    with django_capture_on_commit_callbacks(execute=True):
        self_assessment_finalise(self_assessment=form, rating="good", acting_user=w.deputy.user,
                                 expected_version=form.lock_version)
    assert set(told("rated")) == {"Trần Thị Mai"}
    assert "Hoàn thành tốt nhiệm vụ" in mailed_to(w.member.user)[-1].body


def test_a_bi_thus_own_form_is_handed_to_the_parent_units_btv(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submitted_registration(w, w.secretary)
    assert set(told("submitted")) == {"Võ Minh Tâm"}
    assert mailed_to(w.g1_secretary.user)


def test_unit_report_hand_offs_tell_both_units_managers(w, django_capture_on_commit_callbacks):
    district = CadreFactory(unit=w.d1, role=PositionRole.SECRETARY, full_name="Huỳnh Văn Huyện")
    office = GrantFactory(unit=w.d1, role=GrantRole.UNIT_MANAGER).user
    xa_office = GrantFactory(unit=w.g1, role=GrantRole.UNIT_MANAGER).user
    with django_capture_on_commit_callbacks(execute=True):
        report = submitted_report(w, w.g1, w.g1_secretary.user)
    everyone = {"Huỳnh Văn Huyện", office.full_name, xa_office.full_name}
    assert set(told("report_submitted")) == everyone  # not the submitter, not the province, not D2
    assert told("report_submitted")["Huỳnh Văn Huyện"] == [
        f"Đoàn xã Mỹ Hội Đông đã gửi báo cáo năm {w.cycle.year} lên Huyện Đoàn Một"]
    assert mailed_to(district.user) and not mailed_to(w.provincial) and not mailed_to(w.sibling.user)
    with django_capture_on_commit_callbacks(execute=True):
        report = unit_report_return(report=report, comment="Bổ sung số liệu", acting_user=district.user,
                                    expected_version=report.lock_version)
    assert set(told("report_returned")) == everyone - {"Huỳnh Văn Huyện"} | {w.g1_secretary.full_name}
    assert Notice.objects.filter(kind="report_returned", body="Bổ sung số liệu").count() == 3
    report = submitted_report(w, w.g1, w.g1_secretary.user)
    unit_report_accept(report=report, acting_user=office, expected_version=report.lock_version)
    assert set(told("report_accepted")) == everyone - {office.full_name} | {w.g1_secretary.full_name}
    assert Notice.objects.get(kind="report_accepted", recipient=district.user).link == \
        f"/reports/a/G1/report/?cycle={w.cycle.year}"


def test_a_join_request_tells_the_units_bi_thu(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        join_request(w)
    assert told("join_request") == {"Lê Văn Bình": ["Nguyễn Văn Mới xin tham gia Chi đoàn Ấp 1"],
                                    "Phạm Thu Hà": ["Nguyễn Văn Mới xin tham gia Chi đoàn Ấp 1"]}
    assert mailed_to(w.secretary.user)


def test_no_transition_fails_when_the_mail_server_is_down(w, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.portal.test_notices.DownBackend"
    DownBackend.attempts = 0
    with django_capture_on_commit_callbacks(execute=True):
        registration = submitted_registration(w)
    with django_capture_on_commit_callbacks(execute=True):
        registration_approve(registration=registration, acting_user=w.secretary.user,
                             expected_version=registration.lock_version)
    assert Registration.objects.get(pk=registration.pk).state == "approved"
    notice = Notice.objects.get(kind="approved")
    assert notice.recipient == w.member.user and notice.emailed_at is None  # kept: the digest of a later day
    assert DownBackend.attempts == 3 and mail.outbox == []  # each notice tried: two reviewers, then the cadre
    # On a worker the task tries again with a backoff while the server refuses.
    assert smtplib.SMTPException in send_notice_email.autoretry_for and send_notice_email.max_retries >= 10


def test_a_digest_person_gets_no_mail_at_once_and_one_mail_a_day(client, w, django_capture_on_commit_callbacks):
    client.force_login(w.secretary.user)
    response = client.get(reverse("my_profile"))
    assert "Tóm tắt hằng ngày" in response.content.decode()
    client.post(reverse("notice_email_choose"), {"notice_email": NoticeEmail.DIGEST})
    w.secretary.user.refresh_from_db()
    assert w.secretary.user.notice_email == NoticeEmail.DIGEST
    with django_capture_on_commit_callbacks(execute=True):
        submitted_registration(w)
        submitted_self_assessment(w, w.deputy)
    assert Notice.objects.filter(recipient=w.secretary.user).count() == 3  # two registrations, a self-assessment
    assert not mailed_to(w.secretary.user) and mailed_to(w.deputy.user)  # the deputy keeps "at once"
    with django_capture_on_commit_callbacks(execute=True):
        assert send_notice_digests.delay().get() == 1
    [digest] = mailed_to(w.secretary.user)
    assert digest.subject.startswith("3 thông báo mới")
    assert "Bản đăng ký chờ duyệt: Trần Thị Mai" in digest.body and "Bản kiểm điểm chờ duyệt: Phạm Thu Hà" in digest.body
    assert send_notice_digests.delay().get() == 0  # each notice once
    assert len(mailed_to(w.secretary.user)) == 1


def test_no_email_at_all_keeps_the_notice_in_the_app(w, django_capture_on_commit_callbacks):
    for user in (w.secretary.user, w.deputy.user):
        user.notice_email = NoticeEmail.NONE
        user.save()
    with django_capture_on_commit_callbacks(execute=True):
        submitted_registration(w)
    assert Notice.objects.filter(kind="submitted").count() == 2 and mail.outbox == []
    assert send_notice_digests.delay().get() == 0


def test_the_list_the_badge_opening_and_mark_all_read(client, w, django_capture_on_commit_callbacks):
    registration = submitted_registration(w)
    submitted_registration(w, w.deputy)
    client.force_login(w.secretary.user)
    home = client.get(reverse("home")).content.decode()
    assert 'aria-label="2 thông báo chưa đọc"' in home
    page = client.get(reverse("notice_list")).content.decode()
    assert page.count('class="is-unread"') == 2 and "Bản đăng ký chờ duyệt: Phạm Thu Hà" in page
    notice = Notice.objects.get(recipient=w.secretary.user, link=f"/evaluations/registrations/{registration.pk}/")
    response = client.get(reverse("notice_open", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == f"/evaluations/registrations/{registration.pk}/"
    assert client.get(response["Location"]).status_code == 200  # the reviewer may open what it leads to
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert 'aria-label="1 thông báo chưa đọc"' in client.get(reverse("notice_list")).content.decode()
    assert client.get(reverse("notices_read_all")).status_code == 405
    client.post(reverse("notices_read_all"))
    page = client.get(reverse("notice_list")).content.decode()
    assert 'class="is-unread"' not in page and "thông báo chưa đọc" not in page


def test_another_persons_notice_is_404_and_a_notice_never_leaves_the_site(client, w):
    [theirs] = notify(recipients=[w.deputy.user], tenant_id=w.cycle.tenant_id, kind="late", subject="Quá hạn",
                      link="/manage/")
    client.force_login(w.secretary.user)
    assert client.get(reverse("notice_open", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("notice_open", args=[999999])).status_code == 404
    for link in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        with pytest.raises(ValueError):
            notify(recipients=[w.secretary.user], tenant_id=w.cycle.tenant_id, kind="late", subject="x", link=link)
        # A row written some other way is still never followed off the site.
        planted = Notice.objects.create(tenant_id=w.cycle.tenant_id, recipient=w.secretary.user, kind="late",
                                        subject="x", link=link, email=NoticeEmail.NONE)
        response = client.get(reverse("notice_open", args=[planted.pk]))
        assert response.status_code == 302 and response["Location"] == reverse("notice_list")


def test_a_foreign_tenants_notice_is_not_listed(client, w):
    notify(recipients=[w.foreign_cadre.user], tenant_id=w.foreign_cadre.tenant_id, kind="late", subject="Ngoại tỉnh")
    client.force_login(w.secretary.user)
    assert "Ngoại tỉnh" not in client.get(reverse("notice_list")).content.decode()
    client.force_login(w.foreign_cadre.user)
    assert "Ngoại tỉnh" in client.get(reverse("notice_list")).content.decode()


def test_an_amendment_is_announced_as_an_amendment(w, django_capture_on_commit_callbacks):
    from tests.evaluations.factories import approved_registration
    from tests.evaluations.test_amendments import amend

    registration = approved_registration(w)
    amendment = amend(w, registration)
    with django_capture_on_commit_callbacks(execute=True):
        registration_submit(registration=amendment, acting_user=w.member.user, expected_version=amendment.lock_version)
    assert told("submitted")["Lê Văn Bình"][-1] == f"Bản điều chỉnh chờ duyệt: Trần Thị Mai ({w.cycle.year})"
    assert "bản điều chỉnh đăng ký" in mailed_to(w.secretary.user)[-1].body
