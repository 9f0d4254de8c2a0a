"""The programme rules as the services apply them: the same forms as the pages
(`models_registry.forms`), bound to the values a service was called with. Each function
returns the cleaned values or raises a ValidationError keyed by field, with the Vietnamese
message a person sees; the services call them before writing anything."""

from django.core.exceptions import ValidationError

from cadres.forms.fields import TextField
from models_registry.forms import (
    MAX_TARGET,
    AudienceForm,
    CriterionForm,
    ProgrammeFieldsForm,
    RulesForm,
    check_target,
)

__all__ = ["MAX_TARGET", "check_target", "clean_audience_fields", "clean_criterion_fields",
           "clean_programme_fields", "clean_text"]


def _cleaned(form: RulesForm, names) -> dict:
    if not form.named_choices().is_valid():
        raise ValidationError(form.errors.as_data())
    return {name: form.cleaned_data[name] for name in names}


def clean_text(value: str | None, field: str, *, required: bool, max_length: int) -> str:
    """Trimmed text; a one-line title also has its inner spaces collapsed."""
    text = TextField(required=required, max_length=max_length, collapse_spaces=field != "description")
    try:
        return text.clean(value)
    except ValidationError as error:
        raise ValidationError({field: error.error_list}) from None


def clean_programme_fields(*, name, start_year, end_year, subject, description, sectors, pilot_quota) -> dict:
    form = ProgrammeFieldsForm(dict(name=name, start_year=start_year, end_year=end_year, subject=subject,
                                    description=description, sectors=sectors or [], pilot_quota=pilot_quota))
    return _cleaned(form, ("name", "start_year", "end_year", "subject", "description", "sectors", "pilot_quota"))


def clean_criterion_fields(*, title, kind, guidance="", target=None, measure="", period="", activity_kinds=()) -> dict:
    form = CriterionForm(dict(title=title, kind=kind, guidance=guidance, target=target, measure=measure,
                              period=period, activity_kinds=list(activity_kinds or [])))
    return _cleaned(form, ("title", "guidance", "kind", "target", "measure", "period", "activity_kinds"))


def clean_audience_fields(*, criterion, subject: str, unit_level="", role="", full_time="", civil_servant="",
                          applies=True, target=None) -> dict:
    form = AudienceForm(dict(unit_level=unit_level, role=role, full_time=full_time, civil_servant=civil_servant,
                             applies="yes" if applies else "no", target=target),
                        criterion=criterion, subject=subject, every_field=True)
    return _cleaned(form, ("unit_level", "role", "full_time", "civil_servant", "applies", "target"))
