"""A unit's meetings and clubs page (seed 003): its managers record the "2 giao" briefings,
"1 liên kết" inter-branch meetings and club meetings of the open cycle with who attended, and
keep its "CLB Bí thư Chi đoàn" and its members. Anyone who does not manage the unit: 404."""


from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_POST

from cadres.models import AccessKind, Cadre, Position, PositionRole, UnitLevel
from cadres.selectors import get_managed_unit_for_user
from cadres.services.access_log import access_record_request
from evaluations.forms.assessments import DATE_FORMATS
from evaluations.models import Club, ClubMember, Cycle, CycleStatus, MeetingPurpose, RatingMeeting
from evaluations.services.meetings import PROGRAMME_PURPOSES, club_create, club_member_add, club_member_leave, unit_meeting_record

# The people a meeting's form offers: the cadres holding a position in the unit's subtree.
MAX_PEOPLE = 300


class MeetingForm(forms.Form):
    purpose = forms.ChoiceField(label=gettext_lazy("purpose"),
                                choices=[(p.value, p.label) for p in PROGRAMME_PURPOSES])
    held_on = forms.DateField(label=gettext_lazy("meeting date"), input_formats=DATE_FORMATS)
    place = forms.CharField(label=gettext_lazy("place"), max_length=200, required=False)
    topic = forms.CharField(label=gettext_lazy("topic"), max_length=300, required=False)
    minutes = forms.CharField(label=gettext_lazy("minutes"), required=False, widget=forms.Textarea)
    club = forms.IntegerField(required=False)
    attendees = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())


def _open_cycle(unit) -> Cycle | None:
    return Cycle.objects.filter(tenant_id=unit.tenant_id, status=CycleStatus.OPEN).order_by("-year").first()


def _people(unit):
    ids = (Position.objects.active().filter(unit__tenant_id=unit.tenant_id, unit__path__startswith=unit.path)
           .values_list("cadre_id", flat=True))
    return Cadre.objects.filter(pk__in=ids, archived_at__isnull=True).order_by("sort_key", "id")[:MAX_PEOPLE]


def _secretaries(unit):
    ids = (Position.objects.active().filter(unit__tenant_id=unit.tenant_id, unit__path__startswith=unit.path,
                                            unit__level=UnitLevel.BRANCH, role=PositionRole.SECRETARY)
           .values_list("cadre_id", flat=True))
    return Cadre.objects.filter(pk__in=ids).order_by("sort_key", "id")


def _back(unit):
    return redirect("unit_meetings", unit.tenant.slug, unit.code)


@login_required
def unit_meetings(request, tenant_slug: str, code: str):
    unit = get_managed_unit_for_user(request.user, tenant_slug, code)
    cycle = _open_cycle(unit)
    meetings = (RatingMeeting.objects.filter(cycle=cycle, unit=unit, purpose__in=PROGRAMME_PURPOSES)
                .prefetch_related("attendees").select_related("club").order_by("-held_on", "-id") if cycle else [])
    clubs = list(Club.objects.filter(unit=unit).prefetch_related("members__cadre"))
    # The participants' boxes show with an open cycle, the secretaries' choice with a club.
    people = list(_people(unit)) if cycle else []
    secretaries = list(_secretaries(unit)) if clubs else []
    access_record_request(request, AccessKind.LIST, [*people, *secretaries, *(
        member.cadre_id for club in clubs for member in club.members.all() if not member.left_on)],
        tenant_id=unit.tenant_id, obj=unit)
    return render(request, "evaluations/meetings/unit.html", {
        "unit": unit, "cycle": cycle, "meetings": meetings, "clubs": clubs, "people": people,
        "secretaries": secretaries, "purposes": [(p.value, p.label) for p in PROGRAMME_PURPOSES],
        "club_purpose": MeetingPurpose.CLUB, "today": timezone.localdate(),
    })


@login_required
@require_POST
def unit_meeting_create(request, tenant_slug: str, code: str):
    unit = get_managed_unit_for_user(request.user, tenant_slug, code)
    cycle = _open_cycle(unit)
    form = MeetingForm(request.POST)
    attendees = form.fields["attendees"]
    assert isinstance(attendees, forms.TypedMultipleChoiceField)
    attendees.choices = [(cadre.pk, cadre.pk) for cadre in _people(unit)]
    if cycle is None or not form.is_valid():
        messages.error(request, _("Check the meeting's details."))
        return _back(unit)
    data = form.cleaned_data
    club = None
    if data["club"]:
        club = Club.objects.filter(pk=data["club"], unit=unit).first()
        if club is None:
            raise Http404
    try:
        unit_meeting_record(unit=unit, cycle=cycle, purpose=data["purpose"], held_on=data["held_on"],
                            place=data["place"], topic=data["topic"], minutes=data["minutes"], club=club,
                            attendees=Cadre.objects.filter(pk__in=data["attendees"]), acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Meeting recorded."))
    return _back(unit)


@login_required
@require_POST
def club_create_view(request, tenant_slug: str, code: str):
    unit = get_managed_unit_for_user(request.user, tenant_slug, code)
    try:
        club_create(unit=unit, name=request.POST.get("name", ""), acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Club created."))
    return _back(unit)


@login_required
@require_POST
def club_member_add_view(request, tenant_slug: str, code: str, pk: int):
    unit = get_managed_unit_for_user(request.user, tenant_slug, code)
    club = Club.objects.filter(pk=pk, unit=unit).first()
    cadre = _secretaries(unit).filter(pk=request.POST.get("cadre") or 0).first() if str(
        request.POST.get("cadre", "")).isdigit() else None
    if club is None or cadre is None:
        raise Http404
    try:
        club_member_add(club=club, cadre=cadre, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Member added."))
    return _back(unit)


@login_required
@require_POST
def club_member_leave_view(request, tenant_slug: str, code: str, pk: int):
    unit = get_managed_unit_for_user(request.user, tenant_slug, code)
    member = ClubMember.objects.filter(pk=pk, club__unit=unit).select_related("club__unit", "cadre").first()
    if member is None:
        raise Http404
    try:
        club_member_leave(member=member, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The member has left the club."))
    return _back(unit)
