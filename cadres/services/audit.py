from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import models

from cadres.actors import System
from cadres.maintenance import insert_many
from cadres.models import AuditEvent, Cadre, Tenant, Unit, User

# What every row written inside `audit_on_behalf` adds (the API client a system's job runs for).
_ON_BEHALF: ContextVar[dict[str, Any]] = ContextVar("audit_on_behalf", default={})


@contextmanager
def audit_on_behalf(data: dict[str, Any]) -> Iterator[None]:
    """Every audit row written inside names `data` too: an import run as the system for an API
    client writes its cadres', positions' and units' rows through the services, each naming it."""
    token = _ON_BEHALF.set(data)
    try:
        yield
    finally:
        _ON_BEHALF.reset(token)


def _subjects(obj: models.Model) -> tuple[int | None, int | None]:
    """(unit id, cadre id) of the trails the row belongs to: the object itself when it is a
    unit or a cadre, else the unit and cadre it points to (a programme's owner unit)."""
    if isinstance(obj, Unit):
        return obj.pk, None
    if isinstance(obj, Cadre):
        return None, obj.pk
    unit_id = getattr(obj, "unit_id", None) or getattr(obj, "owner_unit_id", None)
    return unit_id, getattr(obj, "cadre_id", None)


def audit_record(
    *, actor: User | AnonymousUser | System | None, action: str, obj: models.Model, tenant: Tenant | None = None,
    data: dict[str, Any] | None = None, unit: Unit | None = None, cadre: Cadre | None = None,
) -> AuditEvent:
    """Write one audit row. Call it inside the transaction of the change it describes.
    `unit` and `cadre` name whose trail it is when `obj` does not say (a cycle's row about one unit)."""
    event = audit_event(actor=actor, action=action, obj=obj, tenant=tenant, data=data, unit=unit, cadre=cadre)
    event.save(force_insert=True)
    return event


def audit_event(
    *, actor: User | AnonymousUser | System | None, action: str, obj: models.Model, tenant: Tenant | None = None,
    data: dict[str, Any] | None = None, unit: Unit | None = None, cadre: Cadre | None = None,
) -> AuditEvent:
    """The row `audit_record` writes, unsaved: a bulk change inserts many at once (`audit_record_many`)."""
    unit_id, cadre_id = _subjects(obj)
    return AuditEvent(
        tenant_id=tenant.pk if tenant is not None else getattr(obj, "tenant_id", None),
        actor=actor if isinstance(actor, User) else None,  # none for the system or a visitor
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        unit_id=unit.pk if unit is not None else unit_id,
        cadre_id=cadre.pk if cadre is not None else cadre_id,
        data={**(data or {}), **_ON_BEHALF.get()},
    )


def audit_record_many(events: Sequence[AuditEvent]) -> None:
    """Write the rows `audit_event` built, in one statement; inside the change's transaction."""
    insert_many(events)
