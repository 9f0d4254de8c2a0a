"""How the forms answer a reorganised tree (`cadres.signals`): what is open in the units
reorganised, open forms following their cadres to the units their positions moved to, and
a unit's own forms staying with their unit. Forms already final (approved, finalised) and
those of closed cycles stay where they were made."""

from collections import Counter
from collections.abc import Sequence
from typing import Any, cast

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _, ngettext

from cadres.models import Unit
from cadres.selectors import in_subtrees
from cadres.transitions import Outcome, User, act
from evaluations.kinds import KINDS, REGISTRATION, FormKind, kind_of
from evaluations.models import (
    AssessmentState,
    CycleStatus,
    FormAction,
    Registration,
    RegistrationState,
    SelfAssessment,
)
from evaluations.models.forms import FormBase, FormCore
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


# --- A unit's own forms ------------------------------------------------------------------
# A unit form's subject is the unit (its commitments, its Bí thư's signature, the criteria of
# its level), so it never follows cadres. A unit moved keeps its forms, and nothing is
# written: the reviewer is read from the tree (`rules.unit_form_q`), so the new parent's
# BTV reviews them at once. A unit archived (merged, split or archived) has its forms still
# open closed ("withdraw"), with the reason on their timeline: the receiving unit is another
# subject with its own form (one per cycle, unit and programme), and a form left open would
# wait in the old parent's inbox for a unit that no longer acts. Final forms and closed
# cycles are never touched, so the year's frozen figures stay as they were.


def _open_unit_forms(kind: FormKind[Any], units: Sequence[Unit]) -> QuerySet[Any]:
    """The units' own forms of open cycles in a state a withdrawal starts from."""
    return (kind.model.objects.filter(unit__in=units, cycle__status=CycleStatus.OPEN,
                                      state__in=list(kind.flow.steps[FormAction.WITHDRAW].moves))
            .select_related("cycle", "unit").order_by("unit__path", "pk"))


def _states(forms: Sequence[tuple[FormKind[Any], Any]]) -> str:
    counts = Counter((kind.code, form.get_state_display()) for kind, form in forms)
    return ", ".join(f"{code} {state.lower()}: {n}" for (code, state), n in counts.items())


def _by_unit(units: Sequence[Unit]) -> dict[Unit, list[tuple[FormKind[Any], Any]]]:
    found: dict[Unit, list[tuple[FormKind[Any], Any]]] = {}
    for kind in (kind for kind in KINDS if kind.for_units):
        for form in _open_unit_forms(kind, units):
            found.setdefault(form.unit, []).append((kind, form))
    return found


def _withdrawal(form: FormCore) -> Outcome:
    """The reason, on the timeline and in the audit row, in the language of the forms."""
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("%(unit)s was merged, split or archived: its forms still open in %(year)s are closed.") % {
            "unit": form.unit.name, "year": form.cycle.year}
    return Outcome(data={"reason": reason}, event={"comment": reason})


def units_reorganised(sender: type[Unit], moved: list[Unit], archived: list[Unit], acting_user: User,
                      **kwargs: Any) -> list[str]:
    """The open unit forms of the units moved (kept) and archived (closed), told per unit."""
    lines = []
    for unit, forms in _by_unit(moved).items():
        parent = Unit.objects.get_parent(unit)
        lines.append(ngettext(
            "%(unit)s keeps its %(n)s open unit form (%(states)s); the Standing Committee of %(parent)s now "
            "reviews it.",
            "%(unit)s keeps its %(n)s open unit forms (%(states)s); the Standing Committee of %(parent)s now "
            "reviews them.", len(forms)) % {"unit": unit.name, "n": len(forms), "states": _states(forms),
                                            "parent": parent.name if parent else ""})
    for unit, forms in _by_unit(archived).items():
        lines.append(ngettext(
            "%(n)s open unit form of %(unit)s is closed, as the unit is archived (%(states)s); its approved and "
            "rated forms stay with it.",
            "%(n)s open unit forms of %(unit)s are closed, as the unit is archived (%(states)s); its approved and "
            "rated forms stay with it.", len(forms)) % {"unit": unit.name, "n": len(forms), "states": _states(forms)})
        for kind, form in forms:
            act(kind.flow, form, FormAction.WITHDRAW, acting_user=acting_user, expected_version=form.lock_version,
                change=_withdrawal)
    return lines
