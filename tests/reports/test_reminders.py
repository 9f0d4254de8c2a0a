"""Reminders before a deadline (one digest per person per day) and late lists after it."""

import datetime

import pytest
from django.core import mail

from cadres.models import GrantRole, Notice, PositionRole, UnitLevel
from evaluations.models import CycleDeadline, DeadlineKind
from reports.models import ReminderLog, UnitReport, UnitReportState
from reports.services.reminders import reminders_send
from reports.tasks import send_reminders
from tests.cadres.factories import CadreFactory, GrantFactory, UnitFactory
from tests.reports.factories import make_cycle, make_programme, make_registration, make_tenant

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2025, 3, 24)


@pytest.fixture
def w():
    tenant = make_tenant()
    root = tenant.root_unit
    huyen = UnitFactory(parent=root, name="Huyện Đoàn Chợ Mới", level=UnitLevel.DISTRICT)
    xa = UnitFactory(parent=huyen, name="Đoàn xã Kiến An", level=UnitLevel.GRASSROOTS)
    cadres = {
        "bithu_huyen": CadreFactory(unit=huyen, role=PositionRole.SECRETARY, full_name="Lê Minh Tuấn"),
        "bithu_xa": CadreFactory(unit=xa, role=PositionRole.SECRETARY, full_name="Võ Thị Hoa"),
        "member": CadreFactory(unit=xa, role=PositionRole.EXECUTIVE_MEMBER, full_name="Trần Văn Bình"),
        "done": CadreFactory(unit=xa, role=PositionRole.EXECUTIVE_MEMBER, full_name="Phạm Thị Lan"),
    }
    staff = GrantFactory(unit=root, role=GrantRole.PROVINCIAL_STAFF).user
    cycle = make_cycle(tenant, registration_closes=TODAY + datetime.timedelta(days=7),
                       unit_report_due=TODAY + datetime.timedelta(days=7))
    programme = make_programme(huyen)
    make_registration(cycle, programme, cadres["done"], xa)
    return dict(tenant=tenant, root=root, huyen=huyen, xa=xa, cycle=cycle, staff=staff, **cadres)


def _mails_to(cadre_or_user):
    user = getattr(cadre_or_user, "user", cadre_or_user)
    return [m for m in mail.outbox if m.to == [user.email]]


def test_one_digest_per_person_per_day_with_everything_they_owe(w):
    sent = reminders_send(tenant=w["tenant"], today=TODAY)
    # Lê Minh Tuấn owes his registration AND manages Chợ Mới, whose report is due: one email.
    [digest] = _mails_to(w["bithu_huyen"])
    assert digest.subject == "Nhắc việc sắp đến hạn (24/03/2025)"
    assert "Đăng ký thực hiện (ĐKCT01) trước ngày 31/03/2025." in digest.body
    assert "Báo cáo của Huyện Đoàn Chợ Mới phải gửi" in digest.body and "trước ngày 31/03/2025" in digest.body
    assert len(_mails_to(w["member"])) == 1 and not _mails_to(w["done"])
    # The xã's Bí thư manages the xã: its report is due at the huyện, in the same email as her own registration.
    assert "Báo cáo của Đoàn xã Kiến An phải gửi Huyện Đoàn Chợ Mới" in _mails_to(w["bithu_xa"])[0].body
    assert sent == len(mail.outbox) == 3
    assert reminders_send(tenant=w["tenant"], today=TODAY) == 0  # the same day again: nothing
    assert len(mail.outbox) == 3 and ReminderLog.objects.count() == 3


def test_nothing_between_the_reminder_days(w):
    assert reminders_send(tenant=w["tenant"], today=TODAY + datetime.timedelta(days=3)) == 0
    assert reminders_send(tenant=w["tenant"], today=TODAY + datetime.timedelta(days=6)) == 3  # one day before


def test_a_submitted_report_is_not_reminded(w):
    UnitReport.objects.create(tenant=w["tenant"], cycle=w["cycle"], unit=w["huyen"], state=UnitReportState.SUBMITTED)
    reminders_send(tenant=w["tenant"], today=TODAY)
    assert "Báo cáo của Huyện Đoàn Chợ Mới" not in _mails_to(w["bithu_huyen"])[0].body


def test_after_the_deadline_the_parent_managers_get_the_late_units_and_cadres(w, django_capture_on_commit_callbacks):
    day_after = TODAY + datetime.timedelta(days=8)
    # The late list is a notice to each manager; its email leaves once the run commits.
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(tenant=w["tenant"], today=day_after)
    [notice] = Notice.objects.filter(recipient=w["bithu_huyen"].user)
    assert notice.kind == "late" and "Trần Văn Bình, Võ Thị Hoa" in notice.body
    [late] = [m for m in _mails_to(w["bithu_huyen"]) if m.subject.startswith("Danh sách trễ hạn")]
    assert "Đoàn xã Kiến An: 2 cán bộ chưa đăng ký: Trần Văn Bình, Võ Thị Hoa." in late.body
    assert "Phạm Thị Lan" not in late.body
    [province] = _mails_to(w["staff"])
    assert "Huyện Đoàn Chợ Mới: 1 cán bộ chưa đăng ký: Lê Minh Tuấn." in province.body
    assert "Huyện Đoàn Chợ Mới chưa gửi báo cáo (hạn 31/03/2025)." in province.body
    assert not _mails_to(w["member"])  # cadres are reminded before, their managers told after
    assert reminders_send(tenant=w["tenant"], today=day_after) == 0


def test_a_unit_deadline_set_lower_down_wins(w):
    CycleDeadline.objects.create(tenant=w["tenant"], cycle=w["cycle"], unit=w["huyen"],
                                 kind=DeadlineKind.REGISTRATION, date=TODAY + datetime.timedelta(days=1))
    reminders_send(tenant=w["tenant"], today=TODAY)
    assert "trước ngày 25/03/2025" in _mails_to(w["member"])[0].body


def test_beat_task_sends_for_every_tenant(w, settings):
    from django.utils import timezone

    settings.REMINDER_DAYS_BEFORE = [(w["cycle"].registration_closes - timezone.localdate()).days]
    assert send_reminders.delay().get() == 3
