"""The collective's rating meeting (domain §4.1: the BCH/BTV decides the yearly ratings in
its kiểm điểm meeting): what the minutes say, all of it optional, recorded with the final
ratings it decided. The finalising transitions (one form, or a unit's at once) are in
`evaluations.workflow`; they call `rating_meeting_for` inside their transaction."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import User
from cadres.services.audit import audit_record
from cadres.transitions import Refusal
from evaluations.models import MeetingPurpose, RatingMeeting, SelfAssessment

MINUTES_NUMBER_LENGTH = 50
MAX_MEMBERS = 500


@dataclass(frozen=True)
class MeetingDetails:
    """The meeting as the BTV typed it; every field may be left out."""

    held_on: datetime.date | None = None
    minutes_number: str = ""
    members_present: int | None = None
    members_agreeing: int | None = None

    @property
    def is_empty(self) -> bool:
        return (self.held_on is None and not self.minutes_number and self.members_present is None
                and self.members_agreeing is None)


def clean_meeting(details: MeetingDetails) -> MeetingDetails:
    """The details, checked: no meeting in the future, counts that add up."""
    number = " ".join(details.minutes_number.split())
    if len(number) > MINUTES_NUMBER_LENGTH:
        raise Refusal(_("The minutes number has at most %(n)d characters.") % {"n": MINUTES_NUMBER_LENGTH},
                      "invalid")
    if details.held_on is not None and details.held_on > timezone.localdate():
        raise Refusal(_("The meeting date cannot be in the future."), "invalid")
    for count in (details.members_present, details.members_agreeing):
        if count is not None and not 0 <= count <= MAX_MEMBERS:
            raise Refusal(_("Enter the number of members, between 0 and %(n)d.") % {"n": MAX_MEMBERS}, "invalid")
    if (details.members_present is not None and details.members_agreeing is not None
            and details.members_agreeing > details.members_present):
        raise Refusal(_("More members agreed than were present: check the two numbers."), "invalid")
    return MeetingDetails(details.held_on, number, details.members_present, details.members_agreeing)


def rating_meeting_for(*, form: SelfAssessment, details: MeetingDetails | None, acting_user: User,
                       ) -> RatingMeeting | None:
    """The meeting that decides `form`'s yearly rating: None when nothing was said about it;
    the meeting already recorded with the same details for the form's unit and cycle (the
    other ratings of that meeting), else a new one. Called inside the finalising transaction."""
    if details is None:
        return None
    details = clean_meeting(details)
    if details.is_empty:
        return None
    fields = {"held_on": details.held_on, "minutes_number": details.minutes_number,
              "members_present": details.members_present, "members_agreeing": details.members_agreeing}
    meeting = RatingMeeting.objects.filter(tenant_id=form.tenant_id, cycle_id=form.cycle_id, unit_id=form.unit_id,
                                           purpose=MeetingPurpose.RATING, **fields).first()
    if meeting is None:
        meeting = RatingMeeting.objects.create(tenant_id=form.tenant_id, cycle_id=form.cycle_id, unit_id=form.unit_id,
                                               recorded_by=acting_user, **fields)
        audit_record(actor=acting_user, action="rating_meeting.record", obj=meeting,
                     data={"held_on": details.held_on.isoformat() if details.held_on else "",
                           "minutes_number": details.minutes_number, "present": details.members_present,
                           "agreeing": details.members_agreeing})
    return meeting
