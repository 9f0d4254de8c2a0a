"""The meetings unit programmes count and the clubs of a unit (seed 003): "2 giao" (the xã BCH
meets the chi đoàn secretaries twice a year), "1 liên kết" (a monthly inter-branch meeting
rotating among the chi đoàn), and "CLB Bí thư Chi đoàn" (a club of a unit whose members are
the chi đoàn secretaries of its subtree, with its meetings and who attended).

A meeting is a `RatingMeeting` row (the one model of a unit collective's meetings) of the
matching purpose; who may record it is the unit's managers (its BTV, its Bí thư), the rule the
pages ask (`cadres.selectors.manages_unit`). Every action writes its audit row in its
transaction."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from cadres.models import Cadre, Position, PositionRole, Unit, UnitLevel, User
from cadres.selectors import manages_unit
from cadres.services.audit import audit_record
from cadres.transitions import Refusal, require
from evaluations.models import Club, ClubMember, Cycle, MeetingPurpose, RatingMeeting

_MANAGERS_ONLY = gettext_lazy("Only the managers of the unit record its meetings and clubs.")
PROGRAMME_PURPOSES = (MeetingPurpose.BRIEFING, MeetingPurpose.INTER_BRANCH, MeetingPurpose.CLUB)
TEXT_LIMITS = {"place": 200, "topic": 300}


def _clean(value: str, field: str) -> str:
    text = " ".join((value or "").split())
    if len(text) > TEXT_LIMITS[field]:
        raise Refusal(_("Write at most %(n)d characters.") % {"n": TEXT_LIMITS[field]}, "invalid")
    return text


def is_branch_secretary(cadre: Cadre, within: Unit, on: datetime.date) -> bool:
    """Whether the cadre is Bí thư of a chi đoàn of `within`'s subtree on that day."""
    return Position.objects.active(on).filter(
        cadre=cadre, role=PositionRole.SECRETARY, unit__tenant_id=within.tenant_id, unit__level=UnitLevel.BRANCH,
        unit__path__startswith=within.path, unit__archived_at__isnull=True).exists()


@transaction.atomic
def unit_meeting_record(
    *, unit: Unit, cycle: Cycle, purpose: str, held_on: datetime.date, place: str = "", topic: str = "",
    minutes: str = "", attendees: Iterable[Cadre] = (), club: Club | None = None, acting_user: User,
) -> RatingMeeting:
    """Record a programme meeting of `unit` (a briefing, an inter-branch meeting it hosts, or a
    meeting of one of its clubs) with who attended: the cadres of its subtree, for a club its
    members on that day; for an inter-branch meeting, the cadres of the host's parent (the
    other chi đoàn of the xã)."""
    require(acting_user, lambda user: manages_unit(user, unit), _MANAGERS_ONLY)
    if purpose not in PROGRAMME_PURPOSES:
        raise Refusal(_("Choose what the meeting was for."), "invalid")
    if cycle.tenant_id != unit.tenant_id or not cycle.is_open:
        raise Refusal(_("The cycle is closed: its meetings can no longer be recorded."), "closed")
    if held_on > timezone.localdate():
        raise Refusal(_("The meeting date cannot be in the future."), "invalid")
    if held_on.year != cycle.year:
        raise Refusal(_("The meeting must be held in %(year)d, the cycle's year.") % {"year": cycle.year}, "invalid")
    if (club is None) != (purpose != MeetingPurpose.CLUB) or (club is not None and club.unit_id != unit.pk):
        raise Refusal(_("A club's meeting names one of the unit's clubs; other meetings name none."), "invalid")
    people = list({cadre.pk: cadre for cadre in attendees}.values())
    if club is not None:
        members = set(ClubMember.objects.filter(club=club, joined_on__lte=held_on).exclude(
            left_on__lt=held_on).values_list("cadre_id", flat=True))
        strangers = [cadre for cadre in people if cadre.pk not in members]
    else:
        # An inter-branch meeting links the chi đoàn of one xã: the host's siblings come too.
        scope = unit.path[:-Unit.steplen] if purpose == MeetingPurpose.INTER_BRANCH and unit.depth > 1 else unit.path
        inside = set(Position.objects.filter(
            cadre__in=people, unit__tenant_id=unit.tenant_id, unit__path__startswith=scope,
            start_date__lte=held_on).values_list("cadre_id", flat=True))
        strangers = [cadre for cadre in people if cadre.pk not in inside]
    if strangers:
        raise Refusal(_("Not a participant this meeting can have: %(names)s.") % {
            "names": ", ".join(cadre.full_name for cadre in strangers)}, "invalid")
    meeting = RatingMeeting.objects.create(
        tenant_id=unit.tenant_id, cycle=cycle, unit=unit, purpose=purpose, held_on=held_on,
        place=_clean(place, "place"), topic=_clean(topic, "topic"), minutes=(minutes or "").strip(), club=club,
        members_present=len(people), recorded_by=acting_user)
    meeting.attendees.set(people)
    audit_record(actor=acting_user, action="unit_meeting.record", obj=meeting, unit=unit,
                 data={"purpose": purpose, "held_on": held_on.isoformat(), "attendees": len(people),
                       "club": club.pk if club else None})
    return meeting


@transaction.atomic
def club_create(*, unit: Unit, name: str, acting_user: User) -> Club:
    """A club of the unit, e.g. its "CLB Bí thư Chi đoàn"."""
    require(acting_user, lambda user: manages_unit(user, unit), _MANAGERS_ONLY)
    name = " ".join((name or "").split())
    if not name or len(name) > 200:
        raise Refusal(_("Give the club a name of at most 200 characters."), "invalid")
    if Club.objects.filter(unit=unit, name__iexact=name).exists():
        raise Refusal(_("The unit already has a club of that name."), "duplicate")
    club = Club.objects.create(tenant_id=unit.tenant_id, unit=unit, name=name, created_by=acting_user)
    audit_record(actor=acting_user, action="club.create", obj=club, unit=unit, data={"name": name})
    return club


@transaction.atomic
def club_member_add(*, club: Club, cadre: Cadre, acting_user: User, joined_on: datetime.date | None = None,
                    ) -> ClubMember:
    """A chi đoàn secretary of the club's subtree joins it."""
    require(acting_user, lambda user: manages_unit(user, club.unit), _MANAGERS_ONLY)
    joined_on = joined_on or timezone.localdate()
    if cadre.tenant_id != club.tenant_id or not is_branch_secretary(cadre, club.unit, joined_on):
        raise Refusal(_("%(name)s is not the secretary of a chi đoàn of %(unit)s: the club's members are.") % {
            "name": cadre.full_name, "unit": club.unit.name}, "invalid")
    if ClubMember.objects.filter(club=club, cadre=cadre, left_on__isnull=True).exists():
        raise Refusal(_("%(name)s is already a member.") % {"name": cadre.full_name}, "duplicate")
    member = ClubMember.objects.create(tenant_id=club.tenant_id, club=club, cadre=cadre, joined_on=joined_on)
    audit_record(actor=acting_user, action="club.member_add", obj=club, unit=club.unit, cadre=cadre,
                 data={"joined_on": joined_on.isoformat()})
    return member


@transaction.atomic
def club_member_leave(*, member: ClubMember, acting_user: User, left_on: datetime.date | None = None) -> ClubMember:
    """The member leaves the club that day; their past attendance stays."""
    require(acting_user, lambda user: manages_unit(user, member.club.unit), _MANAGERS_ONLY)
    left_on = left_on or timezone.localdate()
    if member.left_on is not None:
        raise Refusal(_("%(name)s has already left the club.") % {"name": member.cadre.full_name}, "invalid")
    if left_on < member.joined_on:
        raise Refusal(_("A member cannot leave before joining."), "invalid")
    member.left_on = left_on
    member.save(update_fields=["left_on"])
    audit_record(actor=acting_user, action="club.member_leave", obj=member.club, unit=member.club.unit,
                 cadre=member.cadre, data={"left_on": left_on.isoformat()})
    return member
