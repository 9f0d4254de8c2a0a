"""The a2 KĐCT01 read page and what reviewers do on it: return with comments, propose a
rating (the reviewer), decide the final rating (the BTV, with the "xuất sắc" cap check:
a confirmation step in warn mode, a refusal in block mode), recognise the cadre's sáng
kiến of the year or say it is not recognised (the reviewer or the BTV). Feedback gathered
on the cadre shows here for the reviewer and the BTV, never for the cadre."""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_POST

from cadres.models import AccessKind
from cadres.services.access_log import access_record_request
from cadres.transitions import can_act
from evaluations import workflow
from evaluations.flows import ASSESSMENT_FLOW, EDIT
from evaluations.forms.assessments import InitiativeRecogniseForm, InitiativeRefuseForm, MeetingForm, RatingForm
from evaluations.kinds import kind_of
from evaluations.models import Activity, FeedbackRequest, FormAction, Initiative, Rating
from evaluations.progress import period_window
from evaluations.rules import can_finalise, can_recognise, can_review, is_owner
from evaluations.selectors import (
    feedback_for,
    form_timeline,
    get_self_assessment_for_user,
    initiatives_of,
    return_comments_for,
)
from evaluations.services.initiatives import (
    INITIATIVE_FLOW,
    RECOGNISE,
    REFUSE,
    initiative_recognise as recognise,
    initiative_refuse as refuse,
)
from evaluations.views.assessments import assessment_draft, result_rows
from models_registry.forms import add_service_errors

# The reviewer checks the log behind the figures; a long year is cut here.
ACTIVITIES_SHOWN = 60


@dataclass
class InitiativeRow:
    """A sáng kiến of the form's year and what this user may decide on it."""

    initiative: Initiative
    recognise_form: django_forms.Form | None
    refuse_form: django_forms.Form | None
    open: str = ""  # "recognise" or "refuse": the box to show open (a refused submission)


def initiative_rows(user, form, bound: dict | None = None) -> list[InitiativeRow]:
    """The cadre's sáng kiến of the form's year, each with the forms its deciders get;
    `bound` carries a refused submission back ({"pk", "recognise" | "refuse": form})."""
    bound = bound or {}
    rows = []
    for initiative in initiatives_of(form.cadre, form.cycle.year).select_related("decided_by__cadre"):
        prefix = f"initiative-{initiative.pk}"
        mine = bound.get("pk") == initiative.pk
        recognise = refuse = None
        if can_act(INITIATIVE_FLOW, initiative, RECOGNISE, user):
            recognise = (bound.get(RECOGNISE) if mine else None) or InitiativeRecogniseForm(
                prefix=prefix, initial={"recognised_by": initiative.recognised_by})
        if can_act(INITIATIVE_FLOW, initiative, REFUSE, user):
            refuse = (bound.get(REFUSE) if mine else None) or InitiativeRefuseForm(prefix=prefix)
        opened = next((action for action in (RECOGNISE, REFUSE) if mine and bound.get(action)), "")
        rows.append(InitiativeRow(initiative, recognise, refuse, opened))
    return rows


def _review_context(request, form) -> dict:
    user = request.user
    reviewer, btv = can_review(user, form), can_finalise(user, form)
    context = {
        "form": form, "kind": kind_of(form), "is_owner": is_owner(user, form),
        "can_edit": can_act(ASSESSMENT_FLOW, form, EDIT, user),
        "reviewer": can_act(ASSESSMENT_FLOW, form, FormAction.PROPOSE, user),
        "btv": can_act(ASSESSMENT_FLOW, form, FormAction.FINALISE, user),
        "comments": return_comments_for(form), "timeline": form_timeline(form),
        "rows": result_rows(assessment_draft(form), comments=return_comments_for(form)),
        "feedback": feedback_for(user, form), "sees_feedback": (reviewer or btv) and not is_owner(user, form),
    }
    context["initiatives"] = initiative_rows(user, form)
    if context["sees_feedback"]:
        start, end = period_window(form.cycle.year, form.period)
        context["activities"] = (Activity.objects.filter(cadre_id=form.cadre_id, date__range=(start, end))
                                 .order_by("-date", "-id")[:ACTIVITIES_SHOWN])
        context["open_requests"] = FeedbackRequest.objects.filter(
            cadre_id=form.cadre_id, cycle_id=form.cycle_id, used_at__isnull=True).count()
    if context["reviewer"]:
        context.setdefault("propose_form", RatingForm(initial={"rating": form.self_rating}, prefix="propose"))
    if context["btv"]:
        context["cap_preview"] = workflow.excellent_share_check(form, Rating.EXCELLENT)
        context.setdefault("finalise_form", RatingForm(initial={"rating": form.proposed_rating}, prefix="finalise"))
        if context["kind"].is_yearly:
            context.setdefault("meeting_form", MeetingForm(prefix="meeting"))
    return context


def _detail(request, form, status: int = 200, return_values=None, **extra):
    context = _review_context(request, form)
    context.update(extra)
    for row in context["rows"]:
        # What the reviewer typed before a refused return stays in its box.
        row.return_value = (return_values or {}).get(f"comment.{row.criterion.pk}", "")
    return render(request, "evaluations/assessments/detail.html", context, status=status)


@login_required
def self_assessment_detail(request, pk: int):
    """The cadre, their reviewers and managers read it; the buttons follow each one's role."""
    form = get_self_assessment_for_user(request.user, pk)
    access_record_request(request, AccessKind.FORM, [form.cadre_id], tenant_id=form.tenant_id, obj=form)
    return _detail(request, form)


def _refused(request, form, error: ValidationError, **extra):
    """A stale page or a state skip: say so and show the form as it is now; anything else
    (an incomplete return, a bad rating, the cap) stays on the page with what was typed."""
    if getattr(error, "code", "") in ("stale", "state", "closed", "forbidden"):
        messages.error(request, " ".join(error.messages))
        return redirect("self_assessment_detail", pk=form.pk)
    return _detail(request, form, action_error=" ".join(error.messages), **extra)


@login_required
@require_POST
def self_assessment_return(request, pk: int):
    form = get_self_assessment_for_user(request.user, pk)
    if not can_review(request.user, form):
        raise Http404
    comments = {key.split(".", 1)[1]: value for key, value in request.POST.items() if key.startswith("comment.")}
    try:
        workflow.self_assessment_return(self_assessment=form, comments=comments,
                                        general_comment=request.POST.get("general_comment", ""),
                                        acting_user=request.user, expected_version=request.POST.get("version"))
    except ValidationError as error:
        return _refused(request, form, error, return_values=request.POST, open_return=True,
                        general_comment=request.POST.get("general_comment", ""))
    messages.success(request, _("Returned to the cadre with your comments."))
    return redirect("self_assessment_detail", pk=form.pk)


@login_required
@require_POST
def self_assessment_propose(request, pk: int):
    form = get_self_assessment_for_user(request.user, pk)
    if not can_review(request.user, form):
        raise Http404
    propose_form = RatingForm(request.POST, prefix="propose")
    if not propose_form.is_valid():
        return _detail(request, form, propose_form=propose_form)
    try:
        workflow.self_assessment_propose(self_assessment=form, rating=propose_form.cleaned_data["rating"],
                                         comment=propose_form.cleaned_data["comment"], acting_user=request.user,
                                         expected_version=request.POST.get("version"))
    except ValidationError as error:
        return _refused(request, form, error, propose_form=propose_form)
    messages.success(request, _("Rating proposed. The Standing Committee decides the final rating."))
    return redirect("self_assessment_detail", pk=form.pk)


@login_required
@require_POST
def self_assessment_finalise(request, pk: int):
    form = get_self_assessment_for_user(request.user, pk)
    if not can_finalise(request.user, form):
        raise Http404
    finalise_form = RatingForm(request.POST, prefix="finalise")
    meeting_form = MeetingForm(request.POST, prefix="meeting")
    if not (finalise_form.is_valid() & meeting_form.is_valid()):
        return _detail(request, form, finalise_form=finalise_form, meeting_form=meeting_form)
    try:
        workflow.self_assessment_finalise(
            self_assessment=form, rating=finalise_form.cleaned_data["rating"],
            comment=finalise_form.cleaned_data["comment"], acting_user=request.user,
            expected_version=request.POST.get("version"), confirm_over_cap=request.POST.get("confirm_over_cap") == "1",
            meeting=meeting_form.details())
    except ValidationError as error:
        if error.code == "cap_warning":
            # Warn mode: the same choice again, with an explicit confirmation.
            return _detail(request, form, cap_warning=" ".join(error.messages), finalise_form=finalise_form,
                           meeting_form=meeting_form)
        if error.code == "cap_blocked":
            return _detail(request, form, cap_blocked=" ".join(error.messages), finalise_form=finalise_form,
                           meeting_form=meeting_form)
        return _refused(request, form, error, finalise_form=finalise_form, meeting_form=meeting_form)
    messages.success(request, _("Final rating recorded; the cadre has been told."))
    return redirect("self_assessment_detail", pk=form.pk)


def _initiative_of(request, pk: int, initiative_pk: int) -> tuple:
    """The form (as this user may see it) and one of its cadre's sáng kiến of its year."""
    form = get_self_assessment_for_user(request.user, pk)
    initiative = initiatives_of(form.cadre, form.cycle.year).filter(
        pk=initiative_pk if str(initiative_pk).isdigit() else 0).first()
    if initiative is None or not can_recognise(request.user, initiative):
        raise Http404
    return form, initiative


def _initiative_refused(request, form, initiative, action: str, bound_form, error: ValidationError | None = None):
    """A stale page, a closed year or a state already decided: say so on the page as it is
    now; a missing or wrong field: the box again, open, with what was typed."""
    if error is not None and getattr(error, "code", "") in ("stale", "state", "closed", "forbidden"):
        messages.error(request, " ".join(error.messages))
        return redirect(f"{reverse('self_assessment_detail', args=[form.pk])}#initiatives")
    if error is not None:
        add_service_errors(bound_form, error)
    context = _review_context(request, form)
    context["initiatives"] = initiative_rows(request.user, form, {"pk": initiative.pk, action: bound_form})
    return render(request, "evaluations/assessments/detail.html", context, status=400)


# What each decision on a sáng kiến reads and calls, and what it says when done. The
# forms' fields are the services' arguments.
DECISIONS: dict[str, tuple[type[django_forms.Form], Callable[..., Initiative], Promise]] = {
    RECOGNISE: (InitiativeRecogniseForm, recognise, gettext_lazy("Initiative recognised; the cadre has been told.")),
    REFUSE: (InitiativeRefuseForm, refuse, gettext_lazy("Recorded as not recognised; the cadre has been told.")),
}


def _decide(request, pk: int, initiative_pk: int, action: str):
    form, initiative = _initiative_of(request, pk, initiative_pk)
    form_class, service, done = DECISIONS[action]
    decision = form_class(request.POST, prefix=f"initiative-{initiative.pk}")
    if not decision.is_valid():
        return _initiative_refused(request, form, initiative, action, decision)
    try:
        service(initiative=initiative, acting_user=request.user, expected_version=request.POST.get("version"),
                **decision.cleaned_data)
    except ValidationError as error:
        return _initiative_refused(request, form, initiative, action, decision, error)
    messages.success(request, str(done))
    return redirect(f"{reverse('self_assessment_detail', args=[form.pk])}#initiatives")


@login_required
@require_POST
def initiative_recognise(request, pk: int, initiative_pk: int):
    return _decide(request, pk, initiative_pk, RECOGNISE)


@login_required
@require_POST
def initiative_refuse(request, pk: int, initiative_pk: int):
    return _decide(request, pk, initiative_pk, REFUSE)
