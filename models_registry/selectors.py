"""Scoped reads of programmes, and which criteria and targets apply to whom.

Who reaches a programme is decided here, on top of `cadres.selectors`:
- visible: programmes owned by a unit the user sees (drafts only for those who manage the
  owner unit), plus the published programmes of the units above theirs that apply to
  their khối;
- editable: programmes whose owner unit lies in a subtree the user manages.

Audience (domain §3): a cadre's targets are decided by ONE position, the deciding
position: among the cadre's active positions in units inside the programme's owner
subtree whose khối the programme covers, the one in the lowest unit (the lowest level,
then the deepest in the tree) and, within that unit, with the highest role (Bí thư >
Phó Bí thư > UV BTV > UV BCH > cán bộ chuyên trách). The audience is that position's
unit level and role plus the cadre's chuyên trách and CCVC flags.

Audience precedence (`audience_target_for`): a criterion without audience rows applies to
everyone, with its own target. Otherwise the matching rows compete; a row matches when
each condition it sets (unit level, role, chuyên trách, CCVC) equals the audience's. The
most specific row wins: the one setting more conditions; between rows setting as many,
role outranks unit level, which outranks chuyên trách, which outranks CCVC. The winner
says "applies" (with its target, or the criterion's when it has none) or "does not
apply". When rows exist and none matches, the criterion does not apply.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from cadres.models import AnyUser, Cadre, Position, PositionRole, Tenant, Unit, UnitLevel
from cadres.selectors import access_for, in_subtrees, units_managed_by, units_visible_to
from models_registry.models import (
    AudienceTarget,
    CriteriaGroup,
    Criterion,
    CriterionKind,
    Programme,
    ProgrammeParticipant,
    ProgrammeStatus,
    ProgrammeSubject,
    TriState,
)

_ROLE_ORDER = list(PositionRole.values)


@dataclass(frozen=True)
class Audience:
    """Who a programme's criteria are being resolved for. For a unit-subject programme only
    `unit_level` (the assessed unit's level) is set."""

    unit_level: str
    role: str = ""
    full_time: bool | None = None
    civil_servant: bool | None = None
    unit: Unit | None = field(default=None, compare=False)


class Applicable(NamedTuple):
    """One criterion that applies, with the minimum target for this audience (quantitative
    criteria only; None otherwise)."""

    criterion: Criterion
    target: Decimal | None


# --- Access -------------------------------------------------------------------------------


def _with_owner(programmes: QuerySet[Programme]) -> QuerySet[Programme]:
    return programmes.select_related("owner_unit", "parent__owner_unit", "tenant")


def _ancestor_programme_ids(user: AnyUser) -> list[int]:
    """Published programmes of units above the user's units whose khối reaches them."""
    access = access_for(user)
    own_paths = set(access.managed_paths) | set(
        units_visible_to(user).filter(pk__in=access.member_unit_ids | access.reviewed_unit_ids)
        .values_list("path", flat=True)
    )
    prefixes = {path[:end] for path in own_paths for end in range(Unit.steplen, len(path), Unit.steplen)}
    if not prefixes:
        return []
    candidates = Programme.objects.filter(
        tenant_id__in=access.tenant_ids, status=ProgrammeStatus.PUBLISHED, owner_unit__path__in=prefixes
    ).values_list("pk", "sectors")
    if not candidates:
        return []
    reach = set(units_visible_to(user).values_list("sector", flat=True).distinct())
    # A unit without a khối may belong to any, so it sees every programme above it.
    return [pk for pk, sectors in candidates if not sectors or "" in reach or reach & set(sectors)]


def programmes_visible_to(user: AnyUser) -> QuerySet[Programme]:
    """Programmes this user may read (drafts only when they manage the owner unit)."""
    own = Q(owner_unit__in=units_visible_to(user)) & (
        ~Q(status=ProgrammeStatus.DRAFT) | Q(owner_unit__in=units_managed_by(user))
    )
    return _with_owner(Programme.objects.filter(own | Q(pk__in=_ancestor_programme_ids(user))))


def programmes_editable_by(user: AnyUser) -> QuerySet[Programme]:
    """Programmes this user manages (edit drafts, publish, archive, start a new version):
    those owned by a unit in a subtree they manage."""
    return _with_owner(Programme.objects.filter(owner_unit__in=units_managed_by(user)))


def get_programme_for_user(user: AnyUser, pk: int | str) -> Programme:
    """The programme, or 404 when it is missing or out of the user's reach alike."""
    programme = programmes_visible_to(user).filter(pk=pk).first()
    if programme is None:
        raise Http404
    return programme


def get_editable_programme_for_user(user: AnyUser, pk: int | str) -> Programme:
    programme = programmes_editable_by(user).filter(pk=pk).first()
    if programme is None:
        raise Http404
    return programme


def can_edit_programme(user: AnyUser, programme: Programme) -> bool:
    return access_for(user).manages_path(programme.owner_unit.path)


# --- Content ------------------------------------------------------------------------------


def programme_groups(programme: Programme) -> list[CriteriaGroup]:
    """Groups in order, each with `criteria` (in order) and their audience targets prefetched."""
    criteria = Criterion.objects.order_by("position", "id").prefetch_related(
        Prefetch("audience_targets", queryset=AudienceTarget.objects.order_by("id"))
    ).select_related("inherited_from")
    return list(
        CriteriaGroup.objects.filter(programme=programme).order_by("position", "id")
        .prefetch_related(Prefetch("criteria", queryset=criteria))
    )


def programme_versions(programme: Programme) -> QuerySet[Programme]:
    """Every version of the programme, oldest first."""
    return Programme.objects.filter(tenant_id=programme.tenant_id, series=programme.series).order_by("version")


def open_draft_of(programme: Programme) -> Programme | None:
    """The draft version of this programme's series under work, if any."""
    return programme_versions(programme).filter(status=ProgrammeStatus.DRAFT).first()


def programme_participants(programme: Programme) -> QuerySet[Unit]:
    return Unit.objects.filter(programme_participations__programme=programme).order_by("path")


@dataclass
class PilotRow:
    """One huyện-level unit (level "district": a huyện đoàn or an equivalent, wherever it
    sits in the tree) and its participants in a unit programme."""

    district: Unit
    participants: int
    quota: int | None

    @property
    def meets_quota(self) -> bool:
        return self.quota is None or self.participants >= self.quota


def _with_ancestors(path: str) -> list[str]:
    return [path[:end] for end in range(Unit.steplen, len(path) + 1, Unit.steplen)]


def pilot_progress(programme: Programme) -> list[PilotRow]:
    """Participants of a unit-subject programme counted per huyện-level unit under its owner,
    or the one the owner sits in (e.g. "Chi đoàn 3 có": at least 5 pilot chi đoàn per huyện),
    in tree order. The level says what is a huyện, not the depth: a xã đoàn directly under the
    tỉnh (after 1/7/2025) is a cơ sở, so it gets no row and its pilots count in none."""
    owner = programme.owner_unit
    districts = list(Unit.objects.filter(
        Q(path__startswith=owner.path) | Q(path__in=_with_ancestors(owner.path)),
        tenant_id=programme.tenant_id, level=UnitLevel.DISTRICT, archived_at__isnull=True,
    ).order_by("path"))
    by_path = {district.path: district for district in districts}
    counts: dict[str, int] = defaultdict(int)
    for path in programme_participants(programme).values_list("path", flat=True):
        # Levels only go down the tree, so at most one of the ancestors is a huyện.
        district = next((above for above in _with_ancestors(path) if above in by_path), None)
        if district is not None:
            counts[district] += 1
    return [PilotRow(district, counts[district.path], programme.pilot_quota) for district in districts]


# --- Audience -----------------------------------------------------------------------------


def _tri(value: bool | None) -> str:
    return "" if value is None else (TriState.YES if value else TriState.NO)


def _matches(row: AudienceTarget, audience: Audience) -> bool:
    return (
        (not row.unit_level or row.unit_level == audience.unit_level)
        and (not row.role or row.role == audience.role)
        and (not row.full_time or row.full_time == _tri(audience.full_time))
        and (not row.civil_servant or row.civil_servant == _tri(audience.civil_servant))
    )


def _specificity(row: AudienceTarget) -> tuple[int, ...]:
    flags = (bool(row.role), bool(row.unit_level), bool(row.full_time), bool(row.civil_servant))
    return (sum(flags), *flags)


def audience_target_for(criterion: Criterion, audience: Audience) -> tuple[bool, Decimal | None]:
    """(applies, target) of one criterion for one audience; see the module docstring."""
    rows = list(criterion.audience_targets.all())
    default = criterion.target if criterion.kind == CriterionKind.QUANTITATIVE else None
    if not rows:
        return True, default
    matching = [row for row in rows if _matches(row, audience)]
    if not matching:
        return False, None
    best = max(matching, key=_specificity)
    if not best.applies:
        return False, None
    return True, best.target if best.target is not None else default


def criteria_for_audience(programme: Programme, audience: Audience) -> list[Applicable]:
    """Every criterion of the programme that applies to this audience, in order. Also the
    editor's preview "as a cadre of role X at level Y sees it"."""
    result = []
    for group in programme_groups(programme):
        for criterion in group.criteria.all():
            applies, target = audience_target_for(criterion, audience)
            if applies:
                result.append(Applicable(criterion, target))
    return result


def _sector_applies(programme: Programme, unit: Unit) -> bool:
    return not programme.sectors or not unit.sector or unit.sector in programme.sectors


def deciding_position(programme: Programme, cadre: Cadre, on: datetime.date | None = None) -> Position | None:
    """The position that decides the cadre's targets under this programme (module
    docstring), or None when they hold no active position the programme covers."""
    return deciding_positions([programme], cadre, on)[programme.pk]


def deciding_positions(programmes: Iterable[Programme], cadre: Cadre,
                       on: datetime.date | None = None) -> dict[int, Position | None]:
    """`deciding_position` for many programmes at once, from one read of the cadre's
    positions: the home page asks it of every programme of the province."""
    held = list(Position.objects.active(on).filter(cadre=cadre, unit__archived_at__isnull=True).select_related("unit"))
    deciding: dict[int, Position | None] = {}
    for programme in programmes:
        owner = programme.owner_unit
        covered = [position for position in held
                   if position.unit.tenant_id == programme.tenant_id and position.unit.path.startswith(owner.path)
                   and _sector_applies(programme, position.unit)]
        deciding[programme.pk] = min(covered, key=lambda p: (-UnitLevel.rank(p.unit.level), -p.unit.depth,
                                                             _ROLE_ORDER.index(p.role), p.unit.path), default=None)
    return deciding


def audience_for(programme: Programme, cadre: Cadre, on: datetime.date | None = None) -> Audience | None:
    position = deciding_position(programme, cadre, on)
    if position is None:
        return None
    return Audience(unit_level=position.unit.level, role=position.role, full_time=cadre.is_full_time,
                    civil_servant=cadre.is_civil_servant, unit=position.unit)


def applicable_criteria(programme: Programme, cadre: Cadre, on: datetime.date | None = None) -> list[Applicable]:
    """Exactly the criteria and targets that apply to this cadre, in order: [] when the
    programme is for units, or the cadre holds no active position it covers (ask
    `audience_for` to tell the two apart from a real empty list)."""
    if programme.subject != ProgrammeSubject.CADRES:
        return []
    audience = audience_for(programme, cadre, on)
    return criteria_for_audience(programme, audience) if audience else []


def applicable_criteria_for_unit(programme: Programme, unit: Unit) -> list[Applicable]:
    """For a unit-subject programme: the criteria that apply to this unit (by its level),
    [] when it is outside the programme (not a participant when participants are listed,
    or outside the owner's subtree)."""
    if programme.subject != ProgrammeSubject.UNITS or not unit.path.startswith(programme.owner_unit.path):
        return []
    participants = programme.participants.all()
    if participants.exists() and not participants.filter(unit=unit).exists():
        return []
    if not _sector_applies(programme, unit):
        return []
    return criteria_for_audience(programme, Audience(unit_level=unit.level, unit=unit))


# --- Rollups ------------------------------------------------------------------------------


@dataclass
class CoverageRow:
    unit: Unit
    programmes: list[Programme]

    @property
    def covered(self) -> bool:
        return bool(self.programmes)


@dataclass
class Coverage:
    year: int
    rows: list[CoverageRow]

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def covered(self) -> int:
        return sum(row.covered for row in self.rows)

    @property
    def percent(self) -> float:
        return round(100 * self.covered / self.total, 1) if self.total else 0.0


def programme_coverage(tenant: Tenant, year: int, root: Unit | None = None, max_depth: int | None = None) -> Coverage:
    """Which units (of the tenant, or of `root`'s subtree; down to `max_depth`) have a
    programme of their own published and covering `year`: Cần Thơ's chỉ tiêu 1 (§7)."""
    units = Unit.objects.filter(tenant=tenant, archived_at__isnull=True)
    if root is not None:
        units = units.filter(path__startswith=root.path)
    if max_depth is not None:
        units = units.filter(depth__lte=max_depth)
    published = Programme.objects.filter(
        tenant=tenant, status=ProgrammeStatus.PUBLISHED, start_year__lte=year, end_year__gte=year,
        owner_unit__in=units,
    ).order_by("name")
    by_unit: dict[int, list[Programme]] = defaultdict(list)
    for programme in published:
        by_unit[programme.owner_unit_id].append(programme)
    return Coverage(year=year, rows=[CoverageRow(unit, by_unit.get(unit.pk, [])) for unit in units.order_by("path")])


def programmes_applying_to(user: AnyUser, cadre: Cadre, year: int) -> list[Programme]:
    """The published cadre programmes this user sees that cover `year` and under which the
    cadre holds a covering position ("my programmes" on the home page)."""
    programmes = list(programmes_visible_to(user).filter(
        status=ProgrammeStatus.PUBLISHED, subject=ProgrammeSubject.CADRES, start_year__lte=year, end_year__gte=year,
    ).select_related("owner_unit").order_by("owner_unit__path", "name"))
    deciding = deciding_positions(programmes, cadre)
    return [programme for programme in programmes if deciding[programme.pk] is not None]


def unit_impact(sender: type[Unit], units: list[Unit], **kwargs: Any) -> dict[str, int]:
    """Programmes owned by, or taking part through, the units of a reorganisation (`cadres.signals`)."""
    owned = Programme.objects.filter(in_subtrees(units, "owner_unit__"))
    taking_part = Programme.objects.filter(pk__in=ProgrammeParticipant.objects.filter(
        in_subtrees(units, "unit__")).values("programme_id"))
    return {"programmes": (owned | taking_part).distinct().count()}
