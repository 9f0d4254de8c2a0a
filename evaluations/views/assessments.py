"""a2 KĐCT01 for the cadre: start from an approved registration (the year or a quarterly
check-in), fill it with autosave (one field per request, each with its version), attach
evidence files, submit. Review pages (detail, return, propose, finalise) are in
`assessment_review`; both read the form through `get_self_assessment_for_user` first."""

import re
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _, gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from cadres.transitions import can_act
from evaluations import workflow
from evaluations.flows import ASSESSMENT_FLOW, EDIT
from evaluations.forms.assessments import StartForm
from evaluations.models import AssessmentPeriod, CycleStatus, Rating, Registration, RegistrationState, SelfAssessment
from evaluations.rules import is_owner
from evaluations.selectors import (
    get_evidence_for_user,
    get_registration_for_user,
    get_self_assessment_for_user,
    next_steps_for,
    registration_progress,
    return_comments_for,
)
from evaluations.services import assessments as services
from evaluations.services.assessments import GAINS_FIELDS, TEXT_FIELDS
from evaluations.templatetags.assessment_ui import amount
from evaluations.views.activities import private_file_response
from models_registry.models import CriterionKind, MeasureUnit, Period

YES_NO = [("", "—"), ("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]


@dataclass
class Box:
    """One autosaved field as the template draws it."""

    key: str  # the autosave key, e.g. result.12.actual_value
    label: str
    value: str  # as the input holds it
    version: int
    widget: str  # textarea | text | number | select
    help: str = ""
    error: str = ""
    choices: list = field(default_factory=list)

    @property
    def dom_id(self) -> str:
        return "f-" + re.sub(r"[^a-z0-9_]", "-", self.key)


def input_value(value) -> str:
    """A stored value as an input or a select holds it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not isinstance(value, str):
        return amount(value)
    return value


def _box(form, key, label, value, widget, errors, help="", choices=()) -> Box:
    return Box(key=key, label=str(label), value=input_value(value), version=form.field_versions.get(key, 0),
               widget=widget, help=str(help), error=" ".join(errors.get(key, [])), choices=list(choices))


@dataclass
class Row:
    """One commitment of the registration with its result on this form."""

    result: object
    criterion: object
    progress: object = None
    comment: str = ""
    boxes: list = field(default_factory=list)


def _verbose(name: str) -> str:
    return str(SelfAssessment._meta.get_field(name).verbose_name).capitalize()


def unit_of(progress) -> str:
    """"giờ/tuần" for a weekly hours target: the unit an actual value is in (a mean per
    period, or the year's total)."""
    if progress is None:
        return ""
    measure = MeasureUnit(progress.measure).label if progress.measure in MeasureUnit.values else progress.measure
    if progress.period not in Period.values or progress.period == Period.YEAR:
        return str(measure)
    return f"{measure}/{pgettext('per period', Period(progress.period).label)}"


def result_rows(form: SelfAssessment, errors: dict | None = None, comments=None) -> list[Row]:
    """Each result with its commitment, progress from the log, the reviewer's comment and,
    for the editor, its autosaved fields."""
    errors = errors or {}
    progress = {commitment.pk: found for commitment, found in registration_progress(form.registration)}
    rows = []
    results = form.results.select_related("commitment__criterion").prefetch_related("evidence")
    for result in results:
        criterion = result.commitment.criterion
        key = f"result.{criterion.pk}"
        boxes = [_box(form, f"{key}.result", _("What you achieved"), result.result, "textarea", errors,
                      help=_("Required: describe what you did for this commitment."))]
        if criterion.kind == CriterionKind.QUANTITATIVE:
            found = progress.get(result.commitment_id)
            value = f"{amount(result.computed_value)} {unit_of(found)}".strip()
            computed = (_("From your activity log: %(value)s.") % {"value": value}
                        if result.computed_value is not None else _("Your activity log has nothing for this yet."))
            boxes.append(_box(form, f"{key}.actual_value", _("Actual value"), result.actual_value, "number", errors,
                              help=f"{computed} " + _("If you change it, say why in the box below.")))
            boxes.append(_box(form, f"{key}.change_reason", _("Reason for the change"), result.change_reason, "text",
                              errors, help=_("Required only when the actual value differs from the activity log.")))
        rows.append(Row(result=result, criterion=criterion, progress=progress.get(result.commitment_id),
                        comment=comments.by_criterion.get(criterion.pk, "") if comments else "", boxes=boxes))
    return rows


def general_boxes(form: SelfAssessment, errors: dict) -> dict[str, list[Box]]:
    """The form-wide fields: the four texts; for the year, the "4 được" (CCVC only) and the self-rating."""
    year = form.period == AssessmentPeriod.YEAR
    texts = [_box(form, name, _verbose(name), getattr(form, name), "textarea", errors,
                  help=_("Required.") if year and name in ("strengths", "weaknesses") else "")
             for name in TEXT_FIELDS]
    gains = []
    if year and form.cadre.is_civil_servant:
        gains = [_box(form, name, _verbose(name), getattr(form, name), "select", errors, choices=YES_NO)
                 for name in GAINS_FIELDS]
    rating = []
    if year:
        rating = [_box(form, "self_rating", _("Your self-rating"), form.self_rating, "select", errors,
                       help=_("Required: one of the four levels."), choices=[("", "—"), *Rating.choices])]
    return {"texts": texts, "gains": gains, "rating": rating}


def _owned(request, pk: int) -> SelfAssessment:
    """The user's own self-assessment; others' (even ones they may read) are a 404 here."""
    form = get_self_assessment_for_user(request.user, pk)
    if not is_owner(request.user, form):
        raise Http404
    return form


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
    errors = errors or {}
    comments = return_comments_for(form)
    return render(request, "evaluations/assessments/edit.html", {
        "form": form, "rows": result_rows(form, errors, comments), "general": general_boxes(form, errors),
        "comments": comments, "missing": len(errors),
    }, status=status)


@login_required
def self_assessment_edit(request, pk: int):
    form = _owned(request, pk)
    if not can_act(ASSESSMENT_FLOW, form, EDIT, request.user):
        return redirect("self_assessment_detail", pk=form.pk)
    return _edit_page(request, form)


@login_required
@require_POST
def self_assessment_autosave(request, pk: int):
    """One field; answers with its save state (saved, stale with the stored value, or an error)."""
    form = _owned(request, pk)
    key = request.POST.get("field", "")[:100]
    context = {"key": key, "dom_id": Box(key, "", "", 0, "").dom_id, "version": form.field_versions.get(key, 0)}
    try:
        result = services.self_assessment_autosave(
            self_assessment=form, field=key, value=request.POST.get(key, ""),
            expected_version=request.POST.get(f"v:{key}"), acting_user=request.user)
    except ValidationError as error:
        context.update(state="error", message=" ".join(error.messages))
    else:
        context.update(state="saved" if result.saved else "stale", version=result.version,
                       value=input_value(result.value), message=result.message)
    return render(request, "evaluations/assessments/_save_state.html", context)


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


def home_next_steps(cadre) -> list[HomeStep]:
    """`next_steps_for(cadre)` as buttons to the right pages."""
    steps = []
    for step in next_steps_for(cadre):
        if step.kind == "register":
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
