"""Actions that create and edit units. Each writes its audit row and the unit's history in
its own transaction; moving, merging, splitting and archiving are in `reorganise`."""

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from cadres.actors import account_of
from cadres.models import Tenant, Unit, UnitChange, UnitChangeKind, UnitLevel
from cadres.selectors import manages_unit
from cadres.services.audit import audit_record
from cadres.transitions import Refusal, User, require


def check_level(level: str, parent: Unit | None) -> None:
    if level not in UnitLevel.values:
        raise ValidationError({"level": _("Unknown unit level.")})
    if parent is not None and UnitLevel.rank(level) <= UnitLevel.rank(parent.level):
        raise ValidationError(
            {"level": _("A %(level)s cannot sit under a %(parent)s.")
             % {"level": UnitLevel(level).label, "parent": UnitLevel(parent.level).label}}
        )


def unit_ref(unit: Unit) -> dict[str, Any]:
    """How a history row names another unit: as it was called then."""
    return {"id": unit.pk, "code": unit.code, "name": unit.name}


def history_record(
    *, unit: Unit, kind: str, date: datetime.date | None = None, before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None, related: Sequence[Unit] = (), acting_user: User,
) -> UnitChange:
    """One row of the unit's history; the service writing it has checked who acts."""
    return UnitChange.objects.create(
        tenant_id=unit.tenant_id, unit=unit, kind=kind, date=date or timezone.localdate(), before=before or {},
        after=after or {}, related=[unit_ref(other) for other in related],
        actor=account_of(acting_user),
    )


def lock_units(units: Sequence[Unit], expected: Mapping[int, int] | None) -> dict[int, Unit]:
    """Hold the rows and their parents' (the tree writes both), all in id order so two
    reorganisations cannot deadlock; refuse when a page was loaded before someone else
    changed one of them, or one was archived meanwhile; bump their versions."""
    ids = sorted({unit.pk for unit in units})
    parents = Q(pk__in=ids)
    for unit in units:
        if unit.depth > 1:
            parents |= Q(tenant_id=unit.tenant_id, path=unit.path[:-Unit.steplen])
    held = {unit.pk: unit for unit in Unit.objects.select_for_update().filter(parents).order_by("pk")}
    locked = {pk: held[pk] for pk in ids}
    for pk, version in (expected or {}).items():
        if pk in locked and locked[pk].lock_version != version:
            raise Refusal(_("The unit was changed by someone else; please reload the page."), "stale")
    for unit in locked.values():
        if unit.is_archived:
            raise Refusal(_("%(unit)s is archived.") % {"unit": unit.name}, "invalid")
    # updated_at too: the API's `updated_since` sees a moved, merged or split unit.
    Unit.objects.filter(pk__in=ids).update(lock_version=F("lock_version") + 1, updated_at=timezone.now())
    return locked


def require_manager(actor: User, unit: Unit) -> None:
    """Refuse unless the actor manages the unit (the rule of `get_managed_unit_for_user`)."""
    require(actor, lambda user: manages_unit(user, unit), _("You do not manage %(unit)s.") % {"unit": unit.name})


@transaction.atomic
def tenant_create(*, name: str, slug: str, root_code: str, root_name: str = "", acting_user: User) -> Tenant:
    """A province and its root union: for the platform (its admin, a command), nobody inside a tenant."""
    require(acting_user, lambda user: user.is_superuser, _("Only the platform's administrators create provinces."))
    tenant = Tenant.objects.create(name=name, slug=slug)
    # A new root's path depends on every tenant's roots, so this one query spans tenants.
    with scopes_disabled():
        root = Unit.objects.add_root(
            create_kwargs=dict(tenant=tenant, code=root_code, name=root_name or name, level=UnitLevel.PROVINCE)
        )
    audit_record(actor=acting_user, action="tenant.create", obj=tenant, tenant=tenant, data={"root": root.code})
    return tenant


@transaction.atomic
def unit_create(
    *, parent: Unit, code: str, name: str, level: str, sector: str = "", acting_user: User,
    date: datetime.date | None = None,
) -> Unit:
    require_manager(acting_user, parent)
    check_level(level, parent)
    if parent.is_archived:
        raise ValidationError({"parent": _("%(unit)s is archived.") % {"unit": parent.name}})
    if Unit.objects.filter(tenant_id=parent.tenant_id, code=code).exists():
        raise ValidationError({"code": _("Code %(code)s is already used in this province.") % {"code": code}})
    unit = Unit.objects.add_child(
        parent, dict(tenant_id=parent.tenant_id, code=code, name=name, level=level, sector=sector)
    )
    audit_record(
        actor=acting_user, action="unit.create", obj=unit,
        data={"code": code, "name": name, "level": level, "sector": sector, "parent": parent.code},
    )
    history_record(unit=unit, kind=UnitChangeKind.CREATED, date=date, after={"parent": parent.code,
                   "parent_name": parent.name}, acting_user=acting_user)
    return unit


def relocate(unit: Unit, parent: Unit, *, date: datetime.date | None, acting_user: User) -> None:
    """Put `unit` (held) under `parent`, remembering the parent it leaves. Only its path
    changes: its forms, reports and history stay its own. The service moving it has
    checked who acts."""
    current = Unit.objects.get_parent(unit)
    Unit.objects.move(unit, parent, "last-child")
    unit.refresh_from_db()
    history_record(
        unit=unit, kind=UnitChangeKind.MOVED, date=date, acting_user=acting_user,
        before={"parent": current.code, "parent_name": current.name} if current else {},
        after={"parent": parent.code, "parent_name": parent.name},
    )


@transaction.atomic
def unit_update(
    *, unit: Unit, name: str, level: str, sector: str = "", parent: Unit | None = None, acting_user: User,
    expected_version: int | None = None,
) -> Unit:
    """Rename, relabel or move a unit. Moving keeps its history: only its path changes."""
    require_manager(acting_user, unit)
    if parent is not None:
        require_manager(acting_user, parent)
    unit = lock_units([unit], None if expected_version is None else {unit.pk: expected_version})[unit.pk]
    current_parent = Unit.objects.get_parent(unit)
    new_parent = parent if parent is not None else current_parent
    if new_parent is not None and new_parent.path.startswith(unit.path):
        raise ValidationError({"parent": _("A unit cannot be moved under itself or its own sub-unit.")})
    check_level(level, new_parent)
    for child in Unit.objects.get_children(unit):
        if UnitLevel.rank(child.level) <= UnitLevel.rank(level):
            raise ValidationError({"level": _("Sub-unit %(code)s would no longer sit under a higher level.")
                                   % {"code": child.code}})
    changes = {
        key: [old, new]
        for key, old, new in [("name", unit.name, name), ("level", unit.level, level), ("sector", unit.sector, sector)]
        if old != new
    }
    if "name" in changes:
        history_record(unit=unit, kind=UnitChangeKind.RENAMED, before={"name": unit.name}, after={"name": name},
                       acting_user=acting_user)
    relabelled = {key: changes[key] for key in ("level", "sector") if key in changes}
    if relabelled:
        history_record(unit=unit, kind=UnitChangeKind.RELABELLED, acting_user=acting_user,
                       before={key: old for key, (old, _new) in relabelled.items()},
                       after={key: new for key, (_old, new) in relabelled.items()})
    unit.name, unit.level, unit.sector = name, level, sector
    unit.save(update_fields=["name", "level", "sector", "search_text", "updated_at"])
    if new_parent is not None and current_parent is not None and new_parent.pk != current_parent.pk:
        relocate(unit, new_parent, date=None, acting_user=acting_user)
        changes["parent"] = [current_parent.code, new_parent.code]
    if changes:
        audit_record(actor=acting_user, action="unit.update", obj=unit, data=changes)
    return unit
