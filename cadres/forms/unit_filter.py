"""The "unit" filter of long lists (the review queue, the inbox): a search box that suggests
the matching units as one types (htmx, view `unit_suggest`) instead of a select listing
every unit of a province. Without JavaScript the typed words pick the unit when only one
matches, and the matches are offered to choose from otherwise."""

from typing import Any, NamedTuple

from django import forms
from django.utils.translation import gettext_lazy as _

from cadres.models import AnyUser, Unit
from cadres.selectors import units_to_filter_by

SUGGESTIONS = 10


class Suggestions(NamedTuple):
    units: list[Unit]  # at most SUGGESTIONS
    more: bool  # other units match too


def unit_suggestions(user: AnyUser, query: str) -> Suggestions:
    """The first units matching the query, and whether there are others."""
    found = list(units_to_filter_by(user, query)[:SUGGESTIONS + 1]) if query.strip() else []
    return Suggestions(found[:SUGGESTIONS], len(found) > SUGGESTIONS)


class UnitFilterForm(forms.Form):
    """A filter form with a unit: `unit` (an id, from a suggestion) wins over `unit_q` (the
    words typed). After `is_valid`: `chosen_unit` and `unit_matches` (offered to choose from)."""

    unit_q = forms.CharField(label=_("Unit"), required=False, max_length=100,
                             widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.chosen_unit: Unit | None = None
        self.unit_matches = Suggestions([], False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("unit"):
            self.chosen_unit = units_to_filter_by(self.user).filter(pk=data["unit"]).first()
            if self.chosen_unit is None:
                self.add_error("unit", _("Choose a unit from the list."))
        elif data.get("unit_q"):
            matches = unit_suggestions(self.user, data["unit_q"])
            if len(matches.units) == 1 and not matches.more:
                self.chosen_unit = matches.units[0]
            else:
                self.unit_matches = matches
        return data

    @property
    def unit_text(self) -> str:
        """What the search box shows: the chosen unit's name, else what was typed."""
        if self.chosen_unit:
            return self.chosen_unit.name
        return str(self.data.get("unit_q", ""))[:100]
