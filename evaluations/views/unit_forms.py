"""A unit's forms (`models.unit_forms`): the Bí thư's page of their units' programmes (start,
fill in, submit for the unit), the parent BTV's decisions on the same pages (return, approve,
rate), and both forms as PDFs. Every page fetches through `evaluations.unit_selectors` (out
of reach: 404); every action is one service call, refusals shown on the page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres.transitions import can_act
from evaluations.flows import EDIT
from evaluations.kinds import UNIT_REGISTRATION, UNIT_SELF_ASSESSMENT
from evaluations.models import Cycle, CycleStatus, FormAction, Rating, ResultOutcome
from evaluations.progress import unit_progress
from evaluations.rules import acts_for_unit
from evaluations.selectors import form_timeline, return_comments_for
from evaluations.services import unit_forms as services
from evaluations.unit_selectors import (
    get_unit_assessment_for_user,
    get_unit_registration_for_user,
    unit_forms_to_decide,
    unit_programmes_for,
)
from evaluations.views.assessments import HomeStep
from evaluations.views.pdf import pdf_response, signer_name


def _open_cycle(tenant_id: int | None) -> Cycle | None:
    return (Cycle.objects.filter(tenant_id=tenant_id, status=CycleStatus.OPEN).order_by("-year").first()
            if tenant_id else None)


def _cycles_of(user) -> list[Cycle]:
    cadre = getattr(user, "cadre", None)
    cycle = _open_cycle(cadre.tenant_id if cadre else None)
    return [cycle] if cycle else []


@login_required
def unit_form_list(request):
    """The Bí thư's units and the unit programmes they register them for; the units' forms
    awaiting this user's Ban Thường vụ."""
    cycles = _cycles_of(request.user)
    rows = unit_programmes_for(request.user, cycles[0]) if cycles else []
    registrations, assessments = unit_forms_to_decide(request.user)
    return render(request, "evaluations/unit_forms/list.html", {
        "cycle": cycles[0] if cycles else None, "rows": rows, "registrations_to_decide": registrations,
        "assessments_to_decide": assessments})


def unit_next_steps(user) -> list[HomeStep]:
    """The home page's next steps of a Bí thư for their units: register, go on, fix, assess."""
    cycles = _cycles_of(user)
    steps = []
    for row in unit_programmes_for(user, cycles[0]) if cycles else []:
        names = {"unit": row.unit.name, "programme": row.programme.name}
        form = row.assessment or row.registration
        if form is None:
            steps.append(HomeStep(_("Register %(unit)s for “%(programme)s”.") % names, None, _("Register my unit"),
                                  reverse("unit_registration_create"),
                                  {"unit": row.unit.pk, "programme": row.programme.pk}))
        elif form.is_draft or form.is_returned:
            url = reverse(UNIT_SELF_ASSESSMENT.detail_view if row.assessment else UNIT_REGISTRATION.detail_view,
                          args=[form.pk])
            label = _("Fix and submit again") if form.is_returned else _("Continue filling in")
            steps.append(HomeStep(_("The form of %(unit)s under “%(programme)s” awaits you.") % names, None, label,
                                  url))
        elif row.registration and row.registration.is_approved and row.assessment is None:
            steps.append(HomeStep(_("Assess %(unit)s against “%(programme)s”.") % names, None,
                                  _("Start the unit's self-assessment"),
                                  reverse("unit_registration_detail", args=[row.registration.pk]), {"action": "assess"}))
    return steps


def _refusal(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@require_POST
@login_required
def unit_registration_create(request):
    cycles = _cycles_of(request.user)
    rows = unit_programmes_for(request.user, cycles[0]) if cycles else []
    wanted = (request.POST.get("unit", ""), request.POST.get("programme", ""))
    row = next((row for row in rows if (str(row.unit.pk), str(row.programme.pk)) == wanted), None)
    if row is None:
        raise Http404
    try:
        form = services.unit_registration_start(cycle=cycles[0], programme=row.programme, unit=row.unit,
                                                acting_user=request.user)
    except ValidationError as error:
        _refusal(request, error)
        return redirect("unit_form_list")
    return redirect("unit_registration_detail", form.pk)


def _entries(request, fields: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """`<field>.<criterion id>` inputs, grouped by criterion id."""
    entries: dict[str, dict[str, str]] = {}
    for name in fields:
        for key, value in request.POST.items():
            if key.startswith(f"{name}."):
                entries.setdefault(key.removeprefix(f"{name}."), {})[name] = value
    return entries


def _comments(request) -> dict[str, str]:
    return {key.removeprefix("comment."): value for key, value in request.POST.items()
            if key.startswith("comment.") and value.strip()}


@login_required
def unit_registration_detail(request, pk: int):
    form = get_unit_registration_for_user(request.user, pk)
    flow = UNIT_REGISTRATION.flow
    if request.method == "POST":
        action, version = request.POST.get("action", ""), request.POST.get("version")
        done = {"save": _("Saved."), "submit": _("Submitted to the parent unit's Standing Committee."),
                "return": _("Returned for changes."), "approve": _("Approved."), "assess": ""}
        try:
            if action in ("save", "submit") and form.state in flow.steps[EDIT].moves:
                form = services.unit_registration_save(
                    registration=form, entries=_entries(request, ("text", "measures", "target")),
                    acting_user=request.user, expected_version=version)
                version = str(form.lock_version)
            if action == "submit":
                services.unit_registration_submit(registration=form, acting_user=request.user,
                                                  expected_version=version)
            elif action == "return":
                services.unit_registration_return(registration=form, comments=_comments(request),
                                                  general_comment=request.POST.get("general_comment", ""),
                                                  acting_user=request.user, expected_version=version)
            elif action == "approve":
                services.unit_registration_approve(registration=form, acting_user=request.user,
                                                   expected_version=version, comment=request.POST.get("comment", ""))
            elif action == "assess":
                assessment = services.unit_assessment_start(registration=form, acting_user=request.user)
                return redirect("unit_assessment_detail", assessment.pk)
            elif action not in done:
                raise Http404
        except ValidationError as error:
            _refusal(request, error)
        else:
            messages.success(request, done[action])
        return redirect("unit_registration_detail", form.pk)
    user = request.user
    returned = return_comments_for(form)
    notes = returned.by_criterion if returned else {}
    return render(request, "evaluations/unit_forms/registration.html", {
        "form": form, "kind": UNIT_REGISTRATION, "timeline": form_timeline(form), "returned": returned,
        "commitments": [(c, notes.get(c.criterion_id, "")) for c in form.commitments.select_related("criterion")],
        "can_edit": can_act(flow, form, EDIT, user), "can_submit": can_act(flow, form, FormAction.SUBMIT, user),
        "can_decide": can_act(flow, form, FormAction.APPROVE, user),
        # The assessment is the registration's unit's, filled in by the same Bí thư.
        "can_assess": form.is_approved and acts_for_unit(user, form),
        "assessment": getattr(form, "self_assessment", None) if form.is_approved else None,
    })


@login_required
def unit_assessment_detail(request, pk: int):
    form = get_unit_assessment_for_user(request.user, pk)
    flow = UNIT_SELF_ASSESSMENT.flow
    if request.method == "POST":
        action, version = request.POST.get("action", ""), request.POST.get("version")
        done = {"save": _("Saved."), "submit": _("Submitted to the parent unit's Standing Committee."),
                "return": _("Returned for changes."), "rate": _("Rating decided.")}
        if action not in done:
            raise Http404
        try:
            if action in ("save", "submit") and form.state in flow.steps[EDIT].moves:
                form = services.unit_assessment_save(
                    assessment=form, entries=_entries(request, ("outcome", "actual_value", "change_reason", "result")),
                    texts={name: request.POST.get(name, "") for name in services.ASSESSMENT_TEXTS},
                    acting_user=request.user, expected_version=version)
                version = str(form.lock_version)
            if action == "submit":
                services.unit_assessment_submit(assessment=form, acting_user=request.user, expected_version=version)
            elif action == "return":
                services.unit_assessment_return(assessment=form, comments=_comments(request),
                                                general_comment=request.POST.get("general_comment", ""),
                                                acting_user=request.user, expected_version=version)
            elif action == "rate":
                services.unit_assessment_rate(assessment=form, rating=request.POST.get("rating", ""),
                                              comment=request.POST.get("comment", ""), acting_user=request.user,
                                              expected_version=version)
        except ValidationError as error:
            _refusal(request, error)
        else:
            messages.success(request, done[action])
        return redirect("unit_assessment_detail", form.pk)
    user = request.user
    can_edit = can_act(flow, form, EDIT, user)
    if can_edit:  # the pre-filled values follow the unit's records as they stand, as a cadre's do
        services.unit_assessment_refresh(form)
    progress = {commitment.pk: found for commitment, found in unit_progress(form.registration)}
    results = list(form.results.select_related("commitment__criterion"))
    return render(request, "evaluations/unit_forms/assessment.html", {
        "form": form, "kind": UNIT_SELF_ASSESSMENT, "timeline": form_timeline(form), "returned": return_comments_for(form),
        "results": [(result, ResultOutcome.for_kind(result.commitment.criterion.kind),
                     progress.get(result.commitment_id)) for result in results],
        "can_edit": can_edit, "can_submit": can_act(flow, form, FormAction.SUBMIT, user),
        "can_decide": can_act(flow, form, FormAction.FINALISE, user), "rating_choices": Rating.choices,
    })


@login_required
def unit_registration_pdf(request, pk: int):
    form = get_unit_registration_for_user(request.user, pk)
    return pdf_response(form, {"commitments": form.commitments.select_related("criterion"),
                       "reviewer_name": signer_name(form.approved_by)})


@login_required
def unit_assessment_pdf(request, pk: int):
    form = get_unit_assessment_for_user(request.user, pk)
    # The same progress, over the same period, as the form's page.
    progress = {commitment.pk: found for commitment, found in unit_progress(form.registration)}
    return pdf_response(form, {"rows": [(result, progress.get(result.commitment_id))
                                        for result in form.results.select_related("commitment__criterion")],
                               "reviewer_name": signer_name(form.finalised_by)})

