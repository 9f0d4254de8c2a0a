"""What the recorded meetings and clubs give a unit's report (seed 003): per unit programme
criterion counted from meetings ("2 giao": ≥2 briefings a year per đoàn xã; "1 liên kết": one
inter-branch meeting a month per chi đoàn; a club's meetings), how many units of the subtree at
that criterion's level meet it; per club, its members, meetings and attendance.

A unit holds a meeting it recorded; a chi đoàn also takes part in an inter-branch meeting
another hosts when one of its cadres attended (the meeting links the chi đoàn of a xã), and in
a club's meeting its secretary attended."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from cadres.models import Position, Unit
from evaluations.models import Club, ClubMember, Cycle, MeetingPurpose, RatingMeeting
from models_registry.models import ActivityKind, Criterion, Period, ProgrammeStatus, ProgrammeSubject

# The activity kind a unit programme's criterion counts → the meetings that count for it.
PURPOSE_OF_KIND = {ActivityKind.BRIEFING: MeetingPurpose.BRIEFING,
                   ActivityKind.INTER_BRANCH_MEETING: MeetingPurpose.INTER_BRANCH,
                   ActivityKind.CLUB_MEETING: MeetingPurpose.CLUB}


@dataclass(frozen=True)
class MeetingTarget:
    criterion: Criterion
    units: int
    meeting_it: int
    meetings: int


@dataclass(frozen=True)
class ClubFigures:
    club: Club
    members: int
    meetings: int
    attended: int
    seats: int  # members expected, summed over the meetings

    @property
    def attendance(self) -> tuple[int, int]:
        return self.attended, self.seats


def _periods_elapsed(period: str, cycle: Cycle, today: datetime.date) -> int:
    """Periods of the cycle's year the target is asked for by today (the whole year once over)."""
    if period != Period.MONTH:
        return 1
    if today.year > cycle.year:
        return 12
    return max(today.month - 1, 1)


def meeting_targets(cycle: Cycle, unit: Unit, today: datetime.date | None = None) -> list[MeetingTarget]:
    return meeting_targets_of(cycle, [unit], today)[unit.pk]


def _top_paths(paths: list[str]) -> list[str]:
    """The paths none of the others is an ancestor of: the subtrees to read."""
    tops: list[str] = []
    for path in sorted(set(paths)):
        if not tops or not path.startswith(tops[-1]):
            tops.append(path)
    return tops


def meetings_held(cycle: Cycle, tenant_id: int, units: Q) -> dict[tuple[int, str], set[int]]:
    """(unit id, purpose) → the ids of the cycle's counted meetings each unit `units` selects
    (a condition on a row's `unit`) held: those it hosted and those one of its cadres attended."""
    active = Q(unit__tenant_id=tenant_id, unit__archived_at__isnull=True)
    meetings = RatingMeeting.objects.filter(cycle=cycle, purpose__in=PURPOSE_OF_KIND.values())
    held: dict[tuple[int, str], set[int]] = {}
    for meeting_id, host_id, purpose in meetings.filter(units, active).values_list("pk", "unit_id", "purpose"):
        held.setdefault((host_id, purpose), set()).add(meeting_id)
    counted = set(meetings.values_list("pk", flat=True))
    # The values read the cadre's meetings through a join of their own: any cycle's, hence `counted`.
    for meeting_id, purpose, member_unit in Position.objects.filter(
            units, active, cadre__meetings_attended__in=meetings).values_list(
            "cadre__meetings_attended", "cadre__meetings_attended__purpose", "unit_id"):
        if meeting_id in counted:
            held.setdefault((member_unit, purpose), set()).add(meeting_id)
    return held


def meeting_targets_of(cycle: Cycle, units: list[Unit], today: datetime.date | None = None
                       ) -> dict[int, list[MeetingTarget]]:
    """`meeting_targets` of each unit (by id), in a fixed number of queries whatever their
    number: closing a cycle freezes every unit's (`reports.services.snapshots`)."""
    today = today or timezone.localdate()
    found: dict[int, list[MeetingTarget]] = {unit.pk: [] for unit in units}
    if not units:
        return found
    tenant_id = units[0].tenant_id
    ancestors = {unit.path[:end] for unit in units for end in range(Unit.steplen, len(unit.path) + 1, Unit.steplen)}
    criteria = [criterion for criterion in Criterion.objects.filter(
        tenant_id=tenant_id, group__programme__status=ProgrammeStatus.PUBLISHED,
        group__programme__subject=ProgrammeSubject.UNITS, group__programme__start_year__lte=cycle.year,
        group__programme__end_year__gte=cycle.year, group__programme__owner_unit__path__in=ancestors,
    ).select_related("group__programme__owner_unit").prefetch_related("audience_targets").order_by(
        "group__programme__name", "group__position", "position")
        if criterion.target is not None and {PURPOSE_OF_KIND.get(kind) for kind in criterion.activity_kinds} - {None}]
    if not criteria:
        return found
    within, units_within = Q(), Q()  # the subtrees read, as units and as their rows' unit
    for path in _top_paths([unit.path for unit in units]):
        within |= Q(path__startswith=path)
        units_within |= Q(unit__path__startswith=path)
    tree = list(Unit.objects.filter(within, tenant_id=tenant_id, archived_at__isnull=True)
                .values_list("pk", "path", "level"))
    held = meetings_held(cycle, tenant_id, units_within)
    for criterion in criteria:
        purposes = {PURPOSE_OF_KIND[kind] for kind in criterion.activity_kinds if kind in PURPOSE_OF_KIND}
        levels = {row.unit_level for row in criterion.audience_targets.all() if row.applies and row.unit_level}
        needed = Decimal(criterion.target or 0) * _periods_elapsed(criterion.period, cycle, today)
        owner = criterion.group.programme.owner_unit.path
        # Each counted unit adds itself to its own and every ancestor's figures: one pass.
        totals: dict[str, tuple[int, int, set[int]]] = {}
        for pk, path, level in tree:
            if levels and level not in levels:
                continue
            mine: set[int] = set().union(*(held.get((pk, purpose), set()) for purpose in purposes))
            for end in range(Unit.steplen, len(path) + 1, Unit.steplen):
                count, meeting_it, seen = totals.get(path[:end], (0, 0, set()))
                totals[path[:end]] = (count + 1, meeting_it + (len(mine) >= needed), seen | mine)
        for unit in units:
            if unit.path.startswith(owner):
                count, meeting_it, seen = totals.get(unit.path, (0, 0, set()))
                found[unit.pk].append(MeetingTarget(criterion=criterion, units=count, meeting_it=meeting_it,
                                                    meetings=len(seen)))
    return found


def club_figures(cycle: Cycle, unit: Unit, today: datetime.date | None = None) -> list[ClubFigures]:
    """The clubs of the unit's subtree: members today (or at the year's end), the cycle's
    meetings, and attendance: members present over members expected at each meeting."""
    today = min(today or timezone.localdate(), datetime.date(cycle.year, 12, 31))
    results = []
    clubs = Club.objects.filter(tenant_id=unit.tenant_id, unit__path__startswith=unit.path).select_related("unit")
    for club in clubs.order_by("unit__path", "name"):
        members = ClubMember.objects.filter(club=club)
        meetings = list(RatingMeeting.objects.filter(cycle=cycle, club=club).prefetch_related("attendees"))
        attended = seats = 0
        for meeting in meetings:
            on = meeting.held_on or today
            expected = set(members.filter(joined_on__lte=on).filter(Q(left_on__isnull=True) | Q(left_on__gte=on))
                           .values_list("cadre_id", flat=True))
            seats += len(expected)
            attended += len(expected & {cadre.pk for cadre in meeting.attendees.all()})
        current = members.filter(joined_on__lte=today).filter(Q(left_on__isnull=True) | Q(left_on__gte=today))
        results.append(ClubFigures(club=club, members=current.count(), meetings=len(meetings), attended=attended,
                                   seats=seats))
    return results
