"""Celery tasks: thin, they take ids, enter the tenant's scope and call a service."""

from celery import shared_task
from django_scopes import scope, scopes_disabled

from cadres.models import Tenant
from evaluations.models import Cycle, CycleStatus


@shared_task(acks_late=True)
def rollup_tenant(tenant_id: int, cycle_id: int) -> int:
    from reports.services.rollup import rollup_cycle

    with scope(tenant=tenant_id):
        cycle = Cycle.objects.get(pk=cycle_id, tenant_id=tenant_id)
        if not cycle.is_open:  # closed while the task was queued: its figures are frozen
            return 0
        return rollup_cycle(cycle=cycle)


@shared_task(acks_late=True)
def rollup_cadres(tenant_id: int, cycle_id: int, cadre_ids: list[int]) -> int:
    from reports.services.rollup import rollup_cadres as run

    with scope(tenant=tenant_id):
        return run(cycle=Cycle.objects.get(pk=cycle_id, tenant_id=tenant_id), cadre_ids=cadre_ids)


@shared_task
def rollup_nightly() -> int:
    """Every open cycle of every tenant, one task each."""
    # The one place that lists cycles across tenants: it only hands out ids.
    with scopes_disabled():
        cycles = list(Cycle.objects.filter(status=CycleStatus.OPEN, tenant__in=Tenant.objects.all())
                      .values_list("tenant_id", "pk"))
    for tenant_id, cycle_id in cycles:
        rollup_tenant.delay(tenant_id, cycle_id)
    return len(cycles)


@shared_task(acks_late=True)
def generate_report_file(file_id: int) -> str:
    from reports.models import ReportFile
    from reports.services.files import report_file_run

    tenant_id = ReportFile.objects.with_scopes_disabled().values_list("tenant_id", flat=True).get(pk=file_id)
    with scope(tenant=tenant_id):
        return report_file_run(file_id=file_id).status


@shared_task
def send_reminders() -> int:
    """Today's digests and late lists, per tenant with an open cycle."""
    from reports.services.reminders import reminders_send

    with scopes_disabled():
        tenant_ids = list(Cycle.objects.filter(status=CycleStatus.OPEN).values_list("tenant_id", flat=True)
                          .distinct())
    sent = 0
    for tenant_id in tenant_ids:
        with scope(tenant=tenant_id):
            sent += reminders_send(tenant=Tenant.objects.get(pk=tenant_id))
    return sent
