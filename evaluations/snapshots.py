"""Flat snapshots of a form's content and the per-field diff between two of them.

A snapshot is `{"fields": {key: value}, "labels": {key: label}}` with keys such as
`planned_initiative`, `commitment.<criterion id>.target` or `result.<criterion id>.result`:
the same keys autosave writes and return comments sit beside, and self-describing, so
any two revisions compare without reading the programme again.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from evaluations.models import Registration, ResultOutcome, SelfAssessment, UnitRegistration, UnitSelfAssessment

REGISTRATION_FIELDS = ("planned_initiative",)
HEADER_FIELDS = ("full_name", "birth_date", "union_position", "job_title", "unit_name")
COMMITMENT_FIELDS = ("text", "target", "measures")
ASSESSMENT_FIELDS = ("strengths", "weaknesses", "causes", "remedies", "gains_people", "gains_work",
                     "gains_organisation", "gains_public", "self_rating")
UNIT_ASSESSMENT_FIELDS = ("strengths", "weaknesses", "remedies")
RESULT_FIELDS = ("outcome", "result", "actual_value", "change_reason")
# {"fields": {key: value}, "labels": {key: label}}
Snapshot = dict[str, Any]


def plain(value):
    """JSON-safe, comparable: decimals without trailing zeros, dates as ISO text."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _label(model, field: str) -> str:
    return str(model._meta.get_field(field).verbose_name)


def _snapshot(form, names: tuple[str, ...]) -> Snapshot:
    fields = {name: plain(getattr(form, name)) for name in names}
    return {"fields": fields, "labels": {name: _label(type(form), name) for name in names}}


def _add_commitments(snapshot: Snapshot, registration) -> Snapshot:
    fields, labels = snapshot["fields"], snapshot["labels"]
    for commitment in registration.commitments.select_related("criterion").order_by("position", "id"):
        for name in COMMITMENT_FIELDS:
            key = f"commitment.{commitment.criterion_id}.{name}"
            fields[key] = plain(getattr(commitment, name))
            labels[key] = f"{commitment.criterion.title} – {_label(type(commitment), name)}"
    return snapshot


def _add_results(snapshot: Snapshot, results, with_evidence: bool) -> Snapshot:
    fields, labels = snapshot["fields"], snapshot["labels"]
    for result in results.order_by("commitment__position", "id"):
        title = result.commitment.criterion.title
        # Only a yes/no criterion or a prohibition has an outcome.
        for name in RESULT_FIELDS if result.takes_outcome else RESULT_FIELDS[1:]:
            key = f"result.{result.commitment.criterion_id}.{name}"
            fields[key] = plain(getattr(result, name))
            labels[key] = f"{title} – {_label(type(result), name)}"
        if with_evidence:
            key = f"result.{result.commitment.criterion_id}.evidence"
            fields[key] = sorted(evidence.original_name for evidence in result.evidence.all())
            labels[key] = f"{title} – {_('evidence')}"
    return snapshot


def registration_snapshot(registration: Registration) -> Snapshot:
    return _add_commitments(_snapshot(registration, HEADER_FIELDS + REGISTRATION_FIELDS), registration)


def self_assessment_snapshot(assessment: SelfAssessment) -> Snapshot:
    results = assessment.results.select_related("commitment__criterion").prefetch_related("evidence")
    return _add_results(_snapshot(assessment, ASSESSMENT_FIELDS), results, with_evidence=True)


def unit_registration_snapshot(registration: UnitRegistration) -> Snapshot:
    return _add_commitments(_snapshot(registration, ("unit_name",)), registration)


def unit_self_assessment_snapshot(assessment: UnitSelfAssessment) -> Snapshot:
    results = assessment.results.select_related("commitment__criterion")
    return _add_results(_snapshot(assessment, UNIT_ASSESSMENT_FIELDS), results, with_evidence=False)


@dataclass(frozen=True)
class FieldChange:
    key: str
    label: str
    before: object
    after: object


def diff_snapshots(before: dict | None, after: dict | None) -> list[FieldChange]:
    """Fields whose value differs, in the order of the later snapshot (then removed ones)."""
    before, after = before or {"fields": {}, "labels": {}}, after or {"fields": {}, "labels": {}}
    old, new = before["fields"], after["fields"]
    labels = {**before["labels"], **after["labels"]}
    keys = list(new) + [key for key in old if key not in new]
    return [FieldChange(key, labels.get(key, key), _shown(key, old.get(key)), _shown(key, new.get(key)))
            for key in keys if old.get(key) != new.get(key)]


def _shown(key: str, value: object) -> object:
    """A stored code as the reader sees it: an outcome by its label ("Vi phạm")."""
    if key.endswith(".outcome") and value in ResultOutcome.values:
        return str(ResultOutcome(value).label)
    return value
