from django import forms
from django.utils.translation import gettext_lazy as _

from evaluations.forms.assessments import DATE_FORMATS
from evaluations.models import CommendationGround


class CommendationProposeForm(forms.Form):
    # "cadre:<id>" or "unit:<id>": a candidate's button, or the cadre picked.
    subject = forms.RegexField(regex=r"^(cadre|unit):\d+$", widget=forms.HiddenInput)
    ground = forms.ChoiceField(label=_("Ground"), choices=CommendationGround.choices)
    grounds = forms.CharField(label=_("achievements"), max_length=1000, required=False)


class CommendationDecideForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    decision_number = forms.CharField(label=_("Decision number"), max_length=100,
                                      error_messages={"required": _("Enter the number of the decision (at most 100 "
                                                                    "characters).")})
    decision_date = forms.DateField(label=_("Decision date"), input_formats=DATE_FORMATS,
                                    widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                    error_messages={"required": _("Enter the date of the decision."),
                                                    "invalid": _("Enter the date of the decision.")})


class CommendationDeclineForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(label=_("comment"), max_length=1000, required=False)
