"""Scoped reads of evaluation forms, the review queue, timelines, diffs, progress and next
steps. Who may act on a form is decided in `rules`; who may read it here: the cadre
(own forms), their reviewers, and the managers of a subtree containing the form's unit.
A missing or out-of-scope form is a 404 alike."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils.translation import gettext as _

from cadres.models import AnyUser, Cadre, Unit
from cadres.selectors import access_for, cadre_search_q, cadres_visible_to
from evaluations.checks import effective_deadline, extension_until
from evaluations.kinds import YEARLY_SELF_ASSESSMENT, kind_of
from evaluations.meetings import meeting_targets
from evaluations.models import (
    Activity,
    AssessmentState,
    CapMode,
    Commendation,
    CommendationGround,
    CommendationState,
    Cycle,
    CycleStatus,
    DeadlineKind,
    EvaluationSettings,
    EvidenceFile,
    Feedback,
    FormAction,
    FormEvent,
    Initiative,
    MeetingPurpose,
    Rating,
    RatingMeeting,
    Registration,
    RegistrationState,
    SelfAssessment,
)
from evaluations.models.forms import FormCore
from evaluations.rules import btv_q, can_finalise, can_review, is_owner, reviewer_q, visible_q
from evaluations.snapshots import FieldChange, diff_snapshots
from models_registry.models import ActivityKind, Programme, ProgrammeStatus, ProgrammeSubject
from models_registry.selectors import deciding_positions

# Re-exported for views: what buttons to show.
__all__ = ["can_finalise", "can_review", "effective_deadline", "is_owner"]


# --- Access -----------------------------------------------------------------------------


def registrations_visible_to(user: AnyUser) -> QuerySet[Registration]:
    return Registration.objects.filter(visible_q(user)).select_related("cadre", "unit", "programme", "cycle")


def self_assessments_visible_to(user: AnyUser) -> QuerySet[SelfAssessment]:
    return SelfAssessment.objects.filter(visible_q(user)).select_related("cadre", "unit", "registration__programme",
                                                                          "cycle")


def get_registration_for_user(user: AnyUser, pk: int | str) -> Registration:
    """The registration, or 404 when missing or out of the user's reach alike."""
    form = registrations_visible_to(user).filter(pk=pk if str(pk).isdigit() else 0).first()
    if form is None:
        raise Http404
    return form


def get_self_assessment_for_user(user: AnyUser, pk: int | str) -> SelfAssessment:
    form = self_assessments_visible_to(user).filter(pk=pk if str(pk).isdigit() else 0).first()
    if form is None:
        raise Http404
    return form


def get_evidence_for_user(user: AnyUser, pk: int | str) -> EvidenceFile:
    """An evidence file of a self-assessment the user may read (for a download view)."""
    evidence = EvidenceFile.objects.filter(
        pk=pk if str(pk).isdigit() else 0, result__self_assessment__in=self_assessments_visible_to(user)
    ).first()
    if evidence is None:
        raise Http404
    return evidence


def activities_visible_to(user: AnyUser) -> QuerySet[Activity]:
    """Activities of the cadres the user sees (themselves, reviewed units, managed subtrees)."""
    return Activity.objects.filter(cadre__in=cadres_visible_to(user))


def get_activity_for_user(user: AnyUser, pk: int | str) -> Activity:
    activity = activities_visible_to(user).filter(pk=pk if str(pk).isdigit() else 0).first()
    if activity is None:
        raise Http404
    return activity


def get_initiative_for_user(user: AnyUser, pk: int | str) -> Initiative:
    initiative = Initiative.objects.filter(cadre__in=cadres_visible_to(user),
                                           pk=pk if str(pk).isdigit() else 0).first()
    if initiative is None:
        raise Http404
    return initiative


def file_in_use(name: str) -> bool:
    """Whether a stored file is still held by an activity, an initiative or an evidence row
    (evidence picked from the activity log shares its file)."""
    return (EvidenceFile.objects.filter(file=name).exists() or Activity.objects.filter(photo=name).exists()
            or Initiative.objects.filter(document=name).exists())


def evidence_sources(form: SelfAssessment, window: tuple[datetime.date, datetime.date]) -> list[tuple[str, str]]:
    """(value, label) of the files in the cadre's activity log over the form's period
    (`window`) that can be picked as evidence: activities' photos and initiatives'
    documents, newest first."""
    mine = {"cadre_id": form.cadre_id, "tenant_id": form.tenant_id, "date__range": window}
    sources = [(f"activity:{activity.pk}", " · ".join(filter(None, [
        f"{activity.date:%d/%m/%Y}", str(activity.get_kind_display()), activity.description[:60]])))
        for activity in Activity.objects.filter(**mine).exclude(photo="").order_by("-date", "-id")]
    sources += [(f"initiative:{initiative.pk}", f"{initiative.date:%d/%m/%Y} · {initiative.title[:80]}")
                for initiative in Initiative.objects.filter(**mine).exclude(document="").order_by("-date", "-id")]
    return sources


def activities_of(cadre: Cadre, year: int) -> QuerySet[Activity]:
    return Activity.objects.filter(cadre=cadre, date__year=year).order_by("-date", "-id")


def activity_months(cadre: Cadre, year: int) -> list[dict[str, Any]]:
    """The year's log month by month, newest first: each month's first day, its number of
    entries and its volunteer hours (one query, whatever the size of the log)."""
    rows = (Activity.objects.filter(cadre=cadre, date__year=year).annotate(month=TruncMonth("date"))
            .values("month").annotate(count=Count("id"),
                                      hours=Sum("hours", filter=Q(kind=ActivityKind.VOLUNTEER_HOURS)))
            .order_by("-month"))
    return [{"month": row["month"], "count": row["count"], "hours": row["hours"] or Decimal(0)} for row in rows]


def initiatives_of(cadre: Cadre, year: int) -> QuerySet[Initiative]:
    return Initiative.objects.filter(cadre=cadre, date__year=year).order_by("-date", "-id")


# --- Review queue -----------------------------------------------------------------------


@dataclass
class ReviewQueue:
    items: QuerySet[Registration] | QuerySet[SelfAssessment]  # forms in the chosen state, oldest submission first
    counts: dict[str, int]  # state → number of forms the user reviews or rates (before the state filter)
    state: str


def review_queue(user: AnyUser, *, kind: str = "registration", state: str = "", cycle: Cycle | None = None,
                 unit: Unit | None = None, search: str = "") -> ReviewQueue:
    """Forms this user reviews (and, for self-assessments, rates as BTV), with counts per
    state. Default state: what awaits them (submitted; proposed ratings for the BTV)."""
    forms: QuerySet[Registration] | QuerySet[SelfAssessment]
    states: type[RegistrationState] | type[AssessmentState]
    default: str
    if kind == "registration":
        forms, states = Registration.objects.filter(reviewer_q(user)), RegistrationState
        default = RegistrationState.SUBMITTED
    else:
        forms, states = SelfAssessment.objects.filter(reviewer_q(user) | btv_q(user)), AssessmentState
        default = AssessmentState.SUBMITTED
    forms = forms.exclude(state=states.DRAFT)
    if cycle is not None:
        forms = forms.filter(cycle=cycle)
    if unit is not None:
        forms = forms.filter(unit__path__startswith=unit.path, unit__tenant_id=unit.tenant_id)
    forms = forms.filter(cadre_search_q(search, prefix="cadre__"))
    counts = {value: 0 for value in states.values if value != states.DRAFT}
    counts.update(dict(forms.order_by().values_list("state").annotate(n=Count("id"))))
    state = state if state in counts else default
    items = forms.filter(state=state).select_related("cadre", "unit", "cycle").order_by("submitted_at", "id")
    return ReviewQueue(items=items, counts=counts, state=state)


# --- Final ratings: the collective's decision --------------------------------------------


@dataclass(frozen=True)
class ExcellentShare:
    """The tenant's cap on "xuất sắc" in one unit: the cadres already rated so, over the
    cadres of the unit with an approved registration in the cycle (at least 1)."""

    excellent: int
    assessed: int
    cap_percent: int
    mode: str  # CapMode

    @property
    def is_capped(self) -> bool:
        return self.mode != CapMode.OFF

    def over_cap(self, adding: int) -> bool:
        """Whether `adding` more "xuất sắc" ratings would put the unit over the cap."""
        return self.is_capped and (self.excellent + adding) * 100 > self.cap_percent * self.assessed

    @property
    def allowed(self) -> int:
        """How many cadres of the unit the cap allows to be rated "xuất sắc"."""
        return self.cap_percent * self.assessed // 100


def excellent_share(cycle: Cycle, unit: Unit, *, excluding: int | None = None) -> ExcellentShare:
    """The unit's share of yearly "xuất sắc" final ratings, the form `excluding` aside (the
    one being decided). One rule for the single form, the batch page and its live count."""
    settings = EvaluationSettings.objects.filter(tenant_id=unit.tenant_id).first()
    excellent = (YEARLY_SELF_ASSESSMENT.forms(cycle=cycle, unit=unit, state=AssessmentState.FINALISED,
                                              final_rating=Rating.EXCELLENT)
                 .exclude(pk=excluding or 0).values("cadre_id").distinct().count())
    assessed = max(Registration.objects.filter(cycle=cycle, unit=unit, state=RegistrationState.APPROVED)
                   .values("cadre_id").distinct().count(), 1)
    return ExcellentShare(excellent, assessed, settings.excellent_cap_percent if settings else 0,
                          settings.excellent_cap_mode if settings else CapMode.OFF)


def ratings_to_finalise(user: AnyUser | None, unit: Unit) -> QuerySet[SelfAssessment]:
    """The unit's yearly self-assessments with a proposed rating this user may finalise as
    the BTV, in the open cycle: the batch page after the collective's meeting."""
    return (YEARLY_SELF_ASSESSMENT.forms(unit=unit, state=AssessmentState.PROPOSED, cycle__status=CycleStatus.OPEN)
            .filter(btv_q(user)).select_related("cadre", "cycle", "unit").order_by("cadre__sort_key", "id"))


def rating_meetings_for_report(cycle: Cycle, unit: Unit) -> QuerySet[RatingMeeting]:
    """The collective's rating meetings of the unit and its direct sub-units in the cycle
    (what its report lists beside the sub-unit table), each with `rated`: the final
    ratings it decided."""
    return (RatingMeeting.objects.filter(cycle=cycle, unit__tenant_id=unit.tenant_id, unit__path__startswith=unit.path,
                                         unit__depth__lte=unit.depth + 1, purpose=MeetingPurpose.RATING)
            .select_related("unit").annotate(rated=Count("self_assessments"))
            .order_by("unit__path", "held_on", "id"))


# --- Timeline, return comments, diffs ---------------------------------------------------


def _events(form: FormCore) -> QuerySet[FormEvent]:
    # The generic relation's manager is untyped in django-stubs.
    return cast(QuerySet[FormEvent], form.events.all())


def form_timeline(form: FormCore) -> QuerySet[FormEvent]:
    """Every recorded transition of the form, oldest first, with who acted."""
    return _events(form).select_related("actor").order_by("created_at", "id")


@dataclass(frozen=True)
class ReturnComments:
    general: str
    by_criterion: dict[int, str]  # criterion id → the reviewer's comment beside that field


def return_comments_for(form: FormCore) -> ReturnComments | None:
    """The reviewer's comments the cadre must address, while the form is returned."""
    if form.state not in (RegistrationState.RETURNED, AssessmentState.RETURNED):
        return None
    event = form.events.filter(action=FormAction.RETURN).order_by("-created_at", "-id").first()
    if event is None:
        return None
    return ReturnComments(event.comment, {int(key): text for key, text in event.criterion_comments.items()})


def snapshots_of(form: FormCore) -> QuerySet[FormEvent]:
    """Events carrying a full snapshot (submissions and returns): pick any two to compare."""
    return _events(form).exclude(snapshot=None).order_by("created_at", "id")


def revision_diff(before: FormEvent, after: FormEvent) -> list[FieldChange]:
    return diff_snapshots(before.snapshot, after.snapshot)


def amendment_diff(registration: Registration) -> list[FieldChange] | None:
    """An amendment's changes against the approved revision it amends (frozen since its
    approval, so read as it is); None for a first revision."""
    if registration.previous is None:
        return None
    kind = kind_of(registration)
    return kind.diff(kind.snapshot(registration.previous), kind.snapshot(registration))


def resubmission_diff(form: Registration | SelfAssessment) -> list[FieldChange]:
    """What changed since the last return: against the resubmission when there is one,
    else against the draft being fixed. [] when the form was never returned."""
    events = list(form.events.filter(action__in=[FormAction.RETURN, FormAction.RESUBMIT])
                  .order_by("-created_at", "-id")[:2])
    returned = next((event for event in events if event.action == FormAction.RETURN), None)
    if returned is None:
        return []
    kind = kind_of(form)
    if events[0].action == FormAction.RESUBMIT:
        return kind.diff(returned.snapshot, events[0].snapshot)
    return kind.diff(returned.snapshot, kind.snapshot(form))


# --- Feedback ---------------------------------------------------------------------------


def feedback_for(user: AnyUser, self_assessment: SelfAssessment) -> QuerySet[Feedback]:
    """Comments gathered on the cadre in the cycle: for their reviewer and BTV only, never
    for the cadre themselves (empty for anyone else)."""
    if is_owner(user, self_assessment) or not (can_review(user, self_assessment)
                                                or can_finalise(user, self_assessment)):
        return Feedback.objects.none()
    return Feedback.objects.filter(request__cadre_id=self_assessment.cadre_id,
                                   request__cycle_id=self_assessment.cycle_id).select_related("request")


# --- Next steps -------------------------------------------------------------------------


def open_cycle(tenant_id: int) -> Cycle | None:
    return Cycle.objects.filter(tenant_id=tenant_id, status=CycleStatus.OPEN).order_by("-year").first()


def programmes_for_cadre(cadre: Cadre, cycle: Cycle) -> list[Programme]:
    """Published cadre programmes covering the cycle's year that reach one of the cadre's
    units (positions on the cycle's reference date), the lowest of an inheritance chain
    only (a huyện's programme stands for the tỉnh's)."""
    year, on = cycle.year, cycle.reference_date()
    candidates = list(Programme.objects.filter(
        tenant_id=cadre.tenant_id, status=ProgrammeStatus.PUBLISHED, subject=ProgrammeSubject.CADRES,
        start_year__lte=year, end_year__gte=year,
    ).select_related("owner_unit"))
    deciding = deciding_positions(candidates, cadre, on)
    applicable = [programme for programme in candidates if deciding[programme.pk] is not None]
    parents = {programme.parent_id for programme in applicable}
    return [programme for programme in applicable if programme.pk not in parents]


@dataclass(frozen=True)
class NextStep:
    kind: str  # register | submit_registration | fix_registration | self_assess | fix_self_assessment
    message: str
    due: datetime.date | None
    programme: Programme
    form: Registration | SelfAssessment | None = None


def _due(cycle: Cycle, cadre: Cadre, unit: Unit, kind: str) -> datetime.date:
    deadline = effective_deadline(cycle, unit, kind)
    extension = extension_until(cycle, cadre.pk, kind)
    return max(deadline, extension) if extension else deadline


def next_steps_for(cadre: Cadre) -> list[NextStep]:
    """What the cadre must do next in the open cycle, and by when; [] when nothing."""
    cycle = open_cycle(cadre.tenant_id)
    if cycle is None:
        return []
    steps = []
    on = cycle.reference_date()
    programmes = programmes_for_cadre(cadre, cycle)
    deciding = deciding_positions(programmes, cadre, on)
    for programme in programmes:
        registrations = Registration.objects.filter(cycle=cycle, cadre=cadre, programme__series=programme.series)
        current = registrations.exclude(state__in=[RegistrationState.SUPERSEDED, RegistrationState.CLOSED]) \
            .order_by("-revision").first()
        # programmes_for_cadre lists only programmes under which the cadre has a deciding position.
        unit = current.unit if current else deciding[programme.pk].unit  # type: ignore[union-attr]
        reg_due = _due(cycle, cadre, unit, DeadlineKind.REGISTRATION)
        if current is None:
            steps.append(NextStep("register", _("Register your commitments under “%(p)s”.") % {"p": programme.name},
                                  reg_due, programme))
            continue
        if current.state == RegistrationState.DRAFT and current.revision == 1:
            steps.append(NextStep("submit_registration", _("Finish and submit your registration."), reg_due,
                                  programme, current))
            continue
        if current.state == RegistrationState.RETURNED:
            steps.append(NextStep("fix_registration", _("Your registration was returned: fix it and submit it "
                                                          "again."), None, programme, current))
            continue
        valid = registrations.filter(state=RegistrationState.APPROVED).first()
        if valid is None:
            continue
        yearly = YEARLY_SELF_ASSESSMENT.forms(registration__in=registrations).first()
        due = _due(cycle, cadre, valid.unit, DeadlineKind.SELF_ASSESSMENT)
        if yearly is None or yearly.state == AssessmentState.DRAFT:
            steps.append(NextStep("self_assess", _("File your self-assessment for %(year)d.") % {"year": cycle.year},
                                  due, programme, yearly))
        elif yearly.state == AssessmentState.RETURNED:
            steps.append(NextStep("fix_self_assessment", _("Your self-assessment was returned: fix it and submit "
                                                             "it again."), None, programme, yearly))
    return sorted(steps, key=lambda step: (step.due is None, step.due or datetime.date.max))


@dataclass(frozen=True)
class ProgrammeChange:
    """A draft of the cadre's closed because its programme stopped applying, and the
    programme they now register under (with the commitments that may be carried over)."""

    closed: Registration
    reason: str
    programme: Programme


def programme_changes_for(cadre: Cadre) -> list[ProgrammeChange]:
    """What the cadre is told on their pages while it matters: each programme applying in
    the open cycle that they have not registered under yet, with their latest draft closed
    when the programme changed (`services.programme_changes`)."""
    cycle = open_cycle(cadre.tenant_id)
    if cycle is None:
        return []
    closed = list(Registration.objects.filter(cycle=cycle, cadre=cadre, state=RegistrationState.CLOSED)
                  .select_related("programme").order_by("-updated_at", "-id"))
    if not closed:
        return []
    started = set(Registration.objects.filter(cycle=cycle, cadre=cadre).exclude(state=RegistrationState.CLOSED)
                  .values_list("programme__series", flat=True))
    latest = closed[0]
    event = _events(latest).filter(action=FormAction.CLOSE).order_by("-created_at", "-id").first()
    return [ProgrammeChange(latest, event.comment if event else "", programme)
            for programme in programmes_for_cadre(cadre, cycle)
            if programme.series not in started and programme.series != latest.programme.series]


# --- Cycle administration ---------------------------------------------------------------


def cycles_visible_to(user: AnyUser) -> QuerySet[Cycle]:
    """Cycles of the tenants the user belongs to (anyone with a role there reads the dates)."""
    return Cycle.objects.filter(tenant_id__in=access_for(user).tenant_ids).select_related("tenant")


def get_cycle_for_user(user: AnyUser, pk: int | str, *, provincial: bool = False) -> Cycle:
    """The cycle, or 404; with `provincial`, only for the provincial staff of its tenant."""
    cycles = cycles_visible_to(user)
    if provincial:
        cycles = cycles.filter(tenant_id__in=access_for(user).provincial_tenant_ids)
    cycle = cycles.filter(pk=pk if str(pk).isdigit() else 0).first()
    if cycle is None:
        raise Http404
    return cycle


# --- Commendations ------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    ground: str
    cadre: Cadre | None = None
    unit: Unit | None = None


def commendation_candidates(cycle: Cycle, unit: Unit) -> list[Candidate]:
    """Who the unit's BTV may propose, not yet proposed: its subtree's cadres whose yearly
    rating is "Hoàn thành xuất sắc nhiệm vụ", and its direct sub-units that attained every
    meeting target of their unit programmes."""
    taken = Commendation.objects.filter(cycle=cycle, unit=unit).exclude(state=CommendationState.DECLINED)
    taken_cadres = set(taken.values_list("cadre_id", flat=True))
    taken_units = set(taken.values_list("honoured_unit_id", flat=True))
    excellent = (YEARLY_SELF_ASSESSMENT.forms(cycle=cycle, state=AssessmentState.FINALISED,
                                              final_rating=Rating.EXCELLENT, unit__path__startswith=unit.path)
                 .select_related("cadre").order_by("cadre__sort_key", "id"))
    found = [Candidate(CommendationGround.RATING, cadre=form.cadre) for form in excellent
             if form.cadre_id not in taken_cadres]
    for child in Unit.objects.get_children(unit).filter(archived_at__isnull=True):
        targets = meeting_targets(cycle, child)
        if child.pk not in taken_units and targets and all(t.units and t.meeting_it == t.units for t in targets):
            found.append(Candidate(CommendationGround.TARGETS, unit=child))
    return found


def commendations_of(cadre: Cadre) -> QuerySet[Commendation]:
    """The cadre's decided commendations, newest first (their page; the view checked access)."""
    return (Commendation.objects.filter(cadre=cadre, state=CommendationState.DECIDED)
            .select_related("unit", "cycle").order_by("-decision_date", "-id"))


def commendations_in(cycle: Cycle, unit: Unit) -> QuerySet[Commendation]:
    """The cycle's decided commendations given by the unit and the units of its subtree."""
    return (Commendation.objects.filter(cycle=cycle, state=CommendationState.DECIDED, unit__tenant_id=unit.tenant_id,
                                        unit__path__startswith=unit.path)
            .select_related("unit", "cadre", "honoured_unit").order_by("unit__path", "decision_date", "id"))
