from django import forms
from django.utils.translation import gettext_lazy as _

from cadres.models import Breach

DATETIME = {"input_formats": ["%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
            "widget": forms.DateTimeInput(attrs={"placeholder": "dd/mm/yyyy hh:mm"}, format="%d/%m/%Y %H:%M")}


class BreachForm(forms.ModelForm):
    occurred_at = forms.DateTimeField(label=_("occurred at"), required=False, **DATETIME)  # type: ignore[arg-type]
    detected_at = forms.DateTimeField(label=_("detected at"), **DATETIME)  # type: ignore[arg-type]
    notified_at = forms.DateTimeField(label=_("authority notified at"), required=False,
                                      **DATETIME)  # type: ignore[arg-type]

    class Meta:
        model = Breach
        fields = ["title", "description", "data_categories", "occurred_at", "detected_at", "people_affected",
                  "measures", "notified_at"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "measures": forms.Textarea(attrs={"rows": 4})}
