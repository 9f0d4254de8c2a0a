"""The a2 KĐCT01 read page and what reviewers do on it: return with comments, propose a
rating (the reviewer), decide the final rating (the BTV, with the "xuất sắc" cap check:
a confirmation step in warn mode, a refusal in block mode). Feedback gathered on the
cadre shows here for the reviewer and the BTV, never for the cadre."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres.transitions import can_act
from evaluations import workflow
from evaluations.flows import ASSESSMENT_FLOW, EDIT
from evaluations.forms.assessments import MeetingForm, RatingForm
from evaluations.kinds import kind_of
from evaluations.models import Activity, FeedbackRequest, FormAction, Rating
from evaluations.progress import period_window
from evaluations.rules import can_finalise, can_review, is_owner
from evaluations.selectors import feedback_for, form_timeline, get_self_assessment_for_user, return_comments_for
from evaluations.views.assessments import assessment_draft, result_rows

# The reviewer checks the log behind the figures; a long year is cut here.
ACTIVITIES_SHOWN = 60


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
    return _detail(request, get_self_assessment_for_user(request.user, pk))


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
