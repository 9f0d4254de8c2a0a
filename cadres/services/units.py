"""Actions that change the unit tree. Each writes its audit row in its own transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from cadres.models import Tenant, Unit, UnitLevel, User
from cadres.services.audit import audit_record


def _check_level(level: str, parent: Unit | None) -> None:
    if level not in UnitLevel.values:
        raise ValidationError({"level": _("Unknown unit level.")})
    if parent is not None and UnitLevel.rank(level) <= UnitLevel.rank(parent.level):
        raise ValidationError(
            {"level": _("A %(level)s cannot sit under a %(parent)s.")
             % {"level": UnitLevel(level).label, "parent": UnitLevel(parent.level).label}}
        )


@transaction.atomic
def tenant_create(*, name: str, slug: str, root_code: str, root_name: str = "", acting_user: User | None = None) -> Tenant:
    tenant = Tenant.objects.create(name=name, slug=slug)
    # A new root's path depends on every tenant's roots, so this one query spans tenants.
    with scopes_disabled():
        root = Unit.objects.add_root(
            create_kwargs=dict(tenant=tenant, code=root_code, name=root_name or name, level=UnitLevel.PROVINCE)
        )
    audit_record(actor=acting_user, action="tenant.create", obj=tenant, tenant=tenant, data={"root": root.code})
    return tenant


@transaction.atomic
def unit_create(*, parent: Unit, code: str, name: str, level: str, sector: str = "", acting_user: User | None = None) -> Unit:
    _check_level(level, parent)
    if Unit.objects.filter(tenant_id=parent.tenant_id, code=code).exists():
        raise ValidationError({"code": _("Code %(code)s is already used in this province.") % {"code": code}})
    unit = Unit.objects.add_child(
        parent, dict(tenant_id=parent.tenant_id, code=code, name=name, level=level, sector=sector)
    )
    audit_record(
        actor=acting_user, action="unit.create", obj=unit,
        data={"code": code, "name": name, "level": level, "sector": sector, "parent": parent.code},
    )
    return unit


@transaction.atomic
def unit_update(
    *, unit: Unit, name: str, level: str, sector: str = "", parent: Unit | None = None, acting_user: User | None = None
) -> Unit:
    """Rename, relabel or move a unit. Moving keeps its history: only its path changes."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    current_parent = Unit.objects.get_parent(unit)
    new_parent = parent if parent is not None else current_parent
    if new_parent is not None and new_parent.path.startswith(unit.path):
        raise ValidationError({"parent": _("A unit cannot be moved under itself or its own sub-unit.")})
    _check_level(level, new_parent)
    for child in Unit.objects.get_children(unit):
        if UnitLevel.rank(child.level) <= UnitLevel.rank(level):
            raise ValidationError({"level": _("Sub-unit %(code)s would no longer sit under a higher level.")
                                   % {"code": child.code}})
    changes = {
        key: [old, new]
        for key, old, new in [("name", unit.name, name), ("level", unit.level, level), ("sector", unit.sector, sector)]
        if old != new
    }
    unit.name, unit.level, unit.sector = name, level, sector
    unit.save(update_fields=["name", "level", "sector", "search_text", "updated_at"])
    if new_parent is not None and current_parent is not None and new_parent.pk != current_parent.pk:
        Unit.objects.move(unit, new_parent, "last-child")
        changes["parent"] = [current_parent.code, new_parent.code]
        unit.refresh_from_db()
    if changes:
        audit_record(actor=acting_user, action="unit.update", obj=unit, data=changes)
    return unit


@transaction.atomic
def unit_archive(*, unit: Unit, acting_user: User | None = None) -> Unit:
    """Archive a unit and its subtree; forms and reports keep pointing at them."""
    now = timezone.now()
    archived = Unit.objects.filter(path__startswith=unit.path, archived_at__isnull=True).update(archived_at=now)
    audit_record(actor=acting_user, action="unit.archive", obj=unit, data={"units": archived})
    unit.refresh_from_db()
    return unit
