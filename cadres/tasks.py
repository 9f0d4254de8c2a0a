from celery import shared_task
from django_scopes import scope

from cadres.models import Tenant, Unit


@shared_task
def count_units(tenant_id: int) -> int:
    """Units of one tenant: a small task that proves a worker reaches the broker and the database."""
    tenant = Tenant.objects.get(pk=tenant_id)
    with scope(tenant=tenant.pk):
        return Unit.objects.filter(archived_at__isnull=True).count()
