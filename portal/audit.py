"""How the audit trail reads to a person: Vietnamese labels for the action codes (the one
table of them, grouped as the filter lists them), and each row's before → after from its
`data`, with the field names and values of the model it is about.

A code missing from the table reads as itself, so a new action shows up before it has a
label; tests/portal/test_audit.py fails until every code the services write has one.
"""

import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _, gettext_lazy, pgettext_lazy
from openpyxl import Workbook

from cadres.models import AuditEvent
from cadres.text import display_phone
from office.xlsx import write_sheet

# (group, [(action code, label), ...]), in the order the filter lists them.
ACTION_GROUPS: list[tuple[Promise, list[tuple[str, Promise]]]] = [
    (gettext_lazy("Units"), [
        ("tenant.create", gettext_lazy("Province created")),
        ("unit.create", gettext_lazy("Unit created")),
        ("unit.update", gettext_lazy("Unit changed")),
        ("unit.move", gettext_lazy("Unit moved")),
        ("unit.merge", gettext_lazy("Units merged")),
        ("unit.split", gettext_lazy("Unit split")),
        ("unit.archive", gettext_lazy("Unit archived")),
        ("unit.invite_all", gettext_lazy("Invitations sent to the unit's cadres")),
        ("unit.join_code_regenerate", gettext_lazy("Join code renewed")),
        ("import.units", gettext_lazy("Units imported from Excel")),
        ("import.cadres", gettext_lazy("Cadres imported from Excel")),
        ("import.queue", gettext_lazy("Excel import queued")),
    ]),
    (gettext_lazy("Cadres and positions"), [
        ("cadre.create", gettext_lazy("Cadre added")),
        ("cadre.update", gettext_lazy("Cadre's profile changed")),
        ("cadre.invite", gettext_lazy("Invitation queued")),
        ("cadre.invite_sent", gettext_lazy("Invitation email sent")),
        ("cadre.invite_failed", gettext_lazy("Invitation email could not be sent")),
        ("position.create", gettext_lazy("Position assigned")),
        ("position.end", gettext_lazy("Position ended")),
        ("join_request.create", gettext_lazy("Asked to join with a join code")),
        ("join_request.approved", gettext_lazy("Join request confirmed")),
        ("join_request.rejected", gettext_lazy("Join request rejected")),
    ]),
    (gettext_lazy("Programmes"), [
        ("programme.create", gettext_lazy("Programme created")),
        ("programme.update", gettext_lazy("Programme details changed")),
        ("programme.group_create", gettext_lazy("Criteria group added")),
        ("programme.group_update", gettext_lazy("Criteria group changed")),
        ("programme.group_delete", gettext_lazy("Criteria group removed")),
        ("programme.groups_reorder", gettext_lazy("Criteria groups reordered")),
        ("programme.criterion_create", gettext_lazy("Criterion added")),
        ("programme.criterion_update", gettext_lazy("Criterion changed")),
        ("programme.criterion_delete", gettext_lazy("Criterion removed")),
        ("programme.criteria_reorder", gettext_lazy("Criteria reordered")),
        ("programme.audience_set", gettext_lazy("Target for an audience set")),
        ("programme.audience_delete", gettext_lazy("Target for an audience removed")),
        ("programme.participant_add", gettext_lazy("Participating unit added")),
        ("programme.participant_remove", gettext_lazy("Participating unit removed")),
        ("programme.indicator_set", gettext_lazy("Programme indicator set")),
        ("programme.indicator_delete", gettext_lazy("Programme indicator removed")),
        ("programme.delete_draft", gettext_lazy("Draft programme deleted")),
        ("programme.publish", gettext_lazy("Programme published")),
        ("programme.archive", gettext_lazy("Programme archived")),
        ("programme.new_version", gettext_lazy("New programme version started")),
        ("registry_settings.update", gettext_lazy("Programme settings changed")),
    ]),
    (gettext_lazy("Cycles and deadlines"), [
        ("cycle.open", gettext_lazy("Cycle opened")),
        ("cycle.update", gettext_lazy("Cycle dates changed")),
        ("cycle.close", gettext_lazy("Cycle closed")),
        ("cycle.reopen", gettext_lazy("Cycle reopened")),
        ("cycle.deadline_set", gettext_lazy("Unit deadline set")),
        ("cycle.extension_grant", gettext_lazy("Extension granted")),
        ("evaluation_settings.update", gettext_lazy("Evaluation settings changed")),
    ]),
    (gettext_lazy("Registrations (ĐKCT01)"), [
        ("registration.create", gettext_lazy("Registration started")),
        ("registration.submit", gettext_lazy("Registration submitted")),
        ("registration.resubmit", gettext_lazy("Registration resubmitted")),
        ("registration.return", gettext_lazy("Registration returned for changes")),
        ("registration.approve", gettext_lazy("Registration approved")),
        ("registration.amend", gettext_lazy("Registration amendment opened")),
        ("registration.superseded", gettext_lazy("Registration replaced by its amendment")),
        ("registration.nudge", gettext_lazy("Reminded to register")),
        ("registration.close", gettext_lazy("Registration closed: its programme no longer applies")),
        ("registration.reopen", gettext_lazy("Closed registration reopened: its programme applies again")),
        ("registration.carry_over", gettext_lazy("Commitments carried over from a closed registration")),
    ]),
    (gettext_lazy("Self-assessments (KĐCT01)"), [
        ("self_assessment.create", gettext_lazy("Self-assessment started")),
        ("self_assessment.follow", gettext_lazy("Self-assessment moved to the approved amendment")),
        ("selfassessment.submit", gettext_lazy("Self-assessment submitted")),
        ("selfassessment.resubmit", gettext_lazy("Self-assessment resubmitted")),
        ("selfassessment.return", gettext_lazy("Self-assessment returned for changes")),
        ("selfassessment.propose", gettext_lazy("Rating proposed")),
        ("selfassessment.finalise", gettext_lazy("Rating finalised")),
        ("rating_meeting.record", gettext_lazy("Rating meeting of the collective recorded")),
        ("unit_meeting.record", gettext_lazy("Unit meeting recorded")),
        ("unit_registration.create", gettext_lazy("Unit registration started")),
        ("unit_registration.edit", gettext_lazy("Unit registration saved")),
        ("unit_registration.submit", gettext_lazy("Unit registration submitted")),
        ("unit_registration.resubmit", gettext_lazy("Unit registration resubmitted")),
        ("unit_registration.return", gettext_lazy("Unit registration returned for changes")),
        ("unit_registration.approve", gettext_lazy("Unit registration approved")),
        ("unit_registration.withdraw", gettext_lazy("Unit registration closed: the unit was reorganised")),
        ("unit_selfassessment.create", gettext_lazy("Unit self-assessment started")),
        ("unit_selfassessment.edit", gettext_lazy("Unit self-assessment saved")),
        ("unit_selfassessment.submit", gettext_lazy("Unit self-assessment submitted")),
        ("unit_selfassessment.resubmit", gettext_lazy("Unit self-assessment resubmitted")),
        ("unit_selfassessment.return", gettext_lazy("Unit self-assessment returned for changes")),
        ("unit_selfassessment.finalise", gettext_lazy("Unit rated")),
        ("unit_selfassessment.withdraw", gettext_lazy("Unit self-assessment closed: the unit was reorganised")),
        ("club.create", gettext_lazy("Club created")),
        ("club.member_add", gettext_lazy("Club member added")),
        ("club.member_leave", gettext_lazy("Club member left")),
        ("commendation.propose", gettext_lazy("Commendation proposed")),
        ("commendation.decide", gettext_lazy("Commendation decided")),
        ("commendation.decline", gettext_lazy("Commendation declined")),
        ("self_assessment.evidence_add", gettext_lazy("Evidence attached")),
        ("self_assessment.evidence_pick", gettext_lazy("Evidence picked from the activity log")),
        ("self_assessment.evidence_remove", gettext_lazy("Evidence removed")),
        ("feedback.request", gettext_lazy("Feedback requested")),
        ("feedback.give", gettext_lazy("Feedback given")),
    ]),
    (gettext_lazy("Activities"), [
        ("activity.log", gettext_lazy("Activity logged")),
        ("activity.delete", gettext_lazy("Activity deleted")),
        ("initiative.log", pgettext_lazy("audit", "Initiative logged")),
        ("initiative.delete", pgettext_lazy("audit", "Initiative deleted")),
        ("initiative.recognise", pgettext_lazy("audit", "Initiative recognised")),
        ("initiative.refuse", pgettext_lazy("audit", "Initiative not recognised")),
    ]),
    (gettext_lazy("Unit reports and figures"), [
        ("unit_report.create", gettext_lazy("Unit report started")),
        ("unit_report.update", gettext_lazy("Unit report edited")),
        ("unit_report.submit", gettext_lazy("Unit report submitted")),
        ("unit_report.resubmit", gettext_lazy("Unit report resubmitted")),
        ("unit_report.accept", gettext_lazy("Unit report accepted")),
        ("unit_report.return", gettext_lazy("Unit report returned")),
        ("report_file.request", gettext_lazy("Document requested")),
        ("report_file.download", gettext_lazy("Document downloaded")),
        ("figures.snapshot", gettext_lazy("Figures frozen")),
    ]),
    (gettext_lazy("Personal data"), [
        ("cadre.deidentify", gettext_lazy("Person's data de-identified")),
        ("data_request.create", gettext_lazy("Request about one's data made")),
        ("data_request.answer", gettext_lazy("Correction request answered")),
        ("data_request.approve", gettext_lazy("Erasure request approved")),
        ("data_request.refuse", gettext_lazy("Erasure request refused")),
        ("retention.notice", gettext_lazy("Told of the people due for de-identification")),
        ("consent.give", gettext_lazy("Privacy notice accepted")),
        ("consent.withdraw", gettext_lazy("Consent withdrawn")),
        ("breach.record", gettext_lazy("Data breach recorded")),
        ("breach.update", gettext_lazy("Data breach updated")),
    ]),
    (gettext_lazy("API clients"), [
        ("api_client.create", gettext_lazy("API client created")),
        ("api_client.rotate", gettext_lazy("API client's token replaced")),
        ("api_client.revoke", gettext_lazy("API client revoked")),
    ]),
    (gettext_lazy("Platform admin"), [
        ("platform_admin.add", gettext_lazy("Added in the platform admin")),
        ("platform_admin.change", gettext_lazy("Changed in the platform admin")),
        ("platform_admin.delete", gettext_lazy("Deleted in the platform admin")),
    ]),
]
ACTION_LABELS: dict[str, Promise] = {code: label for _group, actions in ACTION_GROUPS for code, label in actions}

# Keys of `data` that are no field of the object's model.
KEY_LABELS: dict[str, Promise] = {
    "from": gettext_lazy("State"),  # with "to": the state change of a transition
    "parent": gettext_lazy("Higher unit"),
    "reason": gettext_lazy("Reason"),
    "unit": gettext_lazy("Unit"),
    "cadre": gettext_lazy("Cadre"),
    "file": gettext_lazy("File"),
    "invited": gettext_lazy("Invited"),
    "units": gettext_lazy("Units"),
    "cadres": gettext_lazy("Cadres"),
    "new": gettext_lazy("New"),
    "changed": gettext_lazy("Changed"),
    "unchanged": gettext_lazy("Unchanged"),
    "errors": gettext_lazy("Errors"),
    "year": gettext_lazy("Year"),
    "version": gettext_lazy("Version"),
    "comment": gettext_lazy("Comment"),
    "into": gettext_lazy("Into"),
    "transfer_to": gettext_lazy("Cadres moved to"),
    "moved_to": gettext_lazy("Moved to"),
    "moved_from": gettext_lazy("Moved from"),
}
# The field a transition's "from"/"to" states are values of.
STATE_FIELDS = ("state", "status")


def action_label(code: str) -> str:
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def action_choices() -> list[tuple[str, Any]]:
    """For a ChoiceField: "all", then the actions under their group names."""
    return [("", _("All actions")),
            *[(str(group), [(code, str(label)) for code, label in actions]) for group, actions in ACTION_GROUPS]]


@dataclass(frozen=True)
class Change:
    """One line of a row's "before → after"; `before` is None for a value with no previous one."""

    label: str
    before: str | None
    after: str

    def __str__(self) -> str:
        return f"{self.label}: {self.after}" if self.before is None else f"{self.label}: {self.before} → {self.after}"


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> "models.Field[Any, Any] | None":
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def _value(field: "models.Field[Any, Any] | None", value: Any) -> str:
    """A stored value as the model shows it: a choice's label, yes/no, a date as dd/mm/yyyy, a
    phone in the national format (recorded in E.164, or as typed before phones were checked)."""
    if value is None or value == "":
        return "—"
    text = str(value)
    if field is not None and field.name == "phone":
        return display_phone(text)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(text, text))
    if isinstance(field, models.BooleanField) or isinstance(value, bool):
        return _("Yes") if text == "True" else _("No") if text == "False" else text
    if isinstance(field, models.DateField):
        try:
            return datetime.date.fromisoformat(text).strftime("%d/%m/%Y")
        except ValueError:
            return text
    return text


def describe(event: AuditEvent) -> list[Change]:
    """The row's `data` as lines: [old, new] pairs and a transition's from/to as before → after,
    other values as they are."""
    model = _model(event.object_type)
    data = dict(event.data) if isinstance(event.data, dict) else {}
    data.pop("api_client", None)  # the actor's column names it
    changes = []
    if "from" in data and "to" in data:
        state = next((f for f in (_field(model, name) for name in STATE_FIELDS) if f is not None), None)
        changes.append(Change(str(KEY_LABELS["from"]), _value(state, data.pop("from")), _value(state, data.pop("to"))))
    for key, value in data.items():
        field = _field(model, key)
        label = capfirst(str(KEY_LABELS.get(key) or (field.verbose_name if field is not None else key)))
        if isinstance(value, list) and len(value) == 2:
            changes.append(Change(label, _value(field, value[0]), _value(field, value[1])))
        elif isinstance(value, dict | list):
            changes.append(Change(label, None, ", ".join(f"{k}: {v}" for k, v in value.items())
                                  if isinstance(value, dict) else ", ".join(map(str, value))))
        else:
            changes.append(Change(label, None, _value(field, value)))
    return changes


def object_label(event: AuditEvent) -> str:
    """What the row is about: the kind of object (the model's name), then whose it is."""
    model = _model(event.object_type)
    kind = str(model._meta.verbose_name) if model is not None else event.object_type
    whose = [subject for subject in (event.cadre, event.unit) if subject is not None]
    return " · ".join([capfirst(kind), *map(str, whose)])


def actor_label(event: AuditEvent) -> str:
    """The account, or the placeholder left by its erasure, or the API client a row of the
    system was written for (named as in the access log), or the system."""
    if event.actor is not None:
        return str(event.actor)
    if event.actor_label:
        return event.actor_label
    client = event.data.get("api_client") if isinstance(event.data, dict) else None
    return f"API: {client['name']}" if isinstance(client, dict) else _("System")


@dataclass(frozen=True)
class TrailRow:
    """One row of the page and of the Excel sheet."""

    event: AuditEvent
    when: datetime.datetime
    actor: str
    action: str
    about: str
    changes: list[Change]


def trail_row(event: AuditEvent) -> TrailRow:
    return TrailRow(event, timezone.localtime(event.created_at), actor_label(event), action_label(event.action),
                    object_label(event), describe(event))


def trail_xlsx(events: Iterable[AuditEvent]) -> bytes:
    """The rows as one sheet, in Vietnamese whoever downloads it (like the report summaries)."""
    with translation.override(settings.LANGUAGE_CODE):
        book = Workbook(write_only=True)
        write_sheet(book, _("Audit trail"), [_("Time"), _("Done by"), _("Action"), _("Concerning"), _("Changes")],
                    ([row.when.strftime("%d/%m/%Y %H:%M"), row.actor, row.action, row.about,
                      "; ".join(map(str, row.changes))] for row in map(trail_row, events)),
                    [18, 28, 36, 44, 70])
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()
