"""Celery tasks: thin, they take ids, enter the tenant's scope and call a service. Each
task's `enqueue_…` helper lives here too, so services never import this module: the
signals and views that start work call the helper, which queues once the transaction
commits and never lets a broker that does not answer fail the request."""

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from cadres import tasks as cadres_tasks
from cadres.models import Tenant
from cadres.services.jobs import jobs_to_resend
from evaluations.models import Cycle, CycleStatus
from reports.models import PendingRollup, ReportFile
from reports.services import files, reminders, rollup

logger = logging.getLogger(__name__)


# Each task says whether running it twice is harmless. Those that are take the message off
# the queue only once they finish (acks_late) and put it back when the process running them
# dies (reject_on_worker_lost): a worker killed mid-run costs a rerun, not the work.


@shared_task(acks_late=True, reject_on_worker_lost=True)
def rollup_tenant(tenant_id: int, cycle_id: int) -> int:
    """Idempotent: the full run recomputes the cycle's figures from the forms, in one transaction."""
    with scope(tenant=tenant_id):
        cycle = Cycle.objects.get(pk=cycle_id, tenant_id=tenant_id)
        if not cycle.is_open:  # closed while the task was queued: its figures are frozen
            return 0
        return rollup.rollup_cycle(cycle=cycle)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def rollup_cadres(tenant_id: int, cycle_id: int, cadre_ids: list[int]) -> int:
    """Idempotent: the cadres' rows and their paths' sums are recomputed, not incremented."""
    with scope(tenant=tenant_id):
        return rollup.rollup_cadres(cycle=Cycle.objects.get(pk=cycle_id, tenant_id=tenant_id), cadre_ids=cadre_ids)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def rollup_unit_forms(tenant_id: int, cycle_id: int, unit_ids: list[int]) -> int:
    """Idempotent: the unit programmes' figures above these units are recounted, not incremented."""
    with scope(tenant=tenant_id):
        return rollup.rollup_unit_forms(cycle=Cycle.objects.get(pk=cycle_id, tenant_id=tenant_id), unit_ids=unit_ids)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def rollup_nightly() -> int:
    """Every open cycle of every tenant, one task each. Idempotent: a second run queues full
    runs again, themselves idempotent."""
    # The one place that lists cycles across tenants: it only hands out ids.
    with scopes_disabled():
        cycles = list(Cycle.objects.filter(status=CycleStatus.OPEN, tenant__in=Tenant.objects.all())
                      .values_list("tenant_id", "pk"))
    for tenant_id, cycle_id in cycles:
        rollup_tenant.delay(tenant_id, cycle_id)
    return len(cycles)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def generate_report_file(file_id: int) -> str:
    """Idempotent: a finished file is left alone; an interrupted one is built again."""
    tenant_id = ReportFile.objects.with_scopes_disabled().values_list("tenant_id", flat=True).get(pk=file_id)
    with scope(tenant=tenant_id):
        return files.report_file_run(file_id=file_id).status


@shared_task
def send_reminders() -> int:
    """Today's digests and late lists, per tenant with an open cycle. Not idempotent (a rerun
    would mail the digests again), so a lost run is not put back: tomorrow's run follows."""
    with scopes_disabled():
        tenant_ids = list(Cycle.objects.filter(status=CycleStatus.OPEN).values_list("tenant_id", flat=True)
                          .distinct())
    sent = 0
    for tenant_id in tenant_ids:
        with scope(tenant=tenant_id):
            sent += reminders.reminders_send(tenant=Tenant.objects.get(pk=tenant_id))
    return sent


# --- Queueing -----------------------------------------------------------------------------

def _send_rollup(task, args: list, what: str) -> bool:
    if cadres_tasks.hand_over(task, args, f"a rollup of {what}"):
        return True
    # Broker down (or, eagerly, the rollup failed): the sweep runs the whole cycle again.
    tenant_id, cycle_id = args[:2]
    PendingRollup.objects.with_scopes_disabled().update_or_create(
        cycle_id=cycle_id, defaults={"tenant_id": tenant_id, "marked_at": timezone.now()})
    return False


def enqueue_rollup_cadres(cycle: Cycle, cadre_ids) -> None:
    """After the current transaction commits, re-roll these cadres' paths. A broker that
    does not answer is logged, never raised, and the cycle marked for the sweep's full run."""
    ids = sorted(set(cadre_ids))
    tenant_id, cycle_id = cycle.tenant_id, cycle.pk
    transaction.on_commit(lambda: _send_rollup(rollup_cadres, [tenant_id, cycle_id, ids],
                                               f"cadres {ids} in cycle {cycle_id}"))


def enqueue_rollup_unit_forms(cycle: Cycle, unit_ids) -> None:
    """After the current transaction commits, recount the unit programmes above these units."""
    ids = sorted(set(unit_ids))
    tenant_id, cycle_id = cycle.tenant_id, cycle.pk
    transaction.on_commit(lambda: _send_rollup(rollup_unit_forms, [tenant_id, cycle_id, ids],
                                               f"unit forms of {ids} in cycle {cycle_id}"))


def enqueue_rollup_cycle(cycle: Cycle) -> None:
    """After the current transaction commits, a full run of the cycle."""
    tenant_id, cycle_id = cycle.tenant_id, cycle.pk
    transaction.on_commit(lambda: _send_rollup(rollup_tenant, [tenant_id, cycle_id], f"cycle {cycle_id}"))


def enqueue_report_file(report_file: ReportFile) -> None:
    """Hand a requested file (`report_file_request`) to the worker once the transaction commits."""
    transaction.on_commit(lambda: _send_report_file(report_file.pk))


def _send_report_file(file_id: int) -> bool:
    return cadres_tasks.hand_over_recorded(generate_report_file, [file_id], f"report file {file_id}", ReportFile,
                                           file_id, "sent_at")


@shared_task
def resend_unsent() -> int:
    """Every minute (beat): hand the broker what it missed while it was down — jobs still
    queued (imports, report files), immediate emails (`cadres.tasks.resend_unsent`), and a
    full rollup of each cycle marked pending. Idempotent: a job is run by one claim at a
    time, a notice emailed once, a rollup recomputes; returns how many it handed over."""
    sent = cadres_tasks.resend_unsent()
    sent += sum(_send_report_file(file_id) for file_id in jobs_to_resend(ReportFile.objects.with_scopes_disabled()))
    with scopes_disabled():
        pending = list(PendingRollup.objects.values_list("pk", "tenant_id", "cycle_id", "marked_at"))
    for pk, tenant_id, cycle_id, marked_at in pending:
        if _send_rollup(rollup_tenant, [tenant_id, cycle_id], f"cycle {cycle_id}"):
            # A miss recorded since we read the row moved marked_at: that row stays for next time.
            PendingRollup.objects.with_scopes_disabled().filter(pk=pk, marked_at=marked_at).delete()
            sent += 1
    return sent
