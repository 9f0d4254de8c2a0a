"""The autosaved fields of a draft as Django forms: the registration (a1 ĐKCT01) and the
self-assessment (a2 KĐCT01), their per-criterion fields built in `__init__` from the
draft's commitments or results.

A field is named by the key its snapshot uses (`planned_initiative`,
`commitment.<criterion id>.text`, `result.<criterion id>.actual_value`, …) and knows the
row and attribute it is stored in. The page renders the fields with their autosave
attributes (htmx posts one field at a time, with its version); the autosave service cleans
a value with the same field (`DraftForm.cleaned`), so the page and the service refuse alike.
The form is always bound: to the stored values, with what was posted on top, so that a
refused submission shows everything the person typed."""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.boundfield import BoundField
from django.urls import reverse
from django.utils.translation import gettext as _, gettext_lazy

from cadres.forms.fields import DecimalText, TextField
from evaluations.kinds import kind_of
from evaluations.models import Commitment, Rating, Registration, ResultOutcome, SelfAssessment
from evaluations.templatetags.assessment_ui import amount
from models_registry.models import CriterionKind
from models_registry.templatetags.programmes import target_text

TEXT_FIELDS = ("strengths", "weaknesses", "causes", "remedies")
GAINS_FIELDS = ("gains_people", "gains_work", "gains_organisation", "gains_public")
MAX_TARGET = Decimal("99999")
MAX_VALUE = Decimal("9999999")
NUMBER = gettext_lazy("Enter a number, such as 2 or 2,5.")
CHOICE = gettext_lazy("Choose one of the listed options.")
YES_NO = [("", "—"), ("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]
# The result text of each kind of criterion: (label, help); a qualitative one is the cadre's own account.
RESULT_TEXT = {
    CriterionKind.QUALITATIVE: (gettext_lazy("What you achieved"),
                                gettext_lazy("Required: describe what you did for this commitment.")),
    CriterionKind.QUANTITATIVE: (gettext_lazy("What you achieved"),
                                 gettext_lazy("Required: describe what you did for this commitment.")),
    CriterionKind.YES_NO: (gettext_lazy("Details"), gettext_lazy("Optional: what you did, when.")),
    CriterionKind.PROHIBITION: (gettext_lazy("What happened"),
                                gettext_lazy("Required only if you broke it: when and what happened.")),
}


# One-line hints under the registration's fields: what a good commitment and good measures
# look like. The programmes ask for commitments that are concrete and verifiable, not
# "general reports without evidence" (seed 002), so the hint turns the criterion's own
# guidance, printed above the fields, into the cadre's work.
COMMITMENT_HINT = gettext_lazy("A good commitment makes the guidance above your own: what you will do, when and how "
                               "far, so it can be checked at the year's end.")
COMMITMENT_HINT_UNGUIDED = gettext_lazy("A good commitment is concrete: what you will do for this criterion, when and "
                                        "how far, so it can be checked at the year's end.")
PROHIBITION_HINT = gettext_lazy("Say how you will keep to it: in which tasks and on which occasions. At the year's end "
                                "you say whether you kept it.")
MEASURES_HINT = gettext_lazy("Measures are how: the steps, on what schedule (each week, each month), with whom, and "
                             "where you record them.")
MEASURES_HINT_QUANTITATIVE = gettext_lazy("Measures are how you reach the target: which activities, on what schedule; "
                                          "log each one under Activities so it counts.")


def guidance_dom_id(criterion_id: int) -> str:
    """The id of the criterion's guidance on the registration's pages (its fields point at it)."""
    return f"guidance-{criterion_id}"


def commitment_hints(criterion) -> tuple[str, str]:
    """(the commitment's hint, the measures' hint) for a criterion, by its kind and guidance."""
    if criterion.kind == CriterionKind.PROHIBITION:
        commitment = PROHIBITION_HINT
    else:
        commitment = COMMITMENT_HINT if criterion.guidance.strip() else COMMITMENT_HINT_UNGUIDED
    measures = MEASURES_HINT_QUANTITATIVE if criterion.kind == CriterionKind.QUANTITATIVE else MEASURES_HINT
    return str(commitment), str(measures)


def dom_id(key: str) -> str:
    return "f-" + re.sub(r"[^a-z0-9_]", "-", key)


def shown(value) -> str:
    """A stored value as an input or a select holds it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not isinstance(value, str):
        return amount(value)
    return value


def unknown_field(field: str) -> ValidationError:
    return ValidationError({field: _("This field does not belong to this form; reload the page.")})


def is_radio(field: forms.Field) -> bool:
    return isinstance(field.widget, forms.RadioSelect)


class AutosaveField(BoundField):
    """A field as the autosave page draws it: its id from the key, its version, and the
    save state, help and error it is described by."""

    @property
    def auto_id(self) -> str:
        return dom_id(self.html_name)

    @property
    def version(self) -> int:
        return self.form.draft.field_versions.get(self.html_name, 0)

    @property
    def aria_describedby(self) -> str:
        ids = [f"st-{self.auto_id}", *self.form.described_by.get(self.html_name, ())]
        if self.help_text:
            ids.append(f"{self.auto_id}-help")
        if self.errors:
            ids.append(f"{self.auto_id}-error")
        return " ".join(ids)


class DraftForm(forms.Form):
    bound_field_class = AutosaveField
    autosave_url = ""  # the URL name that saves one field
    storage_prefix = ""  # the browser's local copy of unsaved text is kept under this name

    def __init__(self, draft, posted=None, errors: dict | None = None):
        super().__init__(data={}, label_suffix="")
        self.draft = draft
        self.rows: dict[str, tuple[models.Model, str]] = {}  # key -> (the row it is stored in, the attribute)
        self.groups: dict[str, str] = {}  # key -> what it belongs to, for the error summary
        self.described_by: dict[str, tuple[str, ...]] = {}  # key -> ids of text on the page that describes it
        self.add_fields()
        self.data = {key: field.initial for key, field in self.fields.items()}
        self.data.update({key: posted[key] for key in self.fields if posted and key in posted})
        for key, message in (errors or {}).items():
            if key not in self.fields or not self.has_error(key):
                self.add_error(key if key in self.fields else None, message)

    def add_fields(self) -> None:
        raise NotImplementedError

    def add(self, key: str, field: forms.Field, row: models.Model, attribute: str, *, size: dict | None = None,
            group: str = "") -> None:
        """Field `key`, stored in `row.attribute`, with the attributes htmx posts it by;
        `group` names what it belongs to (its criterion) where its label alone does not."""
        select = isinstance(field.widget, (forms.Select, forms.RadioSelect))
        target = f"#st-{dom_id(key)}"
        if is_radio(field):
            # Each radio of the group is saved under the group's save state (autosave.js).
            field.widget.attrs["data-group"] = dom_id(key)
        field.widget.attrs.update({
            **(size or {}), "class": " ".join(["autosave", *(size or {}).get("class", "").split()]),
            "data-form": f"{self.storage_prefix}-{self.draft.pk}", "data-field": key,
            "data-hx-post": reverse(self.autosave_url, args=[self.draft.pk]),
            # `change`, not `blur`: leaving a field saves it only when it was edited, so tabbing
            # through a form sends nothing.
            "data-hx-trigger": ("change" if select else "input changed delay:800ms, change") + ", autosave-retry",
            "data-hx-vals": f'{{"field": "{key}"}}', "data-hx-include": f"{target} input", "data-hx-target": target,
            "data-hx-swap": "outerHTML", "data-hx-sync": "this:queue last",
        })
        field.initial = shown(getattr(row, attribute))
        self.fields[key] = field
        self.rows[key] = (row, attribute)
        self.groups[key] = group

    def error_summary(self) -> list[tuple[str, str]]:
        """(the field's id, "Criterion – label: message") for each field in error, in the
        page's order, the form's own errors first (no id): the links above the form."""
        summary = [("", " ".join(self.non_field_errors()))] if self.non_field_errors() else []
        for key in self.fields:
            if self.has_error(key):
                name = " – ".join(part for part in (self.groups[key], str(self.fields[key].label)) if part)
                # A radio group is reached through its first radio.
                target = dom_id(key) + ("_0" if is_radio(self.fields[key]) else "")
                summary.append((target, f"{name}: {' '.join(self.errors[key])}"))
        return summary

    def cleaned(self, key: str, value: object) -> tuple[models.Model, str, object]:
        """The row and attribute of `key` and `value` cleaned by its field; a key that is
        not on this form, or a value its field refuses, raises a ValidationError keyed by it."""
        if key not in self.fields:
            raise unknown_field(key)
        try:
            cleaned = self.fields[key].clean(value)
        except ValidationError as error:
            raise ValidationError({key: error.messages}) from None
        return (*self.rows[key], cleaned)


def _textarea() -> forms.Textarea:
    widget = forms.Textarea(attrs={"rows": 3})
    del widget.attrs["cols"]  # the stylesheet sizes it
    return widget


class RegistrationDraftForm(DraftForm):
    """The registration's commitments (text; target for a quantitative criterion; measures)
    and the planned initiative."""

    autosave_url, storage_prefix = "registration_autosave", "reg"

    def add_fields(self) -> None:
        registration: Registration = self.draft
        self.commitments = list(registration.commitments.select_related("criterion"))
        for commitment in self.commitments:
            key, kind = f"commitment.{commitment.criterion_id}", commitment.criterion.kind
            title = commitment.criterion.title
            commitment_hint, measures_hint = commitment_hints(commitment.criterion)
            self.add(f"{key}.text", TextField(label=_("Your commitment, in your own words"), max_length=2000,
                                              required=False, widget=_textarea(), help_text=commitment_hint),
                     commitment, "text", group=title)
            if commitment.criterion.guidance.strip():
                self.described_by[f"{key}.text"] = (guidance_dom_id(commitment.criterion_id),)
            if kind == CriterionKind.QUANTITATIVE:
                minimum = target_text(commitment.criterion, commitment.minimum)
                self.add(f"{key}.target", DecimalText(
                    label=_("Your target"), required=False, min_value=Decimal(0), max_value=MAX_TARGET, places=2,
                    validators=[_at_least(commitment)], error_messages={"invalid": NUMBER},
                    help_text=_("Not lower than the minimum: %(minimum)s.") % {"minimum": minimum.lower()}
                    if minimum else ""), commitment, "target", size={"inputmode": "decimal", "size": "8"}, group=title)
            # Stored for every kind; the page asks for measures where they make sense (`shown_keys`).
            self.add(f"{key}.measures", TextField(label=_("How you will do it (measures)"), max_length=2000,
                                                  required=False, widget=_textarea(), help_text=measures_hint),
                     commitment, "measures", group=title)
        self.add("planned_initiative", TextField(label=_("Planned initiative (title)"), max_length=300,
                                                 required=False, help_text=_("Optional: the sáng kiến you plan "
                                                                             "this year.")),
                 registration, "planned_initiative")

    def shown_keys(self, commitment: Commitment) -> list[str]:
        key, kind = f"commitment.{commitment.criterion_id}", commitment.criterion.kind
        keys = [f"{key}.text"]
        if kind == CriterionKind.QUANTITATIVE:
            keys.append(f"{key}.target")
        if kind in (CriterionKind.QUALITATIVE, CriterionKind.QUANTITATIVE):
            keys.append(f"{key}.measures")
        return keys


def below_minimum(commitment: Commitment) -> str:
    return _("The programme asks for at least %(min)s; your target cannot be lower.") % {
        "min": format(commitment.minimum.normalize(), "f")}


def _at_least(commitment: Commitment):
    def check(target: Decimal) -> None:
        if commitment.minimum is not None and target < commitment.minimum:
            raise ValidationError(below_minimum(commitment))
    return check


class SelfAssessmentDraftForm(DraftForm):
    """Each result by its criterion's kind (`result_keys`): the outcome of a yes/no
    criterion or a prohibition, what was achieved (or, for a broken prohibition, what
    happened), the actual value of a quantitative one and the reason it differs from the
    log; then the four texts, the "4 được" and the self-rating. `progress` (commitment id →
    progress from the log over the form's counted period) words the actual value's help."""

    autosave_url, storage_prefix = "self_assessment_autosave", "sa"

    def __init__(self, draft, posted=None, errors=None, progress: dict | None = None):
        self.progress = progress or {}
        super().__init__(draft, posted, errors)

    def add_fields(self) -> None:
        assessment: SelfAssessment = self.draft
        self.results = list(assessment.results.select_related("commitment__criterion").prefetch_related("evidence"))
        for result in self.results:
            key, criterion = f"result.{result.commitment.criterion_id}", result.commitment.criterion
            title = criterion.title
            outcomes = ResultOutcome.for_kind(criterion.kind)
            if outcomes:
                self.add(f"{key}.outcome", forms.ChoiceField(
                    label=_("Outcome"), choices=[(outcome.value, outcome.label) for outcome in outcomes],
                    required=False, widget=forms.RadioSelect, error_messages={"invalid_choice": CHOICE}),
                    result, "outcome", group=title)
            label, help_text = RESULT_TEXT.get(criterion.kind, RESULT_TEXT[CriterionKind.QUALITATIVE])
            self.add(f"{key}.result", TextField(label=label, max_length=4000, required=False, widget=_textarea(),
                                                help_text=help_text), result, "result", group=title)
            progress = self.progress.get(result.commitment_id)
            if result.computed_value is None:
                computed = _("Your activity log has nothing for this yet.")
            elif progress is not None:
                computed = _("From your activity log: %(value)s.") % {"value": progress.actual_text}
            else:
                computed = _("From your activity log: %(value)s.") % {"value": amount(result.computed_value)}
            self.add(f"{key}.actual_value", DecimalText(
                label=_("Actual value"), required=False, min_value=Decimal(0), max_value=MAX_VALUE, places=2,
                error_messages={"invalid": NUMBER},
                help_text=f"{computed} " + _("If you change it, say why in the box below.")),
                result, "actual_value", size={"inputmode": "decimal", "class": "short"}, group=title)
            self.add(f"{key}.change_reason", TextField(
                label=_("Reason for the change"), max_length=500, required=False,
                help_text=_("Required only when the actual value differs from the activity log.")),
                result, "change_reason", group=title)
        year = kind_of(assessment).is_yearly
        for name in TEXT_FIELDS:
            self.add(name, TextField(label=_verbose(name), max_length=4000, required=False, widget=_textarea(),
                                     help_text=_("Required.") if year and name in ("strengths", "weaknesses") else ""),
                     assessment, name)
        for name in GAINS_FIELDS:
            self.add(name, forms.TypedChoiceField(label=_verbose(name), choices=YES_NO, required=False,
                                                  coerce=lambda value: value == "yes", empty_value=None,
                                                  error_messages={"invalid_choice": CHOICE}), assessment, name)
        self.add("self_rating", forms.ChoiceField(label=_("Your self-rating"), choices=[("", "—"), *Rating.choices],
                                                  required=False, help_text=_("Required: one of the four levels."),
                                                  error_messages={"invalid_choice": CHOICE}), assessment, "self_rating")

    def result_keys(self, result) -> list[str]:
        """The fields the page asks for, by the criterion's kind."""
        key, kind = f"result.{result.commitment.criterion_id}", result.commitment.criterion.kind
        if kind == CriterionKind.QUANTITATIVE:
            return [f"{key}.result", f"{key}.actual_value", f"{key}.change_reason"]
        if ResultOutcome.for_kind(kind):
            return [f"{key}.outcome", f"{key}.result"]
        return [f"{key}.result"]

    def general_keys(self) -> dict[str, list[str]]:
        """The form-wide fields the page asks for: the four texts; for the year, the
        "4 được" (civil servants only) and the self-rating."""
        year = kind_of(self.draft).is_yearly
        return {"texts": list(TEXT_FIELDS),
                "gains": list(GAINS_FIELDS) if year and self.draft.cadre.is_civil_servant else [],
                "rating": ["self_rating"] if year else []}


def _verbose(name: str) -> str:
    return str(SelfAssessment._meta.get_field(name).verbose_name).capitalize()
