"""Forms of the registration, review and cycle pages. They parse and render; the rules and
their Vietnamese refusals live in the services, whose ValidationErrors are put back on the
form with `add_service_errors`."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cadres.forms.unit_filter import UnitFilterForm
from evaluations.models import DeadlineKind, RegistrationState
from evaluations.services.cycles import DATE_FIELDS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal on the form: keyed messages beside their field, others on top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def date_field(label) -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=DATE_WIDGET,
                           input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                           error_messages={"invalid": _("Enter a date as dd/mm/yyyy.")})


class CycleDatesForm(forms.Form):
    """The four dates of a cycle; empty fields keep the defaults the page shows."""

    registration_closes = date_field(_("Registration closes"))
    self_assessment_due = date_field(_("Self-assessment due"))
    review_due = date_field(_("Review due"))
    unit_report_due = date_field(_("Unit report due"))

    def dates(self) -> dict:
        return {key: self.cleaned_data[key] for key in DATE_FIELDS if self.cleaned_data.get(key)}


class CycleReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("Say why the cycle is reopened: it is recorded with the "
                                                           "figures.")})


class CycleOpenForm(CycleDatesForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100,
                              error_messages={"invalid": _("Enter a year such as 2025."),
                                              "min_value": _("Enter a year such as 2025."),
                                              "max_value": _("Enter a year such as 2025."),
                                              "required": _("Enter a year such as 2025.")},
                              widget=forms.NumberInput(attrs={"inputmode": "numeric"}))

    field_order = ["year"]


class UnitDeadlineForm(forms.Form):
    kind = forms.ChoiceField(label=_("Deadline"), choices=DeadlineKind.choices)
    date = date_field(_("Date"))

    def clean_date(self):
        if self.cleaned_data["date"] is None:
            raise ValidationError(_("Choose a date."))
        return self.cleaned_data["date"]


class ExtensionForm(forms.Form):
    cadre = forms.ModelChoiceField(label=_("Cadre"), queryset=None,
                                   error_messages={"invalid_choice": _("Choose a cadre of this unit."),
                                                   "required": _("Choose a cadre of this unit.")})
    kind = forms.ChoiceField(label=_("Deadline"), choices=DeadlineKind.choices)
    until = date_field(_("Extended until"))
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)

    def __init__(self, *args, cadres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadres
        self.fields["cadre"].label_from_instance = lambda cadre: cadre.full_name

    def clean_until(self):
        if self.cleaned_data["until"] is None:
            raise ValidationError(_("Choose a date from today on."))
        return self.cleaned_data["until"]


class ReviewFilterForm(UnitFilterForm):
    """The queue's filters; anything unknown falls back to "all" rather than an error."""

    state = forms.ChoiceField(required=False, choices=[("", "")] + [
        choice for choice in RegistrationState.choices if choice[0] != RegistrationState.DRAFT])
    q = forms.CharField(label=_("Search by name"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))
    cycle = forms.ChoiceField(label=_("Cycle"), required=False)

    def __init__(self, *args, user, cycles, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["cycle"].choices = [(cycle.pk, cycle.year) for cycle in cycles]
