"""The inbox's filters."""

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from cadres.models import Unit
from portal.selectors import KINDS


class InboxFilterForm(forms.Form):
    """Kind and unit; a value not offered (a tampered link) is an error the page ignores."""

    kind = forms.ChoiceField(label=_("Kind"), required=False)
    unit = forms.ChoiceField(label=_("Unit"), required=False)

    def __init__(self, *args: Any, units: Iterable[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = {str(unit.pk): unit for unit in units}
        cast(forms.ChoiceField, self.fields["kind"]).choices = [("", _("Everything"))] + [
            (kind.key, kind.label) for kind in KINDS]
        cast(forms.ChoiceField, self.fields["unit"]).choices = [("", _("All units"))] + [
            (pk, unit.name) for pk, unit in self.units.items()]

    def chosen(self) -> tuple[str, Unit | None]:
        """The valid filters (call after `is_valid`): the kind's key or "", the unit or None."""
        data = getattr(self, "cleaned_data", {})
        return data.get("kind", ""), self.units.get(data.get("unit", ""))
