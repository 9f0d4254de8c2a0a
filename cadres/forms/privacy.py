from django import forms
from django.utils.translation import gettext_lazy as _

from cadres.models import DataRequestKind


class DataRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("What do you ask for?"), choices=DataRequestKind.choices,
                             widget=forms.RadioSelect)
    body = forms.CharField(label=_("Details"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("For a correction: what is wrong and what it should say. "
                                       "For an erasure: why."))


class DataRequestAnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class DataRequestDecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve and de-identify")), ("refuse", _("Refuse"))])
    reason = forms.CharField(label=_("Reason (required to refuse)"), max_length=5000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
