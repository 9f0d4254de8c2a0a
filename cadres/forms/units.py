"""The unit pages' inputs: create, edit, move, merge, split, archive. Choices offer only
units the manager may use; the services check everything again."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, Sector, Unit, UnitLevel
from cadres.services.reorganise import NewUnit


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{'— ' * max(obj.depth - 2, 0)}{obj.name} ({obj.code})"


def _levels_below(level: str) -> list[tuple[str, Any]]:
    return [(value, label) for value, label in UnitLevel.choices if UnitLevel.rank(value) > UnitLevel.rank(level)]


def _sector_field() -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Sector"), choices=[("", _("(none)")), *Sector.choices], required=False)


class VersionsField(forms.CharField):
    """The versions of the units the page showed ("id:version,…"), so a change made by
    someone else in between is refused."""

    widget = forms.HiddenInput

    def to_python(self, value: Any) -> dict[int, int]:  # type: ignore[override]
        try:
            return {int(pk): int(version) for pk, version in
                    (pair.split(":") for pair in str(value or "").split(",") if pair)}
        except ValueError:
            return {}


def versions_of(units: list[Unit]) -> str:
    return ",".join(f"{unit.pk}:{unit.lock_version}" for unit in units)


class ReorganiseForm(forms.Form):
    versions = VersionsField(required=False)


class UnitCreateForm(ReorganiseForm):
    code = forms.CharField(label=_("Code"), max_length=40, help_text=_("Short code, unique in the province."))
    name = forms.CharField(label=_("Name"), max_length=200)
    level = forms.ChoiceField(label=_("Level"))
    sector = _sector_field()

    def __init__(self, *args: Any, parent: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = _levels_below(parent.level)  # type: ignore[attr-defined]
        self.fields["sector"].initial = parent.sector


class UnitEditForm(ReorganiseForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    level = forms.ChoiceField(label=_("Level"))
    sector = _sector_field()

    def __init__(self, *args: Any, unit: Unit, parent: Unit | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = (_levels_below(parent.level) if parent  # type: ignore[attr-defined]
                                        else UnitLevel.choices)


class UnitMoveForm(ReorganiseForm):
    parent = UnitChoice(label=_("New parent unit"), queryset=Unit.objects.none(),
                        help_text=_("Units of a higher level that you manage, outside this unit."))

    def __init__(self, *args: Any, candidates: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = candidates  # type: ignore[attr-defined]


class UnitMergeForm(ReorganiseForm):
    INTO_NEW, INTO_THIS = "new", "this"
    others = forms.ModelMultipleChoiceField(label=_("Merge with"), queryset=Unit.objects.none(),
                                            widget=forms.CheckboxSelectMultiple)
    into = forms.ChoiceField(label=_("Into"), widget=forms.RadioSelect, initial=INTO_NEW, choices=[
        (INTO_NEW, _("a new unit (all of them are archived)")),
        (INTO_THIS, _("this unit (the others are archived)")),
    ])
    code = forms.CharField(label=_("Code of the new unit"), max_length=40, required=False)
    name = forms.CharField(label=_("Name of the new unit"), max_length=200, required=False)

    def __init__(self, *args: Any, candidates: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["others"].queryset = candidates  # type: ignore[attr-defined]

    def new_unit(self) -> NewUnit | None:
        data = self.cleaned_data
        return NewUnit(data["code"], data["name"]) if data["into"] == self.INTO_NEW else None


class UnitSplitForm(ReorganiseForm):
    """The new units (`parts` rows of code and name), then for each sub-unit and each cadre
    of the unit the new unit it goes to (chosen by row number)."""

    def __init__(self, *args: Any, parts: int, children: list[Unit], cadres: list[Cadre], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parts, self.children, self.cadres = parts, children, cadres
        places = [("", "—"), *[(str(i), _("New unit %(n)s") % {"n": i}) for i in range(1, parts + 1)]]
        for i in range(1, parts + 1):
            self.fields[f"part_{i}_code"] = forms.CharField(label=_("Code"), max_length=40)
            self.fields[f"part_{i}_name"] = forms.CharField(label=_("Name"), max_length=200)
        for child in children:
            self.fields[f"unit_{child.pk}"] = forms.ChoiceField(label=child.name, choices=places, required=False)
        for cadre in cadres:
            self.fields[f"cadre_{cadre.pk}"] = forms.ChoiceField(label=cadre.full_name, choices=places,
                                                                 required=False)

    def part_rows(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [(i, self[f"part_{i}_code"], self[f"part_{i}_name"]) for i in range(1, self.parts + 1)]

    def unit_fields(self) -> list[forms.BoundField]:
        return [self[f"unit_{child.pk}"] for child in self.children]

    def cadre_fields(self) -> list[forms.BoundField]:
        return [self[f"cadre_{cadre.pk}"] for cadre in self.cadres]

    def plan(self) -> dict[str, Any]:
        """The service's arguments; an unplaced row is left out, for the service to name."""
        data = self.cleaned_data
        codes = {str(i): data[f"part_{i}_code"].strip() for i in range(1, self.parts + 1)}
        return {
            "parts": [NewUnit(codes[str(i)], data[f"part_{i}_name"]) for i in range(1, self.parts + 1)],
            "children": {child.code: codes[data[f"unit_{child.pk}"]] for child in self.children
                         if data[f"unit_{child.pk}"]},
            "cadres": {cadre.pk: codes[data[f"cadre_{cadre.pk}"]] for cadre in self.cadres
                       if data[f"cadre_{cadre.pk}"]},
        }


class UnitArchiveForm(ReorganiseForm):
    transfer_to = UnitChoice(label=_("Its cadres and their open forms go to"), queryset=Unit.objects.none(),
                             required=False, help_text=_("Required when the unit still has open forms."))

    def __init__(self, *args: Any, candidates: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["transfer_to"].queryset = candidates  # type: ignore[attr-defined]
