"""Celery tasks: thin, they take ids, enter the tenant's scope and call a service. Each
task's `enqueue_…` helper lives here too, so services never import this module: the
signals and views that start work call the helper, which queues once the transaction
commits and never lets a broker that does not answer fail the request."""

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from cadres.models import Tenant
from evaluations.models import Cycle, CycleStatus
from reports.models import ReportFile, ReportFileStatus
from reports.services import files, reminders, rollup

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def rollup_tenant(tenant_id: int, cycle_id: int) -> int:
    with scope(tenant=tenant_id):
        cycle = Cycle.objects.get(pk=cycle_id, tenant_id=tenant_id)
        if not cycle.is_open:  # closed while the task was queued: its figures are frozen
            return 0
        return rollup.rollup_cycle(cycle=cycle)


@shared_task(acks_late=True)
def rollup_cadres(tenant_id: int, cycle_id: int, cadre_ids: list[int]) -> int:
    with scope(tenant=tenant_id):
        return rollup.rollup_cadres(cycle=Cycle.objects.get(pk=cycle_id, tenant_id=tenant_id), cadre_ids=cadre_ids)


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
    tenant_id = ReportFile.objects.with_scopes_disabled().values_list("tenant_id", flat=True).get(pk=file_id)
    with scope(tenant=tenant_id):
        return files.report_file_run(file_id=file_id).status


@shared_task
def send_reminders() -> int:
    """Today's digests and late lists, per tenant with an open cycle."""
    with scopes_disabled():
        tenant_ids = list(Cycle.objects.filter(status=CycleStatus.OPEN).values_list("tenant_id", flat=True)
                          .distinct())
    sent = 0
    for tenant_id in tenant_ids:
        with scope(tenant=tenant_id):
            sent += reminders.reminders_send(tenant=Tenant.objects.get(pk=tenant_id))
    return sent


# --- Queueing -----------------------------------------------------------------------------

def _send_rollup(task, args: list, what: str) -> None:
    try:
        task.apply_async(args=args, retry=False)
    except Exception:  # broker down (or, eagerly, the rollup failed): the nightly run repairs it
        logger.exception("could not queue a rollup of %s", what)


def enqueue_rollup_cadres(cycle: Cycle, cadre_ids) -> None:
    """After the current transaction commits, re-roll these cadres' paths. A broker that
    does not answer is logged, never raised: the nightly full run repairs what was missed."""
    ids = sorted(set(cadre_ids))
    tenant_id, cycle_id = cycle.tenant_id, cycle.pk
    transaction.on_commit(lambda: _send_rollup(rollup_cadres, [tenant_id, cycle_id, ids],
                                               f"cadres {ids} in cycle {cycle_id}"))


def enqueue_rollup_cycle(cycle: Cycle) -> None:
    """After the current transaction commits, a full run of the cycle."""
    tenant_id, cycle_id = cycle.tenant_id, cycle.pk
    transaction.on_commit(lambda: _send_rollup(rollup_tenant, [tenant_id, cycle_id], f"cycle {cycle_id}"))


def enqueue_report_file(report_file: ReportFile) -> None:
    """Hand a requested file (`report_file_request`) to the worker once the transaction commits."""
    transaction.on_commit(lambda: _send_report_file(report_file.pk))


def _send_report_file(file_id: int) -> None:
    try:
        generate_report_file.apply_async(args=[file_id], retry=False)
    except Exception:  # the broker is down: the page says so instead of spinning forever
        logger.exception("could not queue report file %s", file_id)
        ReportFile.objects.filter(pk=file_id, status=ReportFileStatus.QUEUED).update(
            status=ReportFileStatus.FAILED, finished_at=timezone.now(),
            error=_("The job queue is not answering; the document was not made. Please try again in a few "
                    "minutes."),
        )
