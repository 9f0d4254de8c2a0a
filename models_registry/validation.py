"""Rules a programme's fields, criteria and audience targets must satisfy.

Each function returns cleaned values or raises a ValidationError keyed by field, with the
Vietnamese message a person sees. Services call them before writing anything.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cadres.models import PositionRole, Sector, UnitLevel
from models_registry.models import (
    ActivityKind,
    CriterionKind,
    MeasureUnit,
    Period,
    ProgrammeSubject,
    TriState,
)

MIN_YEAR, MAX_YEAR = 2000, 2100
# A programme covers one year or one term (nhiệm kỳ: five years, e.g. 2023–2027).
MAX_PERIOD_YEARS = 5

# The largest sane target per unit of measure and period. Hours are volunteer hours outside
# office hours, so 40 a week is already a second job; 168 would be every hour of the week.
_COUNT_LIMITS = {"week": 14, "month": 60, "quarter": 180, "year": 700}
MAX_TARGET: dict[str, dict[str, int]] = {
    MeasureUnit.HOURS: {"week": 40, "month": 160, "quarter": 480, "year": 2000},
    MeasureUnit.ACTIVITIES: _COUNT_LIMITS,
    MeasureUnit.MEETINGS: _COUNT_LIMITS,
    MeasureUnit.VISITS: _COUNT_LIMITS,
    MeasureUnit.ITEMS: _COUNT_LIMITS,
    MeasureUnit.INITIATIVES: {"week": 2, "month": 5, "quarter": 10, "year": 30},
    MeasureUnit.PROJECTS: {"week": 2, "month": 5, "quarter": 10, "year": 30},
}


def clean_text(value: str | None, field: str, *, required: bool, max_length: int) -> str:
    text = " ".join((value or "").split()) if field != "description" else (value or "").strip()
    if required and not text:
        raise ValidationError({field: _("This field cannot be empty.")})
    if len(text) > max_length:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": max_length}})
    return text


def clean_programme_fields(
    *, name: str, start_year, end_year, subject: str, description: str, sectors, pilot_quota
) -> dict:
    errors: dict[str, str] = {}
    try:
        cleaned_name = clean_text(name, "name", required=True, max_length=200)
    except ValidationError as error:
        errors.update(error.message_dict)
        cleaned_name = ""
    try:
        start = int(start_year)
        end = int(end_year if end_year not in (None, "") else start_year)
    except (TypeError, ValueError):
        errors["start_year"] = _("Enter a year such as 2025.")
        start = end = 0
    if "start_year" not in errors:
        if not (MIN_YEAR <= start <= MAX_YEAR and MIN_YEAR <= end <= MAX_YEAR):
            errors["start_year"] = _("Years must lie between %(lo)d and %(hi)d.") % {"lo": MIN_YEAR, "hi": MAX_YEAR}
        elif end < start:
            errors["end_year"] = _("The end year cannot come before the start year.")
        elif end - start + 1 > MAX_PERIOD_YEARS:
            errors["end_year"] = _("A programme covers one year or a term of at most %(n)d years.") % {
                "n": MAX_PERIOD_YEARS}
    if subject not in ProgrammeSubject.values:
        errors["subject"] = _("Choose whether the programme is for cadres or for units.")
    sectors = list(dict.fromkeys(sectors or []))
    if any(sector not in Sector.values for sector in sectors):
        errors["sectors"] = _("Unknown sector.")
    if pilot_quota not in (None, ""):
        try:
            pilot_quota = int(pilot_quota)
        except (TypeError, ValueError):
            pilot_quota = -1
        if not 1 <= pilot_quota <= 1000:
            errors["pilot_quota"] = _("Enter a number of units between 1 and 1000.")
        elif subject != ProgrammeSubject.UNITS:
            errors["pilot_quota"] = _("Only a programme for units has participating units.")
    else:
        pilot_quota = None
    if errors:
        raise ValidationError(errors)
    return dict(name=cleaned_name, start_year=start, end_year=end, subject=subject,
                description=clean_text(description, "description", required=False, max_length=5000),
                sectors=sectors, pilot_quota=pilot_quota)


def parse_target(value, field: str = "target") -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationError({field: _("Enter a number, such as 2 or 2.5.")}) from None
    if not number.is_finite():
        raise ValidationError({field: _("Enter a number, such as 2 or 2.5.")})
    return number


def check_target(target: Decimal, measure: str, period: str, field: str = "target") -> Decimal:
    """A positive, sane number for this unit of measure and period; counts are whole."""
    if target <= 0:
        raise ValidationError({field: _("A target must be greater than 0.")})
    limit = MAX_TARGET[measure][period]
    if target > limit:
        raise ValidationError({field: _("%(target)s %(measure)s per %(period)s is not realistic: at most %(limit)d.")
                               % {"target": _number(target), "measure": MeasureUnit(measure).label,
                                  "period": Period(period).label, "limit": limit}})
    if measure != MeasureUnit.HOURS and target != target.to_integral_value():
        raise ValidationError({field: _("Count %(measure)s in whole numbers.") % {"measure": MeasureUnit(measure).label}})
    if target != target.quantize(Decimal("0.01")):
        raise ValidationError({field: _("At most two decimal places.")})
    return target


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f").replace(".", ",")


def clean_criterion_fields(
    *, title: str, kind: str, guidance: str = "", target=None, measure: str = "", period: str = "",
    activity_kinds=(),
) -> dict:
    """A criterion's fields, consistent with its kind: a target, unit of measure and period
    for a quantitative criterion and none for the others (yes/no may name a period and
    the activities that mark it done)."""
    title = clean_text(title, "title", required=True, max_length=300)
    guidance = clean_text(guidance, "guidance", required=False, max_length=5000)
    if kind not in CriterionKind.values:
        raise ValidationError({"kind": _("Choose the kind of criterion.")})
    target = parse_target(target)
    activity_kinds = list(dict.fromkeys(activity_kinds or []))
    if any(activity not in ActivityKind.values for activity in activity_kinds):
        raise ValidationError({"activity_kinds": _("Unknown kind of activity.")})
    if period and period not in Period.values:
        raise ValidationError({"period": _("Choose a period: week, month, quarter or year.")})
    if kind == CriterionKind.QUANTITATIVE:
        if target is None:
            raise ValidationError({"target": _("A quantitative criterion needs a target number.")})
        if measure not in MeasureUnit.values:
            raise ValidationError({"measure": _("Choose a unit of measure.")})
        if not period:
            raise ValidationError({"period": _("Choose a period: week, month, quarter or year.")})
        if not activity_kinds:
            raise ValidationError({"activity_kinds": _("Choose which activities count toward the target.")})
        check_target(target, measure, period)
    else:
        if target is not None or measure:
            raise ValidationError({"target": _("Only a quantitative criterion has a target number.")})
        if kind in (CriterionKind.QUALITATIVE, CriterionKind.PROHIBITION) and (period or activity_kinds):
            raise ValidationError({"period": _("A commitment or a prohibition is not counted per period.")})
    return dict(title=title, guidance=guidance, kind=kind, target=target, measure=measure, period=period,
                activity_kinds=activity_kinds)


def clean_audience_fields(
    *, criterion, subject: str, unit_level: str = "", role: str = "", full_time: str = "", civil_servant: str = "",
    applies: bool = True, target=None,
) -> dict:
    """An audience row for `criterion`. For a unit-subject programme only the unit level of
    the assessed unit may be set."""
    if unit_level and unit_level not in UnitLevel.values:
        raise ValidationError({"unit_level": _("Unknown unit level.")})
    if role and role not in PositionRole.values:
        raise ValidationError({"role": _("Unknown role.")})
    if full_time not in TriState.values or civil_servant not in TriState.values:
        raise ValidationError({"full_time": _("Choose yes, no or any.")})
    if subject == ProgrammeSubject.UNITS and (role or full_time or civil_servant):
        raise ValidationError({"role": _("A programme for units targets unit levels only, not roles.")})
    target = parse_target(target)
    if target is not None:
        if not applies:
            raise ValidationError({"target": _("A criterion that does not apply to this audience has no target.")})
        if criterion.kind != CriterionKind.QUANTITATIVE:
            raise ValidationError({"target": _("Only a quantitative criterion has a target number.")})
        check_target(target, criterion.measure, criterion.period)
    return dict(unit_level=unit_level, role=role, full_time=full_time, civil_servant=civil_servant,
                applies=bool(applies), target=target)
