"""Forms of the reports pages. Lengths are checked here for field messages; the services
check them again, with the version, state and permission."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import ReportFileKind
from reports.services.unit_reports import MAX_LENGTHS


class VersionForm(forms.Form):
    """The report's version as the page showed it: a stale one is refused by the service."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def version_or_stale(self):
        return self.cleaned_data.get("version") if self.is_valid() else -1


class UnitReportForm(VersionForm):
    document_number = forms.CharField(label=_("Document number"), required=False,
                                      max_length=MAX_LENGTHS["document_number"],
                                      help_text=_("As in “Số: 12-BC/HĐTN”: only the 12."))
    achievements = forms.CharField(label=_("Results achieved"), required=False, max_length=MAX_LENGTHS["achievements"],
                                   widget=forms.Textarea(attrs={"rows": 8}))
    limitations = forms.CharField(label=_("Limitations"), required=False, max_length=MAX_LENGTHS["limitations"],
                                  widget=forms.Textarea(attrs={"rows": 5}))
    proposals = forms.CharField(label=_("Proposals"), required=False, max_length=MAX_LENGTHS["proposals"],
                                widget=forms.Textarea(attrs={"rows": 5}))
    # Offered beside the rates when they are below the threshold; the service refuses without it.
    confirm_low_rates = forms.BooleanField(label=_("I have seen these rates and submit the report anyway"),
                                           required=False)

    NARRATIVE = ("document_number", "achievements", "limitations", "proposals")

    def narrative(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.NARRATIVE}

    def narrative_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.NARRATIVE]


class ReturnForm(VersionForm):
    comment = forms.CharField(label=_("What the unit needs to change"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 4}))


class FileRequestForm(forms.Form):
    kind = forms.ChoiceField(choices=ReportFileKind.choices)
