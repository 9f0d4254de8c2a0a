from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import models

from cadres.models import AuditEvent, Tenant, User


def audit_record(
    *, actor: User | AnonymousUser | None, action: str, obj: models.Model, tenant: Tenant | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit row. Call it inside the transaction of the change it describes."""
    return AuditEvent.objects.create(
        tenant_id=tenant.pk if tenant is not None else getattr(obj, "tenant_id", None),
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        data=data or {},
    )
