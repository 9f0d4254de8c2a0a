from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.models import ApiScope


class ApiClientForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120,
                           help_text=_("Which system uses it, e.g. \"Phần mềm quản lý đoàn viên Trung ương\"."))
    scopes = forms.MultipleChoiceField(label=_("Scopes"), choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple)
    expires = forms.DateField(label=_("Expires on"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                              help_text=_("Empty: until revoked."))

    def clean_expires(self) -> Any:
        expires = self.cleaned_data["expires"]
        if expires is not None and expires <= timezone.localdate():
            raise forms.ValidationError(_("The expiry must be in the future."))
        return expires
