from celery import shared_task
from django_scopes import scope

from cadres.models import ImportJob, Tenant, Unit
from cadres.services.imports import import_job_run


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
