"""How the forms answer a reorganised tree (`cadres.signals`): what is open in the units
reorganised, and open forms following their cadres to the units their positions moved to.
Forms already final (approved, finalised) and those of closed cycles stay where they were made."""

from typing import Any, cast

from django.db.models import QuerySet

from cadres.models import Unit
from cadres.selectors import in_subtrees
from evaluations.kinds import REGISTRATION, kind_of
from evaluations.models import AssessmentState, CycleStatus, Registration, RegistrationState, SelfAssessment
from evaluations.models.forms import FormBase
from evaluations.services.registrations import fill_header
from models_registry.selectors import deciding_position

FINAL = [RegistrationState.APPROVED, RegistrationState.SUPERSEDED, AssessmentState.FINALISED]


def open_forms() -> list[QuerySet[Any]]:
    return [model.objects.filter(cycle__status=CycleStatus.OPEN).exclude(state__in=FINAL)
            for model in (Registration, SelfAssessment)]


def unit_impact(sender: type[Unit], units: list[Unit], **kwargs: Any) -> dict[str, int]:
    return {"open_forms": sum(forms.filter(in_subtrees(units, "unit__")).count() for forms in open_forms())}


def positions_transferred(sender: type[Unit], moves: list[tuple[int, int, int]], **kwargs: Any) -> None:
    """Each open form made in a unit its cadre left takes the cadre's deciding position
    again, so its reviewer is the new unit's."""
    left = {(cadre, source) for cadre, source, _target in moves}
    for forms in open_forms():
        candidates = forms.filter(cadre_id__in={cadre for cadre, _source in left}).select_related("cycle", "cadre")
        for form in candidates:
            if (form.cadre_id, form.unit_id) in left:
                _follow(form)


def _follow(form: FormBase) -> None:
    kind = kind_of(form)
    if kind is REGISTRATION:
        registration = cast(Registration, form)
        fill_header(registration)
        registration.save(update_fields=["unit", "role", "union_position", "full_name", "birth_date", "job_title",
                                 "unit_name", "updated_at"])
        return
    position = deciding_position(kind.registration_of(form).programme, form.cadre, form.cycle.reference_date())
    if position is not None:
        form.unit, form.role = position.unit, position.role
        form.save(update_fields=["unit", "role", "updated_at"])
