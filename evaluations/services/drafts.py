"""Field-by-field autosave shared by both forms.

A draft field is addressed by the same key its snapshot uses (`planned_initiative`,
`commitment.<criterion id>.text`, `result.<criterion id>.actual_value`, …). Each key has
its own version in `form.field_versions`: the page sends the version it loaded; a save
carrying an older one (another tab saved newer text since) is refused and answered with
the current value, so nothing newer is overwritten and the person sees what is stored.
Resending a value already stored (a retry after a dropped connection) is a success.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from cadres.transitions import check
from evaluations.flows import EDIT, flow_of


@dataclass(frozen=True)
class AutosaveResult:
    field: str
    saved: bool
    value: object  # the stored value after the call
    version: int  # the field's version after the call: send it with the next save
    message: str = ""


def parse_int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def lock_editable_form(form: models.Model, *, acting_user) -> models.Model:
    """The form row locked for writing, after its flow's "edit" checks (owner, cycle, state)."""
    locked = type(form).objects.select_for_update(of=("self",)).select_related("cycle").get(pk=form.pk)
    check(flow_of(locked), locked, EDIT, acting_user)
    return locked


def autosave(*, form: models.Model, field: str, value, expected_version, acting_user,
             resolve: Callable[[models.Model, str], tuple[models.Model, str, Callable]]) -> AutosaveResult:
    """Save one field when its version matches. `resolve(form, key)` returns the row holding
    the field, the attribute name and a cleaner(value) -> cleaned value (raising
    ValidationError keyed by the field key); an unknown key raises ValidationError."""
    locked = lock_editable_form(form, acting_user=acting_user)
    row, attribute, clean = resolve(locked, field)
    current = locked.field_versions.get(field, 0)
    cleaned = clean(value)
    stored = getattr(row, attribute)
    if parse_int(expected_version) != current:
        if cleaned == stored:
            # A retry of a save whose answer was lost (dropped connection): already done.
            return AutosaveResult(field, True, stored, current)
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


def unknown_field(field: str) -> ValidationError:
    return ValidationError({field: _("This field does not belong to this form; reload the page.")})


def clean_text(field: str, max_length: int) -> Callable:
    def clean(value) -> str:
        text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
        if len(text) > max_length:
            raise ValidationError({field: _("At most %(n)d characters.") % {"n": max_length}})
        return text
    return clean
