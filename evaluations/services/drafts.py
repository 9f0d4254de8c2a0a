"""Field-by-field autosave shared by both forms.

A draft field is addressed by the same key its snapshot uses (`planned_initiative`,
`commitment.<criterion id>.text`, `result.<criterion id>.actual_value`, …). Each key has
its own version in `form.field_versions`: the page sends the version it loaded; a save
carrying an older one (another tab saved newer text since) is refused and answered with
the current value, so nothing newer is overwritten and the person sees what is stored.
Sending a value already stored (a retry after a dropped connection, a field one tabbed
through) is a success that writes nothing.
"""

from dataclasses import dataclass
from typing import TypeVar

from django.utils.translation import gettext as _

from cadres.models import User
from cadres.transitions import check
from evaluations.flows import EDIT
from evaluations.forms.drafts import DraftForm
from evaluations.kinds import kind_of
from evaluations.models import Registration, SelfAssessment

F = TypeVar("F", Registration, SelfAssessment)


@dataclass(frozen=True)
class AutosaveResult:
    field: str
    saved: bool
    value: object  # the stored value after the call
    version: int  # the field's version after the call: send it with the next save
    message: str = ""


def parse_int(value: object) -> int:
    try:
        number: int = int(value)  # type: ignore[call-overload]  # anything posted: what int() refuses is -1
        return number
    except (TypeError, ValueError):
        return -1


def lock_editable_form(form: F, *, acting_user: User) -> F:
    """The form row locked for writing, after its flow's "edit" checks (owner, cycle, state)."""
    locked = type(form)._default_manager.select_for_update(of=("self",)).select_related("cycle").get(pk=form.pk)
    check(kind_of(locked).flow, locked, EDIT, acting_user)
    return locked


def autosave(*, form: F, field: str, value: object, expected_version: object, acting_user: User,
             fields: type[DraftForm]) -> AutosaveResult:
    """Save one field when its version matches. `fields` is the draft's form: its field
    `field` says where the value is stored and cleans it (a ValidationError keyed by the
    field for a refused value or a key that is not on the form)."""
    locked = lock_editable_form(form, acting_user=acting_user)
    row, attribute, cleaned = fields(locked).cleaned(field, value)
    current = locked.field_versions.get(field, 0)
    stored = getattr(row, attribute)
    if cleaned == stored:
        # Nothing to write: a field left by tabbing through it, or a retry of a save whose
        # answer was lost (dropped connection).
        return AutosaveResult(field, True, stored, current)
    if parse_int(expected_version) != current:
        return AutosaveResult(field, False, stored, current,
                              _("This field was changed in another tab or on another device. "
                                "The latest saved text is shown; your change was not saved."))
    setattr(row, attribute, cleaned)
    if row is not locked:
        row.save(update_fields=[attribute])
    locked.field_versions = {**locked.field_versions, field: current + 1}
    locked.save(update_fields=["field_versions", "updated_at"] + ([attribute] if row is locked else []))
    form.field_versions = locked.field_versions
    return AutosaveResult(field, True, cleaned, current + 1)
