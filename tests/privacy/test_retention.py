"""Retention: people with no position for DEIDENTIFY_AFTER_YEARS years are de-identified by the
nightly job, once the province's staff were told DEIDENTIFY_NOTICE_DAYS days before."""

import datetime

import pytest
from django.utils import timezone

from cadres.models import DEIDENTIFIED, AuditEvent, Cadre, Notice, NoticeKind, Position
from cadres.tasks import deidentify_past_retention
from tests.cadres.factories import CadreFactory
from tests.evaluations.factories import world as evaluation_world

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _left(w, name: str, ended: datetime.date) -> Cadre:
    cadre = CadreFactory(unit=w.b1, full_name=name, start_date=datetime.date(2010, 1, 1))
    Position.objects.filter(cadre=cadre).update(end_date=ended)
    Cadre.objects.filter(pk=cadre.pk).update(created_at=timezone.now() - datetime.timedelta(days=12 * 365))
    return cadre


@pytest.fixture
def w(settings):
    settings.DEIDENTIFY_AFTER_YEARS = 5
    settings.DEIDENTIFY_NOTICE_DAYS = 30
    w = evaluation_world()
    w.long_gone = _left(w, "Đinh Văn Cũ", TODAY - datetime.timedelta(days=6 * 366))
    w.almost = _left(w, "Lý Thị Sắp", TODAY - datetime.timedelta(days=5 * 365 - 10))
    w.recent = _left(w, "Mạc Văn Mới", TODAY - datetime.timedelta(days=2 * 365))
    return w


def test_staff_are_told_first_and_only_those_told_long_enough_ago_are_deidentified(w):
    assert deidentify_past_retention.apply().get() == [2, 0]  # told of the two due within 30 days
    notice = Notice.objects.get(recipient=w.provincial, kind=NoticeKind.RETENTION)
    assert "2 người sẽ được ẩn danh" in notice.subject
    assert "Đinh Văn Cũ" in notice.body and "Lý Thị Sắp" in notice.body and "Mạc Văn Mới" not in notice.body
    assert AuditEvent.objects.filter(action="retention.notice").count() == 1
    assert deidentify_past_retention.apply().get() == [0, 0]  # nobody is told twice, nobody removed yet

    Cadre.objects.filter(pk__in=[w.long_gone.pk, w.almost.pk]).update(
        retention_noticed_at=timezone.now() - datetime.timedelta(days=31))
    assert deidentify_past_retention.apply().get() == [0, 1]
    for cadre in (w.long_gone, w.almost, w.recent):
        cadre.refresh_from_db()
    assert w.long_gone.full_name == DEIDENTIFIED
    assert w.almost.full_name == "Lý Thị Sắp" and w.recent.full_name == "Mạc Văn Mới"
    event = AuditEvent.objects.get(action="cadre.deidentify")
    assert event.actor is None and "5" in event.data["reason"]


def test_someone_given_a_position_again_is_kept(w):
    deidentify_past_retention.apply()
    Position.objects.create(tenant=w.b1.tenant, cadre=w.long_gone, unit=w.b1, role="executive_member",
                            start_date=TODAY)
    Cadre.objects.filter(pk=w.long_gone.pk).update(retention_noticed_at=timezone.now() - datetime.timedelta(days=31))
    deidentify_past_retention.apply()
    w.long_gone.refresh_from_db()
    assert w.long_gone.deidentified_at is None
