"""Cycles, unit deadlines (the nearest unit up the tree wins) and extensions; the workflow
inside a request-like tenant scope."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scope

from cadres.models import AuditEvent
from evaluations.checks import effective_deadline
from evaluations.models import Cycle, DeadlineKind
from evaluations.selectors import next_steps_for, review_queue
from evaluations.services.cycles import (
    cycle_close,
    cycle_deadline_set,
    cycle_open,
    cycle_reopen,
    deadline_extension_grant,
)
from evaluations.workflow import registration_approve
from tests.cadres.factories import GrantFactory
from tests.evaluations.factories import submitted_registration

pytestmark = pytest.mark.django_db


def test_provincial_staff_open_a_cycle_with_default_dates_and_close_it(w):
    tenant = w.root.tenant
    with pytest.raises(ValidationError) as info:
        cycle_open(tenant=tenant, year=2031, acting_user=w.g1_secretary.user)
    assert info.value.messages == ["Chỉ cán bộ Ban Tổ chức – Kiểm tra tỉnh mới được mở, sửa và đóng đợt đánh giá."]
    cycle = cycle_open(tenant=tenant, year=2031, acting_user=w.provincial)
    assert cycle.unit_report_due == datetime.date(2031, 10, 30) and cycle.is_open
    with pytest.raises(ValidationError) as info:
        cycle_open(tenant=tenant, year=2032, acting_user=w.provincial, review_due=datetime.date(2032, 1, 2))
    assert "review_due" in info.value.message_dict
    assert not Cycle.objects.filter(year=2032).exists()
    cycle_close(cycle=cycle, acting_user=w.provincial)
    with pytest.raises(ValidationError):
        cycle_close(cycle=cycle, acting_user=w.provincial)
    with pytest.raises(ValidationError) as info:  # a closed year is reopened with a reason, not opened again
        cycle_open(tenant=tenant, year=2031, acting_user=w.provincial)
    assert info.value.message_dict["year"] == [
        "Đợt đánh giá năm 2031 đã có và đã khoá: hãy mở lại từ trang của đợt, kèm lý do."]
    foreign_staff = GrantFactory(unit=w.other, role="provincial_staff").user
    for who, reason in [(foreign_staff, "Sửa số liệu"), (w.g1_secretary.user, "Sửa số liệu"), (w.provincial, "  ")]:
        with pytest.raises(ValidationError):
            cycle_reopen(cycle=cycle, reason=reason, acting_user=who)
    assert not Cycle.objects.get(pk=cycle.pk).is_open
    reopened = cycle_reopen(cycle=cycle, reason="Bổ sung 3 đoàn cơ sở nộp muộn", acting_user=w.provincial)
    assert reopened.is_open and reopened.reopen_reason == "Bổ sung 3 đoàn cơ sở nộp muộn"
    event = AuditEvent.objects.filter(action="cycle.reopen").get()
    assert event.data == {"reason": "Bổ sung 3 đoàn cơ sở nộp muộn"} and event.actor == w.provincial
    with pytest.raises(ValidationError):
        cycle_reopen(cycle=cycle, reason="Lần nữa", acting_user=w.provincial)
    with pytest.raises(ValidationError):
        cycle_close(cycle=cycle, acting_user=foreign_staff)


def test_the_nearest_unit_up_the_tree_sets_the_deadline(w):
    cycle_date = w.cycle.registration_closes
    assert effective_deadline(w.cycle, w.b1, DeadlineKind.REGISTRATION) == cycle_date
    d1_manager = GrantFactory(unit=w.d1).user
    earlier = cycle_date - datetime.timedelta(days=5)
    cycle_deadline_set(cycle=w.cycle, unit=w.d1, kind=DeadlineKind.REGISTRATION, date=earlier, acting_user=d1_manager)
    assert effective_deadline(w.cycle, w.b1, DeadlineKind.REGISTRATION) == earlier
    assert effective_deadline(w.cycle, w.g2, DeadlineKind.REGISTRATION) == cycle_date  # another huyện
    with pytest.raises(ValidationError) as info:
        cycle_deadline_set(cycle=w.cycle, unit=w.g1, kind=DeadlineKind.REGISTRATION,
                           date=earlier + datetime.timedelta(days=1), acting_user=w.g1_secretary.user)
    assert info.value.message_dict["date"] == [f"Đơn vị chỉ được đặt hạn sớm hơn ngày {earlier:%d/%m/%Y}."]
    even_earlier = earlier - datetime.timedelta(days=3)
    cycle_deadline_set(cycle=w.cycle, unit=w.g1, kind=DeadlineKind.REGISTRATION, date=even_earlier,
                       acting_user=w.g1_secretary.user)
    assert effective_deadline(w.cycle, w.b1, DeadlineKind.REGISTRATION) == even_earlier
    with pytest.raises(ValidationError):
        cycle_deadline_set(cycle=w.cycle, unit=w.d2, kind=DeadlineKind.REGISTRATION, date=earlier,
                           acting_user=w.g1_secretary.user)


def test_an_extension_in_the_past_or_for_oneself_is_refused(w):
    with pytest.raises(ValidationError):
        deadline_extension_grant(cycle=w.cycle, cadre=w.member, kind=DeadlineKind.REGISTRATION,
                                 until=timezone.localdate() - datetime.timedelta(days=1), acting_user=w.secretary.user)
    with pytest.raises(ValidationError):
        deadline_extension_grant(cycle=w.cycle, cadre=w.secretary, kind=DeadlineKind.REGISTRATION,
                                 until=timezone.localdate(), acting_user=w.secretary.user)


def test_workflow_runs_inside_the_requests_tenant_scope(w):
    registration = submitted_registration(w)
    with scope(tenant=[w.root.tenant_id]):
        queue = review_queue(w.secretary.user)
        assert [form.pk for form in queue.items] == [registration.pk]
        registration_approve(registration=queue.items[0], acting_user=w.secretary.user,
                             expected_version=registration.lock_version)
        assert [step.kind for step in next_steps_for(w.member)] == ["self_assess"]
