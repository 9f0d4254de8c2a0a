"""Forms of the programme pages. They parse and render; the rules (and their Vietnamese
messages) live in `validation.py` and the services, so most fields are lenient here and a
service's ValidationError is put back on the form with `add_service_errors`."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cadres.models import PositionRole, Sector, UnitLevel
from models_registry.models import (
    ActivityKind,
    CriterionKind,
    MeasureUnit,
    Period,
    ProgrammeStatus,
    ProgrammeSubject,
    TriState,
)

ANY = [("", _("Any"))]


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal shown on the form: keyed messages on their field when the form
    has it, everything else above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class ProgrammeFieldsForm(forms.Form):
    name = forms.CharField(label=_("Name"), required=False, max_length=1000)
    start_year = forms.CharField(label=_("From year"), required=False, max_length=10,
                                 widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    end_year = forms.CharField(label=_("To year"), required=False, max_length=10,
                               help_text=_("Empty: the same year."),
                               widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    description = forms.CharField(label=_("Description"), required=False, max_length=10000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    sectors = forms.MultipleChoiceField(label=_("Sectors (none: every sector)"), required=False,
                                        choices=Sector.choices, widget=forms.CheckboxSelectMultiple)
    pilot_quota = forms.CharField(label=_("Participating units per district"), required=False, max_length=10,
                                  help_text=_("For a programme for units: the minimum of pilot units per district."),
                                  widget=forms.TextInput(attrs={"inputmode": "numeric"}))

    def __init__(self, *args, subject: str = ProgrammeSubject.CADRES, **kwargs):
        super().__init__(*args, **kwargs)
        if subject != ProgrammeSubject.UNITS:
            del self.fields["pilot_quota"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return dict(name=data["name"], start_year=data["start_year"], end_year=data["end_year"],
                    description=data["description"], sectors=data["sectors"],
                    pilot_quota=data.get("pilot_quota") or None)


class ProgrammeCreateForm(ProgrammeFieldsForm):
    """A new draft: its owner unit among the units the user manages, optionally a parent."""

    owner_unit = forms.ModelChoiceField(label=_("Owner unit"), queryset=None, empty_label=None)
    subject = forms.ChoiceField(label=_("For"), choices=ProgrammeSubject.choices, initial=ProgrammeSubject.CADRES)
    parent = forms.ModelChoiceField(label=_("Inherits from (optional)"), queryset=None, required=False,
                                    empty_label=_("None: start from an empty programme"),
                                    help_text=_("The parent's criteria are copied as a starting point; the unit "
                                                "must then add or rewrite criteria of its own."))
    field_order = ["owner_unit", "subject", "parent", "name", "start_year", "end_year", "description", "sectors",
                   "pilot_quota"]

    def __init__(self, *args, owner_units, parents, **kwargs):
        super().__init__(*args, subject=ProgrammeSubject.UNITS, **kwargs)
        self.fields["owner_unit"].queryset = owner_units
        self.fields["owner_unit"].label_from_instance = lambda unit: f"{unit.name} ({unit.get_level_display()})"
        self.fields["parent"].queryset = parents
        self.fields["parent"].label_from_instance = (
            lambda programme: f"{programme.name} · {programme.owner_unit.name} · {programme.period_label}"
        )
        self.order_fields(self.field_order)


class GroupForm(forms.Form):
    title = forms.CharField(label=_("Group title"), required=False, max_length=1000)


class CriterionForm(forms.Form):
    title = forms.CharField(label=_("Criterion"), required=False, max_length=1000)
    kind = forms.ChoiceField(label=_("Kind"), choices=CriterionKind.choices)
    target = forms.CharField(label=_("Minimum"), required=False, max_length=20,
                             widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    measure = forms.ChoiceField(label=_("Unit of measure"), required=False,
                                choices=[("", "—"), *MeasureUnit.choices])
    period = forms.ChoiceField(label=_("Per"), required=False, choices=[("", "—"), *Period.choices])
    activity_kinds = forms.MultipleChoiceField(label=_("Activities that count"), required=False,
                                               choices=ActivityKind.choices, widget=forms.CheckboxSelectMultiple)
    guidance = forms.CharField(label=_("Guidance for cadres"), required=False, max_length=10000,
                               widget=forms.Textarea(attrs={"rows": 2}))

    @classmethod
    def for_criterion(cls, criterion, **kwargs):
        initial = {name: getattr(criterion, name) for name in
                   ("title", "kind", "measure", "period", "activity_kinds", "guidance")}
        initial["target"] = "" if criterion.target is None else format(criterion.target.normalize(), "f")
        return cls(initial=initial, **kwargs)

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class AudienceForm(forms.Form):
    unit_level = forms.ChoiceField(label=_("Unit level"), required=False, choices=ANY + UnitLevel.choices)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=ANY + PositionRole.choices)
    full_time = forms.ChoiceField(label=_("Full-time cadre"), required=False, choices=TriState.choices)
    civil_servant = forms.ChoiceField(label=_("Civil servant"), required=False, choices=TriState.choices)
    applies = forms.TypedChoiceField(label=_("For this audience"), coerce=lambda value: value == "yes",
                                     choices=[("yes", _("The criterion applies")),
                                              ("no", _("The criterion does not apply"))], initial="yes")
    target = forms.CharField(label=_("Their target"), required=False, max_length=20,
                             help_text=_("Empty: the criterion's own target."),
                             widget=forms.TextInput(attrs={"inputmode": "decimal"}))

    def __init__(self, *args, subject: str = ProgrammeSubject.CADRES, quantitative: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if subject == ProgrammeSubject.UNITS:
            for name in ("role", "full_time", "civil_servant"):
                del self.fields[name]
        if not quantitative:
            del self.fields["target"]

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
