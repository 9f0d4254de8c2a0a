"""Scoped reads of units' forms (`models.unit_forms`): who sees them (the unit's Bí thư, the
managers of a subtree holding the unit), what a Bí thư may start for their units, and what
awaits the parent's Ban Thường vụ."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from cadres.models import AnyUser, Position, PositionRole, Unit
from cadres.selectors import access_for
from evaluations.models import AssessmentState, Cycle, RegistrationState, UnitRegistration, UnitSelfAssessment
from evaluations.rules import unit_form_q, unit_forms_visible_q
from models_registry.models import Programme, ProgrammeStatus, ProgrammeSubject
from models_registry.selectors import applicable_criteria_for_unit


def unit_registrations_visible_to(user: AnyUser) -> QuerySet[UnitRegistration]:
    return UnitRegistration.objects.filter(unit_forms_visible_q(user)).select_related("unit", "programme", "cycle")


def unit_assessments_visible_to(user: AnyUser) -> QuerySet[UnitSelfAssessment]:
    return UnitSelfAssessment.objects.filter(unit_forms_visible_q(user)).select_related(
        "unit", "registration__programme", "cycle")


def get_unit_registration_for_user(user: AnyUser, pk: int | str) -> UnitRegistration:
    """The unit's registration, or 404 when missing or out of reach alike."""
    form = unit_registrations_visible_to(user).filter(pk=pk if str(pk).isdigit() else 0).first()
    if form is None:
        raise Http404
    return form


def get_unit_assessment_for_user(user: AnyUser, pk: int | str) -> UnitSelfAssessment:
    form = unit_assessments_visible_to(user).filter(pk=pk if str(pk).isdigit() else 0).first()
    if form is None:
        raise Http404
    return form


@dataclass(frozen=True)
class UnitProgrammeRow:
    """A unit the user leads as Bí thư and a unit programme of the cycle that applies to it,
    with the unit's forms under it so far."""

    unit: Unit
    programme: Programme
    registration: UnitRegistration | None
    assessment: UnitSelfAssessment | None


def unit_programmes_for(user: AnyUser, cycle: Cycle) -> list[UnitProgrammeRow]:
    """What the user, as Bí thư of units, registers them for in the cycle (home page, menu)."""
    access = access_for(user)
    if access.cadre_id is None:
        return []
    units = [position.unit for position in Position.objects.active().filter(
        cadre_id=access.cadre_id, role=PositionRole.SECRETARY, unit__archived_at__isnull=True,
        unit__tenant_id=cycle.tenant_id).select_related("unit").order_by("unit__path")]
    if not units:
        return []
    programmes = list(Programme.objects.filter(
        tenant_id=cycle.tenant_id, status=ProgrammeStatus.PUBLISHED, subject=ProgrammeSubject.UNITS,
        start_year__lte=cycle.year, end_year__gte=cycle.year).select_related("owner_unit").order_by("pk"))
    registrations = {(form.unit_id, form.programme_id): form for form in UnitRegistration.objects.filter(
        cycle=cycle, unit__in=units)}
    assessments = {form.registration_id: form for form in UnitSelfAssessment.objects.filter(
        registration__in=registrations.values())}
    rows = []
    for unit in units:
        for programme in programmes:
            registration = registrations.get((unit.pk, programme.pk))
            if registration is None and not applicable_criteria_for_unit(programme, unit):
                continue
            rows.append(UnitProgrammeRow(unit, programme, registration,
                                         assessments.get(registration.pk) if registration else None))
    return rows


def unit_forms_to_decide(user: AnyUser, cycle: Cycle | None = None) -> tuple[QuerySet[UnitRegistration],
                                                                            QuerySet[UnitSelfAssessment]]:
    """The units' forms submitted to this user's Ban Thường vụ (to approve or rate)."""
    registrations = UnitRegistration.objects.filter(unit_form_q(user), state=RegistrationState.SUBMITTED)
    assessments = UnitSelfAssessment.objects.filter(unit_form_q(user), state=AssessmentState.SUBMITTED)
    if cycle is not None:
        registrations, assessments = registrations.filter(cycle=cycle), assessments.filter(cycle=cycle)
    return (registrations.select_related("unit", "programme", "cycle").order_by("submitted_at", "id"),
            assessments.select_related("unit", "registration__programme", "cycle").order_by("submitted_at", "id"))
