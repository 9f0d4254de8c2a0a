"""Forms of the programme pages, and the rules of a programme's fields, criteria and
audience targets: each form's `clean_*`/`clean` methods hold them with the Vietnamese
message a person sees. The services validate through the same forms
(`models_registry.validation`), so a page and a direct call refuse alike; a service's
refusal (a stale tab, a draft that is no longer one) is put back on the form with
`add_service_errors`."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cadres.forms.fields import DecimalText, TextField
from cadres.models import PositionRole, Sector, UnitLevel
from models_registry.models import (
    ActivityKind,
    CriterionKind,
    IndicatorKind,
    MeasureUnit,
    Period,
    ProgrammeStatus,
    ProgrammeSubject,
    TriState,
)

ANY = [("", _("Any"))]
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
YEAR_MESSAGES = {"required": _("Enter a year such as 2025."), "invalid": _("Enter a year such as 2025.")}
NUMERIC = forms.TextInput(attrs={"inputmode": "numeric"})


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal shown on the form: keyed messages on their field when the form
    has it, everything else above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


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
        raise ValidationError({field: _("Count %(measure)s in whole numbers.")
                               % {"measure": MeasureUnit(measure).label}})
    if target != target.quantize(Decimal("0.01")):
        raise ValidationError({field: _("At most two decimal places.")})
    return target


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f").replace(".", ",")


def target_field(**kwargs) -> DecimalText:
    return DecimalText(required=False, max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                       error_messages={"invalid": _("Enter a number, such as 2 or 2.5.")}, **kwargs)


def _unique(values) -> list:
    return list(dict.fromkeys(values or []))


class RulesForm(forms.Form):
    """A form whose selects a service names in its refusal ("Unknown role.") where a page
    says "choose a valid option" beside the select (`named_choices`)."""

    choice_messages: dict = {}

    def named_choices(self) -> "RulesForm":
        for name, message in self.choice_messages.items():
            if name in self.fields:
                field = self.fields[name]
                field.error_messages = {**field.error_messages, "invalid_choice": message, "required": message}
        return self


class ProgrammeFieldsForm(RulesForm):
    """A programme's own fields. With `subject` given (the editor: it is fixed at
    creation) the form has no subject field, and pilot units only for a unit programme."""

    subject = forms.ChoiceField(label=_("For"), choices=ProgrammeSubject.choices, initial=ProgrammeSubject.CADRES)
    name = TextField(label=_("Name"), max_length=200, collapse_spaces=True)
    start_year = forms.IntegerField(label=_("From year"), error_messages=YEAR_MESSAGES, widget=NUMERIC)
    end_year = forms.IntegerField(label=_("To year"), required=False, help_text=_("Empty: the same year."),
                                  error_messages=YEAR_MESSAGES, widget=NUMERIC)
    description = TextField(label=_("Description"), required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    sectors = forms.MultipleChoiceField(label=_("Sectors (none: every sector)"), required=False,
                                        choices=Sector.choices, widget=forms.CheckboxSelectMultiple)
    pilot_quota = forms.IntegerField(
        label=_("Participating units per district"), required=False, min_value=1, max_value=1000, widget=NUMERIC,
        help_text=_("For a programme for units: the minimum of pilot units per district."),
        error_messages={key: _("Enter a number of units between 1 and 1000.")
                        for key in ("invalid", "min_value", "max_value")})

    choice_messages = {"subject": _("Choose whether the programme is for cadres or for units."),
                       "sectors": _("Unknown sector.")}

    def __init__(self, *args, subject: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.subject = subject
        if subject is not None:
            del self.fields["subject"]
            if subject != ProgrammeSubject.UNITS:
                del self.fields["pilot_quota"]

    def clean_sectors(self) -> list:
        return _unique(self.cleaned_data["sectors"])

    def clean(self):
        data = super().clean()
        start, end = data.get("start_year"), data.get("end_year")
        if start is not None and "end_year" not in self.errors:
            end = start if end is None else end
            if not (MIN_YEAR <= start <= MAX_YEAR and MIN_YEAR <= end <= MAX_YEAR):
                self.add_error("start_year", _("Years must lie between %(lo)d and %(hi)d.")
                               % {"lo": MIN_YEAR, "hi": MAX_YEAR})
            elif end < start:
                self.add_error("end_year", _("The end year cannot come before the start year."))
            elif end - start + 1 > MAX_PERIOD_YEARS:
                self.add_error("end_year", _("A programme covers one year or a term of at most %(n)d years.")
                               % {"n": MAX_PERIOD_YEARS})
            else:
                data["end_year"] = end
        subject = data.get("subject", self.subject)
        if data.get("pilot_quota") is not None and subject != ProgrammeSubject.UNITS:
            self.add_error("pilot_quota", _("Only a programme for units has participating units."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return dict(name=data["name"], start_year=data["start_year"], end_year=data["end_year"],
                    description=data["description"], sectors=data["sectors"],
                    pilot_quota=data.get("pilot_quota"))


class ProgrammeCreateForm(ProgrammeFieldsForm):
    """A new draft: its owner unit among the units the user manages, optionally a parent."""

    owner_unit = forms.ModelChoiceField(label=_("Owner unit"), queryset=None, empty_label=None)
    parent = forms.ModelChoiceField(label=_("Inherits from (optional)"), queryset=None, required=False,
                                    empty_label=_("None: start from an empty programme"),
                                    help_text=_("The parent's criteria are copied as a starting point; the unit "
                                                "must then add or rewrite criteria of its own."))
    field_order = ["owner_unit", "subject", "parent", "name", "start_year", "end_year", "description", "sectors",
                   "pilot_quota"]

    def __init__(self, *args, owner_units, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = owner_units
        self.fields["owner_unit"].label_from_instance = lambda unit: f"{unit.name} ({unit.get_level_display()})"
        self.fields["parent"].queryset = parents
        self.fields["parent"].label_from_instance = (
            lambda programme: f"{programme.name} · {programme.owner_unit.name} · {programme.period_label}"
        )
        self.order_fields(self.field_order)


class GroupForm(forms.Form):
    title = TextField(label=_("Group title"), max_length=200, collapse_spaces=True)


class CriterionForm(RulesForm):
    """A criterion's fields, consistent with its kind: a target, unit of measure and period
    for a quantitative criterion and none for the others (yes/no may name a period and
    the activities that mark it done)."""

    title = TextField(label=_("Criterion"), max_length=300, collapse_spaces=True)
    kind = forms.ChoiceField(label=_("Kind"), choices=CriterionKind.choices)
    target = target_field(label=_("Minimum"))
    measure = forms.ChoiceField(label=_("Unit of measure"), required=False,
                                choices=[("", "—"), *MeasureUnit.choices])
    period = forms.ChoiceField(label=_("Per"), required=False, choices=[("", "—"), *Period.choices])
    activity_kinds = forms.MultipleChoiceField(label=_("Activities that count"), required=False,
                                               choices=ActivityKind.choices, widget=forms.CheckboxSelectMultiple)
    guidance = TextField(label=_("Guidance for cadres"), required=False, max_length=5000,
                         widget=forms.Textarea(attrs={"rows": 2}))

    choice_messages = {"kind": _("Choose the kind of criterion."), "measure": _("Choose a unit of measure."),
                       "period": _("Choose a period: week, month, quarter or year."),
                       "activity_kinds": _("Unknown kind of activity.")}

    @classmethod
    def for_criterion(cls, criterion, **kwargs):
        initial = {name: getattr(criterion, name) for name in
                   ("title", "kind", "measure", "period", "activity_kinds", "guidance")}
        initial["target"] = "" if criterion.target is None else format(criterion.target.normalize(), "f")
        return cls(initial=initial, **kwargs)

    def clean_activity_kinds(self) -> list:
        return _unique(self.cleaned_data["activity_kinds"])

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        kind, target, measure, period = data["kind"], data["target"], data["measure"], data["period"]
        if kind == CriterionKind.QUANTITATIVE:
            if target is None:
                raise ValidationError({"target": _("A quantitative criterion needs a target number.")})
            if not measure:
                raise ValidationError({"measure": _("Choose a unit of measure.")})
            if not period:
                raise ValidationError({"period": _("Choose a period: week, month, quarter or year.")})
            if not data["activity_kinds"]:
                raise ValidationError({"activity_kinds": _("Choose which activities count toward the target.")})
            check_target(target, measure, period)
        elif target is not None or measure:
            raise ValidationError({"target": _("Only a quantitative criterion has a target number.")})
        elif kind in (CriterionKind.QUALITATIVE, CriterionKind.PROHIBITION) and (period or data["activity_kinds"]):
            raise ValidationError({"period": _("A commitment or a prohibition is not counted per period.")})
        return data

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class AudienceForm(RulesForm):
    """An audience row of `criterion`. For a unit-subject programme only the unit level of
    the assessed unit may be set."""

    unit_level = forms.ChoiceField(label=_("Unit level"), required=False, choices=ANY + UnitLevel.choices)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=ANY + PositionRole.choices)
    full_time = forms.ChoiceField(label=_("Full-time cadre"), required=False, choices=TriState.choices)
    civil_servant = forms.ChoiceField(label=_("Civil servant"), required=False, choices=TriState.choices)
    applies = forms.TypedChoiceField(label=_("For this audience"), coerce=lambda value: value == "yes",
                                     choices=[("yes", _("The criterion applies")),
                                              ("no", _("The criterion does not apply"))], initial="yes")
    target = target_field(label=_("Their target"), help_text=_("Empty: the criterion's own target."))

    choice_messages = {"unit_level": _("Unknown unit level."), "role": _("Unknown role."),
                       "full_time": _("Choose yes, no or any."), "civil_servant": _("Choose yes, no or any.")}

    def __init__(self, *args, criterion, subject: str = ProgrammeSubject.CADRES, every_field: bool = False, **kwargs):
        """`every_field` (the services) keeps every field, so that a unit programme's row naming
        a role is refused rather than ignored; the page shows only what applies."""
        super().__init__(*args, **kwargs)
        self.criterion, self.subject = criterion, subject
        if every_field:
            return
        if subject == ProgrammeSubject.UNITS:
            for name in ("role", "full_time", "civil_servant"):
                del self.fields[name]
        if criterion.kind != CriterionKind.QUANTITATIVE:
            del self.fields["target"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if self.subject == ProgrammeSubject.UNITS and (data.get("role") or data.get("full_time")
                                                       or data.get("civil_servant")):
            raise ValidationError({"role": _("A programme for units targets unit levels only, not roles.")})
        target = data.get("target")
        if target is not None:
            if not data["applies"]:
                raise ValidationError({"target": _("A criterion that does not apply to this audience has no target.")})
            if self.criterion.kind != CriterionKind.QUANTITATIVE:
                raise ValidationError({"target": _("Only a quantitative criterion has a target number.")})
            check_target(target, self.criterion.measure, self.criterion.period)
        return data

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class AudiencePreviewForm(forms.Form):
    """"As a cadre of role X at level Y (chuyên trách? CCVC?)": the editor's preview."""

    unit_level = forms.ChoiceField(label=_("Unit level"), choices=UnitLevel.choices, initial=UnitLevel.GRASSROOTS)
    role = forms.ChoiceField(label=_("Role"), choices=PositionRole.choices, initial=PositionRole.SECRETARY)
    full_time = forms.ChoiceField(label=_("Full-time cadre"), choices=TriState.choices[1:], initial=TriState.NO)
    civil_servant = forms.ChoiceField(label=_("Civil servant"), choices=TriState.choices[1:], initial=TriState.NO)

    def __init__(self, *args, subject: str = ProgrammeSubject.CADRES, **kwargs):
        super().__init__(*args, **kwargs)
        if subject == ProgrammeSubject.UNITS:
            for name in ("role", "full_time", "civil_servant"):
                del self.fields[name]


class ProgrammeFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), *ProgrammeStatus.choices])


class ParticipantForm(forms.Form):
    code = forms.CharField(
        label=_("Unit code"), max_length=40,
        help_text=_("The code of a unit under the programme's owner, e.g. a pilot chi đoàn."),
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = units

    def clean_code(self):
        """The unit itself, among `units` only: a code from elsewhere finds nothing."""
        unit = self.units.filter(code=self.cleaned_data["code"].strip()).first()
        if unit is None:
            raise ValidationError(_("None of your units has this code."))
        return unit


class IndicatorForm(forms.Form):
    """One of the programme's target shares of a computed figure (e.g. Cần Thơ's 4 chỉ tiêu)."""

    kind = forms.ChoiceField(label=_("Figure"), choices=IndicatorKind.choices)
    target_percent = forms.IntegerField(label=_("Target share (%)"), min_value=0, max_value=100,
                                        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "short"}))
    text = forms.CharField(label=_("Wording"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("As the programme states it, e.g. “100% cán bộ Đoàn có bản đăng ký…”."))

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class MoveForm(forms.Form):
    """One step up or down in a list."""

    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])


class RegistrySettingsForm(forms.Form):
    similarity_threshold = forms.CharField(
        label=_("Similarity that triggers the warning"), max_length=10,
        help_text=_("A share between 0.30 and 1.00: 0.70 warns when 70% of a programme's content matches its "
                    "parent's or a sibling's."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    block_similar = forms.BooleanField(
        label=_("Refuse to publish a near-copy"), required=False,
        help_text=_("Off: the unit sees the warning and may still publish."),
    )
