"""A unit's forms under a unit-subject programme (`models.unit_forms`): its Bí thư starts,
fills in and submits them for the unit; the parent unit's Ban Thường vụ returns, approves
and rates. Every transition is the cadres' one (`workflow.take`, `submit_form`,
`return_form` on the flows of `flows`), so the timeline, audit, notices and versions are the
same; only what a unit's form holds differs."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Position, PositionRole, Unit, User
from cadres.services.audit import audit_record
from cadres.transitions import Outcome, Refusal, act
from evaluations.checks import check_cycle_open, check_same_tenant
from evaluations.flows import EDIT, UNIT_ASSESSMENT_FLOW, UNIT_REGISTRATION_FLOW
from evaluations.models import (
    Cycle,
    FormAction,
    FormEvent,
    ResultOutcome,
    UnitCommitment,
    UnitRegistration,
    UnitResult,
    UnitSelfAssessment,
)
from evaluations.progress import unit_progress
from evaluations.services.assessments import UNEXPLAINED_CHANGE, computed_values, follow_computed
from evaluations.workflow import clean_rating, noted, raise_errors, return_form, submit_form, take
from models_registry.models import CriterionKind, Programme, ProgrammeStatus
from models_registry.selectors import applicable_criteria_for_unit

# {criterion id: {field: value}} as a page sends it.
Entries = dict[Any, dict[str, Any]]


def _secretary(unit: Unit, user: User) -> Position:
    """The acting user's active Bí thư position in the unit: they act for its BCH."""
    position = (Position.objects.active().filter(unit=unit, role=PositionRole.SECRETARY, cadre__user=user,
                                                 cadre__archived_at__isnull=True).select_related("cadre").first())
    if position is None:
        raise Refusal(_("Only the unit's secretary can register it for a programme."), "forbidden")
    return position


def _sign(form: UnitRegistration | UnitSelfAssessment, user: User) -> tuple[str, ...]:
    """Who signs for the unit at this submission, and its name then."""
    form.signed_by = _secretary(form.unit, user).cadre
    if isinstance(form, UnitRegistration):
        form.unit_name = form.unit.name
        return ("signed_by", "unit_name")
    return ("signed_by",)


@transaction.atomic
def unit_registration_start(*, cycle: Cycle, programme: Programme, unit: Unit,
                            acting_user: User) -> UnitRegistration:
    """The unit's draft for this programme and cycle, one commitment per criterion that
    applies to it (targets pre-filled); the open one when it exists."""
    check_same_tenant(cycle, programme, unit)
    position = _secretary(unit, acting_user)
    check_cycle_open(cycle)
    if programme.status != ProgrammeStatus.PUBLISHED or not programme.covers(cycle.year):
        raise Refusal(_("This programme is not published for %(year)d.") % {"year": cycle.year}, "invalid")
    existing = UnitRegistration.objects.filter(cycle=cycle, unit=unit, programme=programme).first()
    if existing is not None:
        return existing
    applicable = applicable_criteria_for_unit(programme, unit)
    if not applicable:
        raise Refusal(_("No criterion of this programme applies to this unit."), "invalid")
    registration = UnitRegistration.objects.create(
        tenant_id=cycle.tenant_id, cycle=cycle, programme=programme, unit=unit, role=PositionRole.SECRETARY,
        signed_by=position.cadre, unit_name=unit.name)
    UnitCommitment.objects.bulk_create(
        UnitCommitment(tenant_id=cycle.tenant_id, registration=registration, criterion=item.criterion,
                       position=index, minimum=item.target, target=item.target)
        for index, item in enumerate(applicable, start=1))
    FormEvent.objects.create(tenant_id=registration.tenant_id, form=registration, actor=acting_user,
                             action=FormAction.CREATE, to_state=registration.state)
    audit_record(actor=acting_user, action="unit_registration.create", obj=registration,
                 data={"programme": programme.pk, "cycle": cycle.year})
    return registration


def _text(value: Any, limit: int = 4000) -> str:
    text = str(value or "").strip()
    if len(text) > limit:
        raise Refusal(_("At most %(n)d characters.") % {"n": limit}, "invalid")
    return text


def _number(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        raise Refusal(_("Enter a number."), "invalid") from None
    if number < 0 or number >= 10_000:
        raise Refusal(_("Enter a number."), "invalid")
    return number


def _entry(entries: Entries, criterion_id: int) -> dict[str, Any]:
    return entries.get(criterion_id) or entries.get(str(criterion_id)) or {}


@transaction.atomic
def unit_registration_save(*, registration: UnitRegistration, entries: Entries, acting_user: User,
                           expected_version: object) -> UnitRegistration:
    """Save the draft's commitments (text, measures, target per criterion id); a target
    below the programme's is refused, nothing written."""
    def change(locked: UnitRegistration) -> Outcome:
        changed = []
        for commitment in locked.commitments.select_related("criterion"):
            entry = _entry(entries, commitment.criterion_id)
            if not entry:
                continue
            commitment.text, commitment.measures = _text(entry.get("text")), _text(entry.get("measures"))
            if commitment.criterion.kind == CriterionKind.QUANTITATIVE and "target" in entry:
                target = _number(entry.get("target"))
                if target is not None and commitment.minimum is not None and target < commitment.minimum:
                    raise Refusal(_("The target cannot be below the programme's minimum (%(n)s).") % {
                        "n": commitment.minimum.normalize()}, "invalid")
                commitment.target = target
            commitment.save(update_fields=["text", "measures", "target"])
            changed.append(commitment.criterion_id)
        return Outcome(data={"criteria": changed})

    return act(UNIT_REGISTRATION_FLOW, registration, EDIT, acting_user=acting_user,
               expected_version=expected_version, change=change)


def unit_registration_errors(registration: UnitRegistration) -> dict[str, str]:
    """What a complete unit registration still lacks, keyed by field."""
    errors = {}
    for commitment in registration.commitments.select_related("criterion"):
        key = f"commitment.{commitment.criterion_id}"
        if not commitment.measures.strip():
            errors[f"{key}.measures"] = _("Say how the unit will do it (measures).")
        if commitment.criterion.kind == CriterionKind.QUANTITATIVE and commitment.target is None:
            errors[f"{key}.target"] = _("Enter the unit's target.")
    return errors


@transaction.atomic
def unit_registration_submit(*, registration: UnitRegistration, acting_user: User,
                             expected_version: object) -> UnitRegistration:
    """draft/returned → submitted by the unit's Bí thư, who signs for it."""
    def check_content(locked: UnitRegistration) -> tuple[str, ...]:
        raise_errors(unit_registration_errors(locked))
        return _sign(locked, acting_user)

    submit_form(registration, acting_user=acting_user, expected_version=expected_version, check_content=check_content)
    return registration


@transaction.atomic
def unit_registration_return(*, registration: UnitRegistration, comments: dict[str, str], general_comment: str = "",
                             acting_user: User, expected_version: object) -> UnitRegistration:
    """submitted → returned by the parent's BTV, with a comment per criterion id."""
    return_form(registration, comments=comments, general_comment=general_comment, acting_user=acting_user,
                expected_version=expected_version)
    return registration


@transaction.atomic
def unit_registration_approve(*, registration: UnitRegistration, acting_user: User, expected_version: object,
                              comment: str = "") -> UnitRegistration:
    """submitted → approved by the parent's BTV."""
    def change(locked: UnitRegistration) -> Outcome:
        locked.approved_at, locked.approved_by = timezone.now(), acting_user
        return noted(comment=(comment or "").strip(), fields=["approved_at", "approved_by"])

    return take(registration, FormAction.APPROVE, acting_user=acting_user, expected_version=expected_version,
                change=change)


# --- Self-assessment --------------------------------------------------------------------


@transaction.atomic
def unit_assessment_start(*, registration: UnitRegistration, acting_user: User) -> UnitSelfAssessment:
    """The unit's yearly self-assessment of its approved registration (the open one if any),
    actual values pre-filled from the unit's records where its criteria count them."""
    _secretary(registration.unit, acting_user)
    check_cycle_open(registration.cycle)
    if not registration.is_approved:
        raise Refusal(_("The unit's registration must be approved before it assesses itself."), "state")
    existing = UnitSelfAssessment.objects.filter(registration=registration).first()
    if existing is not None:
        return existing
    assessment = UnitSelfAssessment.objects.create(
        tenant_id=registration.tenant_id, cycle=registration.cycle, registration=registration, unit=registration.unit,
        role=PositionRole.SECRETARY)
    values = computed_values(unit_progress(registration))
    UnitResult.objects.bulk_create(UnitResult(tenant_id=registration.tenant_id, self_assessment=assessment,
                                              commitment=commitment, computed_value=values.get(commitment.pk),
                                              actual_value=values.get(commitment.pk))
                                   for commitment in registration.commitments.all())
    FormEvent.objects.create(tenant_id=assessment.tenant_id, form=assessment, actor=acting_user,
                             action=FormAction.CREATE, to_state=assessment.state)
    audit_record(actor=acting_user, action="unit_selfassessment.create", obj=assessment,
                 data={"registration": registration.pk})
    return assessment


@transaction.atomic
def unit_assessment_refresh(assessment: UnitSelfAssessment) -> None:
    """Recompute values from the unit's records; an actual value left as computed follows.
    Run when the draft is opened and when it is submitted, as a cadre's (`refresh_computed`)."""
    follow_computed(assessment.results.all(), computed_values(unit_progress(assessment.registration)))


ASSESSMENT_TEXTS = ("strengths", "weaknesses", "remedies")


@transaction.atomic
def unit_assessment_save(*, assessment: UnitSelfAssessment, entries: Entries, texts: dict[str, Any] | None = None,
                         acting_user: User, expected_version: object) -> UnitSelfAssessment:
    """Save the draft: per criterion id its outcome (yes/no, prohibition), actual value and
    the reason it differs from the records (quantitative) and account; and the unit's
    strengths, weaknesses and remedies."""
    def change(locked: UnitSelfAssessment) -> Outcome:
        for name in ASSESSMENT_TEXTS:
            if texts and name in texts:
                setattr(locked, name, _text(texts[name]))
        for result in locked.results.select_related("commitment__criterion"):
            entry = _entry(entries, result.commitment.criterion_id)
            if not entry:
                continue
            kind = result.commitment.criterion.kind
            outcome = str(entry.get("outcome") or "")
            if outcome and outcome not in ResultOutcome.for_kind(kind):
                raise Refusal(_("Choose one of the answers offered."), "invalid")
            result.outcome, result.result = outcome, _text(entry.get("result"))
            if kind == CriterionKind.QUANTITATIVE:
                result.actual_value = _number(entry.get("actual_value"))
                result.change_reason = _text(entry.get("change_reason"), 500)
            result.save(update_fields=["outcome", "result", "actual_value", "change_reason"])
        return Outcome(fields=ASSESSMENT_TEXTS)

    return act(UNIT_ASSESSMENT_FLOW, assessment, EDIT, acting_user=acting_user, expected_version=expected_version,
               change=change)


def unit_assessment_errors(assessment: UnitSelfAssessment) -> dict[str, str]:
    errors = {}
    for result in assessment.results.select_related("commitment__criterion"):
        key, kind = f"result.{result.commitment.criterion_id}", result.commitment.criterion.kind
        if ResultOutcome.for_kind(kind) and not result.outcome:
            errors[f"{key}.outcome"] = _("Answer whether the unit did it.")
        if kind == CriterionKind.QUANTITATIVE and result.actual_value is None:
            errors[f"{key}.actual_value"] = _("Enter what the unit achieved.")
        if kind == CriterionKind.QUALITATIVE and not result.result.strip():
            errors[f"{key}.result"] = _("Say what the unit achieved.")
        if result.changed_without_reason:
            errors[f"{key}.change_reason"] = _(UNEXPLAINED_CHANGE)
    return errors


@transaction.atomic
def unit_assessment_submit(*, assessment: UnitSelfAssessment, acting_user: User,
                           expected_version: object) -> UnitSelfAssessment:
    """draft/returned → submitted by the unit's Bí thư, who signs for it."""
    def check_content(locked: UnitSelfAssessment) -> tuple[str, ...]:
        unit_assessment_refresh(locked)
        raise_errors(unit_assessment_errors(locked))
        return _sign(locked, acting_user)

    submit_form(assessment, acting_user=acting_user, expected_version=expected_version, check_content=check_content)
    return assessment


@transaction.atomic
def unit_assessment_return(*, assessment: UnitSelfAssessment, comments: dict[str, str], general_comment: str = "",
                           acting_user: User, expected_version: object) -> UnitSelfAssessment:
    """submitted → returned by the parent's BTV, with a comment per criterion id."""
    return_form(assessment, comments=comments, general_comment=general_comment, acting_user=acting_user,
                expected_version=expected_version)
    return assessment


@transaction.atomic
def unit_assessment_rate(*, assessment: UnitSelfAssessment, rating: str, comment: str = "", acting_user: User,
                         expected_version: object) -> UnitSelfAssessment:
    """submitted → finalised: the parent's BTV rates the unit; it attains the programme when
    every result meets its criterion (kept on the form, so the figures never recompute it)."""
    def change(locked: UnitSelfAssessment) -> Outcome:
        locked.final_rating, locked.collective_comment = clean_rating(rating), (comment or "").strip()
        locked.attained = all(result.meets for result in locked.results.select_related("commitment__criterion"))
        locked.finalised_by, locked.finalised_at = acting_user, timezone.now()
        recorded = noted(comment=locked.collective_comment,
                         fields=["final_rating", "collective_comment", "attained", "finalised_by", "finalised_at"])
        return Outcome(fields=recorded.fields, event=recorded.event, data={**recorded.data, "attained": locked.attained})

    return take(assessment, FormAction.FINALISE, acting_user=acting_user, expected_version=expected_version,
                change=change)
