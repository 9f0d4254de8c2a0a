"""Celery tasks: thin, they take ids, enter the tenant's scope and call a service. Each
task's `enqueue_…` helper lives here too, so services never import this module."""

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from cadres.models import ImportJob, ImportJobStatus, Tenant, Unit
from cadres.services.imports import import_job_run

logger = logging.getLogger(__name__)


@shared_task
def count_units(tenant_id: int) -> int:
    """Units of one tenant: a small task that proves a worker reaches the broker and the database."""
    tenant = Tenant.objects.get(pk=tenant_id)
    with scope(tenant=tenant.pk):
        return Unit.objects.filter(archived_at__isnull=True).count()


@shared_task(acks_late=True)
def run_import_job(job_id: int) -> str:
    tenant_id = ImportJob.objects.with_scopes_disabled().values_list("tenant_id", flat=True).get(pk=job_id)
    with scope(tenant=tenant_id):
        return import_job_run(job_id=job_id).status


def enqueue_import_job(job: ImportJob) -> None:
    """Hand a started job (`import_job_start`) to the worker once the transaction commits."""
    transaction.on_commit(lambda: _send_import_job(job.pk))


def _send_import_job(job_id: int) -> None:
    try:
        run_import_job.apply_async(args=[job_id], retry=False)
    except Exception:  # the broker is down: say so on the job page instead of failing the request
        logger.exception("could not queue import job %s", job_id)
        ImportJob.objects.filter(pk=job_id, status=ImportJobStatus.QUEUED).update(
            status=ImportJobStatus.FAILED, finished_at=timezone.now(),
            result={"error": _("The job queue is not answering; nothing was written. "
                               "Please confirm the import again in a few minutes.")},
        )
