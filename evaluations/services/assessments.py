"""Self-assessment drafts (a2 KĐCT01): starting one from an approved registration,
autosaving it, evidence files, and what a complete one needs. Transitions (submit,
return, propose, finalise) live in `evaluations.workflow`."""

from collections.abc import Iterable
from decimal import Decimal

from django.core.files.base import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _, gettext_noop

from cadres.models import User
from cadres.services.audit import audit_record
from cadres.transitions import Refusal
from evaluations.checks import check_cycle_open
from evaluations.forms.drafts import GAINS_FIELDS, SelfAssessmentDraftForm, unknown_field
from evaluations.kinds import kind_of
from evaluations.models import (
    Activity,
    AssessmentPeriod,
    Commitment,
    CommitmentResult,
    EvidenceFile,
    FormAction,
    FormEvent,
    Initiative,
    Registration,
    RegistrationState,
    ResultOutcome,
    SelfAssessment,
)
from evaluations.models.forms import CommitmentBase, ResultBase
from evaluations.progress import Progress, period_window, registration_progress
from evaluations.rules import is_owner
from evaluations.selectors import file_in_use
from evaluations.services.drafts import AutosaveResult, autosave, lock_editable_form
from evaluations.uploads import check_document, content_type_for, stored_name
from models_registry.models import CriterionKind


def computed_values(rows: Iterable[tuple[CommitmentBase, Progress | None]]) -> dict[int, Decimal | None]:
    """Commitment id → what the records say over the form's counted period
    (`Progress.actual`: the figure the progress bar shows), from `registration_progress`
    or `unit_progress`."""
    return {commitment.pk: progress.actual if progress else None for commitment, progress in rows}


def follow_computed(results: Iterable[ResultBase], values: dict[int, Decimal | None]) -> None:
    """Each result takes its commitment's new computed value; an actual left as computed follows."""
    for result in results:
        value = values.get(result.commitment_id)  # type: ignore[attr-defined]
        if value != result.computed_value:
            if result.actual_value == result.computed_value:
                result.actual_value = value
            result.computed_value = value
            result.save(update_fields=["computed_value", "actual_value"])


# Translated where the error is raised: a counted actual changed without a reason.
UNEXPLAINED_CHANGE = gettext_noop("You changed the value from the activity log: say why.")


@transaction.atomic
def self_assessment_start(*, registration: Registration, period: str = AssessmentPeriod.YEAR,
                          acting_user: User) -> SelfAssessment:
    """The cadre's self-assessment of an approved registration for a period (the year, or
    a quarter for a check-in), actual values pre-filled from the activity log. Returns the
    existing one for that period."""
    if period not in AssessmentPeriod.values:
        raise Refusal(_("Choose the year or a quarter."), "invalid")
    if not is_owner(acting_user, registration):
        raise Refusal(_("Only the cadre who owns this form can change it."), "forbidden")
    check_cycle_open(registration.cycle)
    if registration.state != RegistrationState.APPROVED:
        raise Refusal(_("A self-assessment starts from an approved registration."), "state")
    # One per period for the whole registration chain (its revisions), whichever it was started on.
    existing = SelfAssessment.objects.filter(
        registration__cycle_id=registration.cycle_id, registration__cadre_id=registration.cadre_id,
        registration__programme_id=registration.programme_id, period=period).first()
    if existing is not None:
        return existing
    assessment = SelfAssessment.objects.create(
        tenant_id=registration.tenant_id, cycle=registration.cycle, cadre=registration.cadre,
        unit=registration.unit, role=registration.role, registration=registration, period=period,
    )
    _add_results(assessment, registration, registration.commitments.all())
    FormEvent.objects.create(tenant_id=assessment.tenant_id, form=assessment, actor=acting_user,
                             action=FormAction.CREATE, to_state=assessment.state)
    audit_record(actor=acting_user, action="self_assessment.create", obj=assessment,
                 data={"registration": registration.pk, "period": period})
    return assessment


def _add_results(assessment: SelfAssessment, registration: Registration, commitments: QuerySet[Commitment]) -> None:
    """A result per commitment of `registration`, its actual value pre-filled from the
    activity log."""
    values = computed_values(registration_progress(registration, assessment.period))
    for commitment in commitments:
        value = values.get(commitment.pk)
        CommitmentResult.objects.create(tenant_id=assessment.tenant_id, self_assessment=assessment,
                                        commitment=commitment, computed_value=value, actual_value=value)


def self_assessments_follow(*, previous: Registration, amendment: Registration, acting_user: User) -> None:
    """An approved amendment takes over the self-assessments of the revision it replaces, so
    a registration chain keeps one KĐCT01 per period on its latest approved revision: each
    result moves to its criterion's commitment in the amendment (what the cadre wrote stays),
    a criterion the amendment dropped loses its result, a new one gets a pre-filled result.
    Called inside the approval's transaction."""
    commitments = {commitment.criterion_id: commitment for commitment in amendment.commitments.all()}
    for assessment in SelfAssessment.objects.select_for_update().filter(registration=previous):
        for result in assessment.results.select_related("commitment"):
            moved = commitments.get(result.commitment.criterion_id)
            if moved is None:
                result.delete()
            else:
                result.commitment = moved
                result.save(update_fields=["commitment"])
        _add_results(assessment, amendment, amendment.commitments.exclude(
            pk__in=assessment.results.values("commitment_id")))
        assessment.registration = amendment
        assessment.save(update_fields=["registration"])
        audit_record(actor=acting_user, action="self_assessment.follow", obj=assessment,
                     data={"from": previous.pk, "to": amendment.pk})


@transaction.atomic
def refresh_computed(assessment: SelfAssessment) -> None:
    """Recompute values from the log over the form's counted period; an actual value the
    cadre left untouched follows. Run when the draft is opened and when it is submitted."""
    follow_computed(assessment.results.all(),
                    computed_values(registration_progress(assessment.registration, assessment.period)))


@transaction.atomic
def self_assessment_autosave(*, self_assessment: SelfAssessment, field: str, value: object,
                             expected_version: object, acting_user: User) -> AutosaveResult:
    """Save one draft field (see `services.drafts`)."""
    return autosave(form=self_assessment, field=field, value=value, expected_version=expected_version,
                    acting_user=acting_user, fields=SelfAssessmentDraftForm)


def _result_for(form: SelfAssessment, criterion_id: int | str) -> CommitmentResult:
    result = form.results.filter(commitment__criterion_id=criterion_id if str(criterion_id).isdigit() else 0).first()
    if result is None:
        raise unknown_field(f"result.{criterion_id}.evidence")
    return result


@transaction.atomic
def evidence_add(
    *, self_assessment: SelfAssessment, criterion_id: int | str, upload: "UploadedFile[bytes]", acting_user: User
) -> EvidenceFile:
    """Attach a photo, PDF or .docx (checked by content, at most 5 MB) to one result."""
    locked = lock_editable_form(self_assessment, acting_user=acting_user)
    result = _result_for(locked, criterion_id)
    checked = check_document(upload)
    evidence = EvidenceFile(tenant_id=locked.tenant_id, result=result, content_type=checked.content_type,
                            size=checked.size, original_name=(getattr(upload, "name", "") or "")[-200:],
                            uploaded_by=acting_user)
    evidence.file.save(stored_name(checked), File(upload), save=False)
    evidence.save()
    audit_record(actor=acting_user, action="self_assessment.evidence_add", obj=locked,
                 data={"evidence": evidence.pk, "criterion": result.commitment.criterion_id})
    return evidence


def _picked_source(form: SelfAssessment, source: str) -> tuple[Activity | Initiative, FieldFile, str]:
    """The cadre's own logged activity or initiative of the form's period that `source`
    ("activity:<id>" or "initiative:<id>") names, with its file and a name for it."""
    kind, _sep, pk = str(source).partition(":")
    start, end = period_window(form.cycle.year, form.period)
    mine = {"tenant_id": form.tenant_id, "cadre_id": form.cadre_id, "date__range": (start, end),
            "pk": pk if pk.isdigit() else 0}
    if kind == "activity":
        activity = Activity.objects.filter(**mine).exclude(photo="").first()
        if activity is not None:
            return activity, activity.photo, f"{activity.get_kind_display()} {activity.date:%d-%m-%Y}"
    elif kind == "initiative":
        initiative = Initiative.objects.filter(**mine).exclude(document="").first()
        if initiative is not None:
            return initiative, initiative.document, initiative.title
    raise Refusal(_("That file is not one of your own activities of this period; reload the page: nothing was "
                    "attached."), "invalid")


@transaction.atomic
def evidence_pick(*, self_assessment: SelfAssessment, criterion_id: int | str, source: str,
                  acting_user: User) -> EvidenceFile:
    """Attach a file already in the cadre's activity log (an activity's photo, an
    initiative's document) to one result: the same stored file, not a copy."""
    locked = lock_editable_form(self_assessment, acting_user=acting_user)
    result = _result_for(locked, criterion_id)
    origin, file, name = _picked_source(locked, source)
    if result.evidence.filter(file=file.name).exists():
        raise Refusal(_("This file is already attached to this result."), "invalid")
    try:
        size = file.size
    except OSError:
        raise Refusal(_("The file could not be read."), "invalid") from None
    extension = (file.name or "").rsplit(".", 1)[-1].lower()
    evidence = EvidenceFile.objects.create(
        tenant_id=locked.tenant_id, result=result, file=file.name, original_name=f"{name}.{extension}"[-200:],
        content_type=content_type_for(extension), size=size, uploaded_by=acting_user,
        activity=origin if isinstance(origin, Activity) else None,
        initiative=origin if isinstance(origin, Initiative) else None)
    audit_record(actor=acting_user, action="self_assessment.evidence_pick", obj=locked,
                 data={"evidence": evidence.pk, "criterion": result.commitment.criterion_id, "source": str(source)})
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: EvidenceFile, acting_user: User) -> None:
    assessment = evidence.result.self_assessment
    lock_editable_form(assessment, acting_user=acting_user)
    name = evidence.file.name
    audit_record(actor=acting_user, action="self_assessment.evidence_remove", obj=assessment,
                 data={"evidence": evidence.pk})
    evidence.delete()
    # The file goes only once the row is gone for good, and only when nothing else holds it
    # (a file picked from the activity log stays with its activity).
    # A stored evidence row always has its file's name.
    if not file_in_use(name):  # type: ignore[arg-type]
        transaction.on_commit(lambda: EvidenceFile._meta.get_field("file").storage.delete(name))  # type: ignore[arg-type]


# Translated where the error is raised.
OUTCOME_MISSING: dict[str, str] = {
    CriterionKind.YES_NO: gettext_noop("Choose whether you did it: done or not done."),
    CriterionKind.PROHIBITION: gettext_noop("Choose whether you kept to it: kept or broken."),
}


def self_assessment_errors(assessment: SelfAssessment) -> dict[str, str]:
    """What a complete self-assessment still lacks, keyed by field, in Vietnamese."""
    errors = {}
    for result in assessment.results.select_related("commitment__criterion"):
        key, kind = f"result.{result.commitment.criterion_id}", result.commitment.criterion.kind
        outcomes = ResultOutcome.for_kind(kind)
        if outcomes and result.outcome not in outcomes:
            errors[f"{key}.outcome"] = _(OUTCOME_MISSING[kind])
        if kind == CriterionKind.PROHIBITION:
            if result.outcome == ResultOutcome.BROKEN and not result.result.strip():
                errors[f"{key}.result"] = _("You broke this prohibition: say what happened.")
        elif kind != CriterionKind.YES_NO and not result.result.strip():
            errors[f"{key}.result"] = _("Describe what you achieved for this commitment.")
        if result.changed_without_reason:
            errors[f"{key}.change_reason"] = _(UNEXPLAINED_CHANGE)
    if kind_of(assessment).is_yearly:
        for name in ("strengths", "weaknesses"):
            if not getattr(assessment, name).strip():
                errors[name] = _("This field cannot be empty.")
        if not assessment.self_rating:
            errors["self_rating"] = _("Choose your self-rating.")
        if assessment.cadre.is_civil_servant:
            for name in GAINS_FIELDS:
                if getattr(assessment, name) is None:
                    errors[name] = _("Answer each of the “4 được”.")
    return errors
