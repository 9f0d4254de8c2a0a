"""a2 KĐCT01 for the cadre: start from an approved registration (the year or a quarterly
check-in), fill it (its fields: `forms.drafts`; the autosave view both drafts share:
`views.drafts`), attach evidence files, submit. Review pages (detail, return, propose,
finalise) are in `assessment_review`; both read the form through `get_self_assessment_for_user` first."""

import re
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres.transitions import can_act
from evaluations import workflow
from evaluations.flows import ASSESSMENT_FLOW, EDIT
from evaluations.forms.assessments import StartForm
from evaluations.forms.drafts import SelfAssessmentDraftForm
from evaluations.models import AssessmentPeriod, CycleStatus, Registration, RegistrationState, SelfAssessment
from evaluations.progress import registration_progress
from evaluations.rules import is_owner
from evaluations.selectors import (
    evidence_sources,
    get_evidence_for_user,
    get_registration_for_user,
    next_steps_for,
    return_comments_for,
)
from evaluations.services import assessments as services
from evaluations.views.drafts import owned_draft
from office.files import private_file_response


@dataclass
class Row:
    """One commitment of the registration with its result on this form."""

    result: object
    criterion: object
    progress: object = None
    comment: str = ""
    fields: list = field(default_factory=list)  # its autosaved fields, for the editor


def assessment_draft(form: SelfAssessment, errors: dict | None = None) -> SelfAssessmentDraftForm:
    """The form's fields, the actual values' help worded from the activity log over the
    form's counted period."""
    progress = {commitment.pk: found for commitment, found in registration_progress(form.registration, form.period)}
    return SelfAssessmentDraftForm(form, errors=errors, progress=progress)


def result_rows(draft: SelfAssessmentDraftForm, comments=None) -> list[Row]:
    """Each result with its commitment, progress from the log, the reviewer's comment and
    the fields the editor shows for it."""
    return [Row(result=result, criterion=result.commitment.criterion, progress=draft.progress.get(result.commitment_id),
                comment=comments.by_criterion.get(result.commitment.criterion_id, "") if comments else "",
                fields=[draft[key] for key in draft.result_keys(result)])
            for result in draft.results]


def _owned(request, pk: int) -> SelfAssessment:
    return owned_draft("self_assessment", request, pk)


@login_required
def self_assessment_start(request, pk: int):
    """From an approved registration: pick the period (the year, or a quarter), then fill."""
    registration = get_registration_for_user(request.user, pk)
    if not is_owner(request.user, registration):
        raise Http404
    start_form = StartForm(request.POST or None)
    if request.method == "POST" and start_form.is_valid():
        try:
            form = services.self_assessment_start(registration=registration,
                                                  period=start_form.cleaned_data["period"],
                                                  acting_user=request.user)
        except ValidationError as error:
            start_form.add_error(None, error.messages)
        else:
            return redirect("self_assessment_edit", pk=form.pk)
    existing = registration.self_assessments.order_by("period")
    return render(request, "evaluations/assessments/start.html",
                  {"registration": registration, "start_form": start_form, "existing": existing})


def _edit_page(request, form: SelfAssessment, errors: dict | None = None, status: int = 200):
    draft = assessment_draft(form, errors)
    comments = return_comments_for(form)
    return render(request, "evaluations/assessments/edit.html", {
        "form": form, "rows": result_rows(draft, comments), "comments": comments, "summary": draft.error_summary(),
        "sources": evidence_sources(form, services.period_window(form.cycle.year, form.period)),
        "general": {group: [draft[key] for key in keys] for group, keys in draft.general_keys().items()},
    }, status=status)


@login_required
def self_assessment_edit(request, pk: int):
    form = _owned(request, pk)
    if not can_act(ASSESSMENT_FLOW, form, EDIT, request.user):
        return redirect("self_assessment_detail", pk=form.pk)
    # The pre-filled values follow the log as it stands, like the progress shown beside them.
    services.refresh_computed(form)
    return _edit_page(request, form)


@login_required
@require_POST
def self_assessment_submit(request, pk: int):
    form = _owned(request, pk)
    try:
        workflow.self_assessment_submit(self_assessment=form, acting_user=request.user,
                                        expected_version=request.POST.get("version"))
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            form.refresh_from_db()
            return _edit_page(request, form, errors=error.message_dict)
        messages.error(request, " ".join(error.messages))
        return redirect("self_assessment_edit" if can_act(ASSESSMENT_FLOW, form, EDIT, request.user)
                        else "self_assessment_detail",
                        pk=form.pk)
    messages.success(request, _("Your self-assessment was sent to your reviewer."))
    return redirect("self_assessment_detail", pk=form.pk)


def _back_to_criterion(pk: int, criterion: str):
    anchor = f"#criterion-{criterion}" if criterion.isdigit() else ""
    return redirect(reverse("self_assessment_edit", args=[pk]) + anchor)


@login_required
@require_POST
def evidence_upload(request, pk: int):
    form = _owned(request, pk)
    criterion = request.POST.get("criterion", "")
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to attach."))
        return _back_to_criterion(form.pk, criterion)
    try:
        services.evidence_add(self_assessment=form, criterion_id=criterion, upload=upload, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("File attached."))
    return _back_to_criterion(form.pk, criterion)


@login_required
@require_POST
def evidence_pick(request, pk: int):
    """A file from the cadre's activity log, attached as evidence without uploading it again."""
    form = _owned(request, pk)
    criterion = request.POST.get("criterion", "")
    try:
        services.evidence_pick(self_assessment=form, criterion_id=criterion, source=request.POST.get("source", ""),
                               acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("File attached."))
    return _back_to_criterion(form.pk, criterion)


@login_required
@require_POST
def evidence_remove(request, pk: int):
    evidence = get_evidence_for_user(request.user, pk)
    form = evidence.result.self_assessment
    if not is_owner(request.user, form):
        raise Http404
    try:
        services.evidence_remove(evidence=evidence, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("File removed."))
    return _back_to_criterion(form.pk, str(evidence.result.commitment.criterion_id))


@login_required
def evidence_download(request, pk: int):
    evidence = get_evidence_for_user(request.user, pk)
    # The name the cadre's phone gave, made safe for a header.
    name = re.sub(r'[\x00-\x1f\x7f"\\/]', "_", evidence.original_name).strip() or f"minh-chung-{evidence.pk}"
    return private_file_response(evidence.file, name)


@dataclass(frozen=True)
class HomeStep:
    """A next step on the cadre's home page, with the button that does it."""

    message: str
    due: object
    label: str
    url: str
    post: dict | None = None  # hidden fields when the button starts something (POST)


def _url(name: str, pk: int) -> str:
    # The registration half of the pages may land after this one: no link until it does.
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def home_next_steps(cadre, changes=()) -> list[HomeStep]:
    """`next_steps_for(cadre)` as buttons to the right pages; registering under a programme
    that replaced a closed draft (`changes`: `programme_changes_for`) carries it over."""
    carried = {change.programme.pk: change.closed.pk for change in changes}
    steps = []
    for step in next_steps_for(cadre):
        if step.kind == "register" and step.programme.pk in carried:
            url, label = _url("registration_start", step.programme.pk), _("Register, carrying over my commitments")
            post = {"carry_over": carried[step.programme.pk]}
        elif step.kind == "register":
            url, label, post = _url("registration_start", step.programme.pk), _("Register"), {}
        elif step.kind in ("submit_registration", "fix_registration"):
            url, post = _url("registration_edit", step.form.pk), None
            label = _("Fix and submit again") if step.kind == "fix_registration" else _("Continue filling in")
        elif step.form is not None:
            url, post = _url("self_assessment_edit", step.form.pk), None
            label = _("Fix and submit again") if step.kind == "fix_self_assessment" else _("Continue filling in")
        else:
            approved = Registration.objects.filter(cadre=cadre, cycle__status=CycleStatus.OPEN,
                                                   programme__series=step.programme.series,
                                                   state=RegistrationState.APPROVED).first()
            url = _url("self_assessment_start", approved.pk) if approved else ""
            label, post = _("Start my self-assessment"), {"period": AssessmentPeriod.YEAR}
        if url:
            steps.append(HomeStep(step.message, step.due, label, url, post))
    return steps
