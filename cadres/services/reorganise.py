"""Reorganising the tree: move, merge, split and archive units (domain §2).

Each operation checks everything first (scope, levels, the plan is complete), then runs in
one transaction: units are locked and their versions checked (a page loaded before another
manager's change is refused), positions move from the old units to the new ones on the
day of the change (ended the day before, started that day, so a closed year still counts
the cadre where they were), open forms follow through `positions_transferred`, the apps
above answer for their records of the units moved and archived through `units_reorganised`
(a unit's own forms), and every unit involved gets its history and audit rows. Nothing is
deleted: a merged or split unit is archived with its past forms and reports.

A preview is the same operation run in a savepoint and rolled back (`dry_run=True`), so
what the manager is shown is exactly what confirming does.
"""

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _, ngettext

from cadres.models import Cadre, Position, Unit, UnitChangeKind, UnitLevel
from cadres.services.audit import audit_record
from cadres.services.units import history_record, lock_units, relocate, require_manager, unit_create
from cadres.signals import positions_transferred, unit_impact, units_reorganised
from cadres.transitions import Refusal, User

# A move of one cadre's positions: (cadre id, from unit id, to unit id).
Move = tuple[int, int, int]


@dataclass(frozen=True)
class NewUnit:
    """A unit a merge or a split creates; level and sector default to the unit it comes from."""

    code: str
    name: str
    level: str = ""
    sector: str | None = None


@dataclass
class Outcome:
    """What an operation will do (a preview) or did: sentences for a person, and counts."""

    lines: list[str] = field(default_factory=list)
    impact: dict[str, int] = field(default_factory=dict)
    cadres: int = 0
    dry_run: bool = False

    def impact_lines(self) -> list[str]:
        labels = {
            "open_forms": _("Open forms that move with their cadres (the reviewer changes with them): %(n)s"),
            "programmes": _("Programmes of these units (they stay with the unit that made them): %(n)s"),
            "reports": _("Unit reports of these units (they stay with the unit that made them): %(n)s"),
        }
        return [labels[key] % {"n": count} for key, count in sorted(self.impact.items()) if key in labels]


class _Preview(Exception):
    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome


def _run(dry_run: bool, work: Callable[[Outcome], None]) -> Outcome:
    outcome = Outcome(dry_run=dry_run)
    try:
        with transaction.atomic():
            work(outcome)
            if dry_run:
                raise _Preview(outcome)
    except _Preview as preview:
        return preview.outcome
    return outcome


def impact_of(units: Sequence[Unit]) -> dict[str, int]:
    """What the apps built on this one hold in these units' subtrees (`unit_impact`)."""
    totals: dict[str, int] = {}
    for _receiver, answer in unit_impact.send(sender=Unit, units=list(units)):
        if isinstance(answer, dict):
            for key, count in answer.items():
                totals[key] = totals.get(key, 0) + count
    return totals


def _parent(unit: Unit) -> Unit:
    parent = Unit.objects.get_parent(unit)
    if parent is None:
        raise Refusal(_("The province's own union cannot be moved, merged, split or archived."), "invalid")
    return parent


def _check_live(*units: Unit) -> None:
    for unit in units:
        if unit.is_archived:
            raise Refusal(_("%(unit)s is archived.") % {"unit": unit.name}, "invalid")


def _check_same_tenant(units: Sequence[Unit]) -> None:
    if len({unit.tenant_id for unit in units}) > 1:
        raise Refusal(_("Units of different provinces cannot be reorganised together."), "invalid")


def _check_fits(unit: Unit, parent: Unit, level: str | None = None) -> None:
    """`unit` (at `level`, default its own) may sit under `parent`: not under itself, not
    under its own sub-unit, not under a unit of its level or lower."""
    if parent.path.startswith(unit.path):
        raise Refusal(_("%(unit)s cannot be moved under itself or its own sub-unit %(parent)s.")
                      % {"unit": unit.name, "parent": parent.name}, "invalid")
    level = level or unit.level
    if not UnitLevel.is_at_least(parent.level, level) or parent.level == level:
        raise Refusal(_("A %(level)s cannot sit under a %(parent)s (%(name)s).")
                      % {"level": UnitLevel(level).label, "parent": UnitLevel(parent.level).label,
                         "name": parent.name}, "invalid")


def _check_children_fit(children: Sequence[Unit], level: str, into: str) -> None:
    for child in children:
        if UnitLevel.is_at_least(child.level, level):
            raise Refusal(_("Sub-unit %(code)s (%(level)s) cannot sit under %(unit)s.")
                          % {"code": child.code, "level": child.get_level_display(), "unit": into}, "invalid")


def _children(unit: Unit) -> list[Unit]:
    return list(Unit.objects.get_children(unit).filter(archived_at__isnull=True).order_by("path"))


def _held_positions(units: Sequence[Unit], on: datetime.date) -> list[Position]:
    """Positions held in these units themselves (not below) on `on` or starting later."""
    return list(Position.objects.held(on).filter(unit__in=units).select_related("cadre", "unit").order_by("pk"))


def _transfer(positions: Sequence[Position], to: Unit, on: datetime.date, acting_user: User) -> list[Move]:
    """Each position ends the day before `on` and the same role starts in `to` that day; one
    not begun yet just changes unit. Audited as the positions they are."""
    moves: list[Move] = []
    for position in positions:
        moves.append((position.cadre_id, position.unit_id, to.pk))
        source, until = position.unit, position.end_date
        data = {"cadre": position.cadre_id, "unit": to.code, "role": position.role, "moved_from": source.code}
        if position.start_date >= on:
            position.unit = to
            position.save(update_fields=["unit", "updated_at"])
            audit_record(actor=acting_user, action="position.create", obj=position,
                         data={**data, "start_date": position.start_date.isoformat()})
            continue
        position.end_date = on - datetime.timedelta(days=1)
        position.save(update_fields=["end_date", "updated_at"])
        audit_record(actor=acting_user, action="position.end", obj=position,
                     data={"end_date": position.end_date.isoformat(), "moved_to": to.code})
        new = Position.objects.create(tenant_id=to.tenant_id, cadre_id=position.cadre_id, unit=to,
                                      role=position.role, start_date=on, end_date=until)
        audit_record(actor=acting_user, action="position.create", obj=new, data={**data, "start_date": on.isoformat()})
    return moves


def _announce(outcome: Outcome, moves: list[Move], acting_user: User, moved: Sequence[Unit] = (),
              archived: Sequence[Unit] = ()) -> None:
    """Tell the apps above what changed: cadres who moved, units under a new parent, units
    archived; what they did for it goes into the outcome's lines."""
    if moves:
        positions_transferred.send(sender=Unit, moves=moves)
    if moved or archived:
        for _receiver, answer in units_reorganised.send(sender=Unit, moved=list(moved), archived=list(archived),
                                                         acting_user=acting_user):
            if isinstance(answer, list):
                outcome.lines += answer


def _archive(unit: Unit, on: datetime.date, acting_user: User, related: Sequence[Unit] = (),
             kind: str = UnitChangeKind.ARCHIVED) -> list[Unit]:
    """Archive the unit and what is still below it; returns the units archived."""
    subtree = Unit.objects.filter(tenant_id=unit.tenant_id, path__startswith=unit.path, archived_at__isnull=True)
    archived = list(subtree.order_by("path"))
    subtree.update(archived_at=timezone.now())
    history_record(unit=unit, kind=kind, date=on, related=related, acting_user=acting_user)
    return archived


def _cadres_line(count: int, source: Unit, target: Unit) -> str:
    return ngettext("%(n)s cadre moves from %(from)s to %(to)s.", "%(n)s cadres move from %(from)s to %(to)s.",
                    count) % {"n": count, "from": source.name, "to": target.name}


def _units_line(children: Sequence[Unit], source: Unit, target: Unit) -> str:
    return ngettext("%(n)s sub-unit moves from %(from)s to %(to)s: %(names)s.",
                    "%(n)s sub-units move from %(from)s to %(to)s: %(names)s.", len(children)) % {
        "n": len(children), "from": source.name, "to": target.name,
        "names": ", ".join(child.name for child in children)}


# --- Move -------------------------------------------------------------------------------------

def unit_move(
    *, unit: Unit, parent: Unit, acting_user: User, expected: Mapping[int, int] | None = None,
    on: datetime.date | None = None, dry_run: bool = False,
) -> Outcome:
    """Put a unit and its subtree under another unit of a higher level."""
    on = on or timezone.localdate()

    def work(outcome: Outcome) -> None:
        _check_same_tenant([unit, parent])
        _check_live(unit, parent)
        current = _parent(unit)
        require_manager(acting_user, current)
        require_manager(acting_user, parent)
        _check_fits(unit, parent)
        if current.pk == parent.pk:
            raise Refusal(_("%(unit)s already sits under %(parent)s.") % {"unit": unit.name, "parent": parent.name},
                          "invalid")
        outcome.impact = impact_of([unit])
        held = lock_units([unit, current, parent], expected)[unit.pk]
        relocate(held, parent, date=on, acting_user=acting_user)
        audit_record(actor=acting_user, action="unit.move", obj=held,
                     data={"parent": [current.code, parent.code]})
        outcome.lines.append(_("%(unit)s moves from %(from)s to %(to)s, with its sub-units and cadres.")
                             % {"unit": unit.name, "from": current.name, "to": parent.name})
        _announce(outcome, [], acting_user, moved=[held])

    return _run(dry_run, work)


# --- Merge ------------------------------------------------------------------------------------

def unit_merge(
    *, sources: Sequence[Unit], into: Unit | None = None, new: NewUnit | None = None, parent: Unit | None = None,
    acting_user: User, expected: Mapping[int, int] | None = None, on: datetime.date | None = None,
    dry_run: bool = False,
) -> Outcome:
    """Merge the sources into the existing unit `into` ("A into B"), or into a `new` unit
    created under `parent` (default: the first source's parent; "A and B into C"). Their
    sub-units and cadres go to the target; the sources are archived."""
    on = on or timezone.localdate()

    def work(outcome: Outcome) -> None:
        if (into is None) == (new is None):
            raise Refusal(_("Say which unit the others are merged into, or give the new unit's code and name."),
                          "invalid")
        if len({unit.pk for unit in sources}) < (2 if new is not None else 1):
            raise Refusal(_("Choose at least two units to merge into a new one, or one to merge into another."),
                          "invalid")
        if into is not None and any(unit.pk == into.pk for unit in sources):
            raise Refusal(_("A unit cannot be merged into itself."), "invalid")
        everyone = [*sources, *([into] if into else []), *([parent] if parent else [])]
        _check_same_tenant(everyone)
        _check_live(*everyone)
        for unit in sources:
            require_manager(acting_user, _parent(unit))
            others = [other for other in everyone if other.pk != unit.pk]
            if nested := next((other for other in others if other.path.startswith(unit.path)), None):
                raise Refusal(_("%(other)s sits inside %(unit)s: merge units side by side, not one inside another.")
                              % {"other": nested.name, "unit": unit.name}, "invalid")
        outcome.impact = impact_of(sources)
        locked = lock_units([*sources, *([into] if into else [])], expected)
        held = [locked[unit.pk] for unit in sources]
        if new is not None:
            above = parent or _parent(held[0])
            require_manager(acting_user, above)
            target = _create(new, held[0], above, acting_user, on)
            outcome.lines.append(_("New unit %(name)s (%(code)s, %(level)s) is created under %(parent)s.")
                                 % {"name": target.name, "code": target.code, "level": target.get_level_display(),
                                    "parent": above.name})
        else:
            assert into is not None
            target = locked[into.pk]
            require_manager(acting_user, target)
        moves: list[Move] = []
        moved: list[Unit] = []
        archived: list[Unit] = []
        for source in held:
            children = _children(source)
            _check_children_fit(children, target.level, target.name)
            for child in children:
                relocate(child, target, date=on, acting_user=acting_user)
            moved += children
            if children:
                outcome.lines.append(_units_line(children, source, target))
            source_moves = _transfer(_held_positions([source], on), target, on, acting_user)
            outcome.lines.append(_cadres_line(len({cadre for cadre, _f, _t in source_moves}), source, target))
            moves += source_moves
            source.refresh_from_db()
            archived += _archive(source, on, acting_user, related=[target], kind=UnitChangeKind.MERGED_INTO)
            outcome.lines.append(_("%(unit)s is archived; its past forms and reports stay with it.")
                                 % {"unit": source.name})
        history_record(unit=target, kind=UnitChangeKind.MERGED_FROM, date=on, related=held, acting_user=acting_user)
        audit_record(actor=acting_user, action="unit.merge", obj=target,
                     data={"units": ", ".join(unit.code for unit in held), "into": target.code,
                           "cadres": len({cadre for cadre, _f, _t in moves})})
        outcome.cadres = len({cadre for cadre, _f, _t in moves})
        _announce(outcome, moves, acting_user, moved=moved, archived=archived)

    return _run(dry_run, work)


def _create(spec: NewUnit, like: Unit, parent: Unit, acting_user: User, on: datetime.date) -> Unit:
    level = spec.level or like.level
    sector = like.sector if spec.sector is None else spec.sector
    if not spec.code.strip() or not spec.name.strip():
        raise Refusal(_("A new unit needs a code and a name."), "invalid")
    if UnitLevel.rank(level) <= UnitLevel.rank(parent.level):
        raise Refusal(_("A %(level)s cannot sit under a %(parent)s (%(name)s).")
                      % {"level": UnitLevel(level).label, "parent": UnitLevel(parent.level).label,
                         "name": parent.name}, "invalid")
    if Unit.objects.filter(tenant_id=parent.tenant_id, code=spec.code).exists():
        raise Refusal(_("Code %(code)s is already used in this province.") % {"code": spec.code}, "invalid")
    return unit_create(parent=parent, code=spec.code.strip(), name=spec.name.strip(), level=level, sector=sector,
                       acting_user=acting_user, date=on)


# --- Split ------------------------------------------------------------------------------------

def unit_split(
    *, unit: Unit, parts: Sequence[NewUnit], children: Mapping[str, str], cadres: Mapping[int, str],
    acting_user: User, expected: Mapping[int, int] | None = None, on: datetime.date | None = None,
    dry_run: bool = False,
) -> Outcome:
    """Split `unit` into new units beside it (`parts`); `children` says which part each of
    its sub-units goes to (by code), `cadres` which part each of its cadres goes to (by
    cadre id). Every sub-unit and every cadre must be placed. The unit is archived."""
    on = on or timezone.localdate()

    def work(outcome: Outcome) -> None:
        _check_live(unit)
        above = _parent(unit)
        require_manager(acting_user, above)
        codes = [part.code.strip() for part in parts]
        if len(codes) < 2:
            raise Refusal(_("A split needs at least two new units."), "invalid")
        if len(set(codes)) < len(codes):
            raise Refusal(_("The new units need different codes."), "invalid")
        own_children = {child.code: child for child in _children(unit)}
        positions = _held_positions([unit], on)
        own_cadres = {position.cadre_id: position.cadre for position in positions}
        _check_plan(unit, codes, own_children, own_cadres, children, cadres)
        outcome.impact = impact_of([unit])
        held = lock_units([unit, above], expected)[unit.pk]
        created = {}
        for part in parts:
            created[part.code.strip()] = _create(part, held, above, acting_user, on)
            new = created[part.code.strip()]
            outcome.lines.append(_("New unit %(name)s (%(code)s, %(level)s) is created under %(parent)s.")
                                 % {"name": new.name, "code": new.code, "level": new.get_level_display(),
                                    "parent": above.name})
        moves: list[Move] = []
        moved: list[Unit] = []
        for code, target in created.items():
            going = [own_children[child] for child, part in children.items() if part.strip() == code]
            _check_children_fit(going, target.level, target.name)
            for child in going:
                child.refresh_from_db()
                relocate(child, target, date=on, acting_user=acting_user)
            moved += going
            if going:
                outcome.lines.append(_units_line(going, held, target))
            people = {cadre for cadre, part in cadres.items() if part.strip() == code}
            moves += _transfer([position for position in positions if position.cadre_id in people], target, on,
                               acting_user)
            if people:
                outcome.lines.append(_cadres_line(len(people), held, target))
        held.refresh_from_db()
        archived = _archive(held, on, acting_user, related=list(created.values()), kind=UnitChangeKind.SPLIT_INTO)
        outcome.lines.append(_("%(unit)s is archived; its past forms and reports stay with it.") % {"unit": held.name})
        for new in created.values():
            history_record(unit=new, kind=UnitChangeKind.SPLIT_FROM, date=on, related=[held], acting_user=acting_user)
        audit_record(actor=acting_user, action="unit.split", obj=held,
                     data={"into": ", ".join(created), "cadres": len(own_cadres)})
        outcome.cadres = len(own_cadres)
        _announce(outcome, moves, acting_user, moved=moved, archived=archived)

    return _run(dry_run, work)


def _check_plan(unit: Unit, codes: list[str], own_children: Mapping[str, Unit], own_cadres: Mapping[int, Cadre],
                children: Mapping[str, str], cadres: Mapping[int, str]) -> None:
    """Every sub-unit and cadre placed in one of the new units, nothing unknown named."""
    unknown_children = sorted(set(children) - set(own_children))
    if unknown_children:
        raise Refusal(_("%(unit)s has no sub-unit with code %(codes)s.")
                      % {"unit": unit.name, "codes": ", ".join(unknown_children)}, "invalid")
    if set(cadres) - set(own_cadres):
        raise Refusal(_("Some of the cadres named do not hold a position in %(unit)s.") % {"unit": unit.name},
                      "invalid")
    unknown_parts = sorted({part.strip() for part in [*children.values(), *cadres.values()]} - set(codes))
    if unknown_parts:
        raise Refusal(_("%(codes)s is not one of the new units.") % {"codes": ", ".join(unknown_parts)}, "invalid")
    left_units = sorted(set(own_children) - set(children))
    if left_units:
        raise Refusal(_("Say which new unit each sub-unit goes to; not placed: %(names)s.")
                      % {"names": ", ".join(own_children[code].name for code in left_units)}, "invalid")
    left_cadres = sorted(own_cadres[pk].full_name for pk in set(own_cadres) - set(cadres))
    if left_cadres:
        raise Refusal(_("Say which new unit each cadre goes to; not placed: %(names)s.")
                      % {"names": ", ".join(left_cadres)}, "invalid")


# --- Archive ----------------------------------------------------------------------------------

def unit_archive(
    *, unit: Unit, transfer_to: Unit | None = None, acting_user: User,
    expected: Mapping[int, int] | None = None, on: datetime.date | None = None, dry_run: bool = False,
) -> Outcome:
    """Archive a unit and its subtree; forms and reports keep pointing at them. With open
    forms in it, `transfer_to` must say where its cadres (and so their forms) go."""
    on = on or timezone.localdate()

    def work(outcome: Outcome) -> None:
        _check_live(unit)
        above = _parent(unit)
        require_manager(acting_user, above)
        outcome.impact = impact_of([unit])
        if transfer_to is not None:
            _check_same_tenant([unit, transfer_to])
            _check_live(transfer_to)
            require_manager(acting_user, transfer_to)
            if transfer_to.path.startswith(unit.path):
                raise Refusal(_("The cadres cannot go to a unit that is archived with %(unit)s.")
                              % {"unit": unit.name}, "invalid")
        elif outcome.impact.get("open_forms"):
            raise Refusal(ngettext(
                "%(unit)s still has %(n)s open form: choose the unit its cadre and form go to.",
                "%(unit)s still has %(n)s open forms: choose the unit its cadres and their forms go to.",
                outcome.impact["open_forms"]) % {"unit": unit.name, "n": outcome.impact["open_forms"]}, "invalid")
        held = lock_units([unit, *([transfer_to] if transfer_to else [])], expected)[unit.pk]
        moves: list[Move] = []
        if transfer_to is not None:
            subtree = Unit.objects.filter(tenant_id=held.tenant_id, path__startswith=held.path,
                                          archived_at__isnull=True)
            moves = _transfer(_held_positions(list(subtree), on), transfer_to, on, acting_user)
            outcome.lines.append(_cadres_line(len({cadre for cadre, _f, _t in moves}), held, transfer_to))
        archived = _archive(held, on, acting_user, related=[transfer_to] if transfer_to else [])
        audit_record(actor=acting_user, action="unit.archive", obj=held,
                     data={"units": len(archived), **({"transfer_to": transfer_to.code} if transfer_to else {})})
        outcome.lines.append(ngettext(
            "%(unit)s is archived (%(n)s unit with the ones below it); its past forms and reports stay with it.",
            "%(unit)s is archived (%(n)s units with the ones below it); its past forms and reports stay with it.",
            len(archived)) % {"unit": held.name, "n": len(archived)})
        outcome.cadres = len({cadre for cadre, _f, _t in moves})
        _announce(outcome, moves, acting_user, archived=archived)

    return _run(dry_run, work)
