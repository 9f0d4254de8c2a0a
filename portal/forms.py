"""Forms of the pages that gather several apps: the audit trail's and the inbox's filters."""

import datetime
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from cadres.forms.unit_filter import UnitFilterForm
from cadres.models import AnyUser, Unit
from portal.audit import action_choices
from portal.selectors import KINDS

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _day(label: Any) -> forms.DateField:
    return forms.DateField(label=label, required=False, input_formats=DATE_FORMATS,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                           error_messages={"invalid": _("Enter a date as dd/mm/yyyy.")})


class AuditFilterForm(forms.Form):
    """The audit trail's filters: one kind of action, a range of days (both ends included)."""

    action = forms.ChoiceField(label=_("Action"), required=False, choices=action_choices,
                               error_messages={"invalid_choice": _("Choose one of the listed actions.")})
    since = _day(_("From"))
    until = _day(_("To"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since: datetime.date | None = data.get("since")
        until: datetime.date | None = data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return data

    def filters(self) -> dict[str, Any]:
        """What to narrow the trail by; nothing while the form is invalid (the page says why)."""
        if not self.is_valid():
            return {}
        return {"action": self.cleaned_data["action"], "since": self.cleaned_data["since"],
                "until": self.cleaned_data["until"]}


class InboxFilterForm(UnitFilterForm):
    """Kind and unit; a value not offered (a tampered link) is an error the page ignores."""

    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [("", _("Everything"))] + [
            (kind.key, kind.label) for kind in KINDS]

    def chosen(self) -> tuple[str, Unit | None]:
        """The valid filters (call after `is_valid`): the kind's key or "", the unit or None."""
        data = getattr(self, "cleaned_data", {})
        return data.get("kind", ""), self.chosen_unit
