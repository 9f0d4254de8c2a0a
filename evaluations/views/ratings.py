"""The BTV's batch page: after the collective's meeting, a unit's proposed yearly ratings
decided at once, with the meeting's details and the "xuất sắc" share against the cap
(counted live in the browser, checked again by the service). Reached from the inbox."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _, ngettext

from cadres.models import AccessKind
from cadres.selectors import get_managed_unit_for_user
from cadres.services.access_log import access_record_request
from evaluations import workflow
from evaluations.forms.assessments import MeetingForm
from evaluations.models import Rating, SelfAssessment
from evaluations.selectors import ExcellentShare, excellent_share, ratings_to_finalise


def _decisions(post) -> list[workflow.Decision]:
    """A decision per `rating.<id>` the page sent with a rating; an empty choice is "not now"."""
    return [workflow.Decision(form_id=pk, expected_version=post.get(f"version.{pk}"), rating=post[f"rating.{pk}"],
                              comment=post.get(f"comment.{pk}", ""))
            for pk in (key.removeprefix("rating.") for key in post if key.startswith("rating."))
            if post[f"rating.{pk}"]]


@dataclass(frozen=True)
class Line:
    form: SelfAssessment
    selected: str  # the rating chosen on the page: the proposal, or what was posted
    comment: str


@dataclass(frozen=True)
class LiveShare:
    """The share of "xuất sắc" with the page's choices, as first shown (the browser recounts)."""

    share: ExcellentShare
    count: int

    @property
    def percent(self) -> int:
        return round(100 * self.count / self.share.assessed)

    @property
    def over(self) -> bool:
        return self.share.over_cap(self.count - self.share.excellent)


def _lines(forms: list[SelfAssessment], post) -> list[Line]:
    if not post:
        return [Line(form, form.proposed_rating, "") for form in forms]
    return [Line(form, post.get(f"rating.{form.pk}", ""), post.get(f"comment.{form.pk}", "")) for form in forms]


@login_required
def ratings_finalise_batch(request, tenant_slug: str, code: str):
    # Only those managing the unit may be its BTV (`rules.btv_q`): anyone else, a 404.
    unit = get_managed_unit_for_user(request.user, tenant_slug, code)
    forms = list(ratings_to_finalise(request.user, unit))
    # Bound on any POST, even one without a field: an unbound form is never valid, and the
    # page would blame the meeting for a post that chose nothing.
    meeting_form = MeetingForm(request.POST if request.method == "POST" else None, prefix="meeting")
    lines = _lines(forms, request.POST)
    access_record_request(request, AccessKind.LIST, [form.cadre_id for form in forms], tenant_id=unit.tenant_id,
                          obj=unit)
    context: dict[str, Any] = {"unit": unit, "lines": lines, "meeting_form": meeting_form, "ratings": Rating.choices,
                               "excellent": Rating.EXCELLENT}
    if forms:
        share = excellent_share(forms[0].cycle, unit)
        context["live"] = LiveShare(share, share.excellent + sum(line.selected == Rating.EXCELLENT for line in lines))
    if request.method == "POST" and forms:
        if meeting_form.is_valid():
            try:
                done = workflow.self_assessments_finalise_batch(
                    unit=unit, decisions=_decisions(request.POST), meeting=meeting_form.details(),
                    acting_user=request.user, confirm_over_cap=request.POST.get("confirm_over_cap") == "1")
            except ValidationError as error:
                context["action_error"] = " ".join(error.messages)
                context["cap_warning"] = getattr(error, "code", "") == "cap_warning"
            else:
                messages.success(request, ngettext("%(n)d final rating recorded; the cadre has been told.",
                                                   "%(n)d final ratings recorded; the cadres have been told.",
                                                   len(done)) % {"n": len(done)})
                return redirect("inbox")
        else:
            context["action_error"] = _("Check the meeting's details.")
    return render(request, "evaluations/assessments/finalise_batch.html", context)
