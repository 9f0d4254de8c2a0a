"""What the recorded meetings and clubs give a unit's report (seed 003): per unit programme
criterion counted from meetings ("2 giao": ≥2 briefings a year per đoàn xã; "1 liên kết": one
inter-branch meeting a month per chi đoàn), how many units of the subtree at that criterion's
level meet it; per club, its members, meetings and attendance.

A unit holds a meeting it recorded; a chi đoàn also takes part in an inter-branch meeting
another hosts when one of its cadres attended (the meeting links the chi đoàn of a xã)."""

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
                   ActivityKind.INTER_BRANCH_MEETING: MeetingPurpose.INTER_BRANCH}


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
    today = today or timezone.localdate()
    ancestors = [unit.path[:end] for end in range(Unit.steplen, len(unit.path) + 1, Unit.steplen)]
    criteria = (Criterion.objects.filter(
        tenant_id=unit.tenant_id, group__programme__status=ProgrammeStatus.PUBLISHED,
        group__programme__subject=ProgrammeSubject.UNITS, group__programme__start_year__lte=cycle.year,
        group__programme__end_year__gte=cycle.year, group__programme__owner_unit__path__in=ancestors,
    ).prefetch_related("audience_targets").order_by("group__programme__name", "group__position", "position"))
    results = []
    for criterion in criteria:
        purposes = {PURPOSE_OF_KIND[kind] for kind in criterion.activity_kinds if kind in PURPOSE_OF_KIND}
        if not purposes or criterion.target is None:
            continue
        levels = {row.unit_level for row in criterion.audience_targets.all() if row.applies and row.unit_level}
        units = Unit.objects.filter(tenant_id=unit.tenant_id, path__startswith=unit.path, archived_at__isnull=True)
        if levels:
            units = units.filter(level__in=levels)
        unit_ids = set(units.values_list("pk", flat=True))
        meetings = RatingMeeting.objects.filter(cycle=cycle, purpose__in=purposes)
        counted = set(meetings.values_list("pk", flat=True))
        held: dict[int, set[int]] = {pk: set() for pk in unit_ids}
        for meeting_id, host_id in meetings.filter(unit_id__in=unit_ids).values_list("pk", "unit_id"):
            held[host_id].add(meeting_id)
        for meeting_id, member_unit in (Position.objects.filter(
                unit_id__in=unit_ids, cadre__meetings_attended__in=meetings)
                .values_list("cadre__meetings_attended", "unit_id")):
            if meeting_id in counted:
                held[member_unit].add(meeting_id)
        needed = Decimal(criterion.target) * _periods_elapsed(criterion.period, cycle, today)
        results.append(MeetingTarget(
            criterion=criterion, units=len(unit_ids), meeting_it=sum(len(ids) >= needed for ids in held.values()),
            meetings=len({pk for ids in held.values() for pk in ids})))
    return results


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
