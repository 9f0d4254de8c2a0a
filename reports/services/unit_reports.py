"""The unit report chain (báo cáo kết quả)::

    draft ──submit──▶ submitted ──accept──▶ accepted (locked)
      ▲                │    ▲
      │          return│    │submit (resubmitted)
      └── edit ──── returned

The unit's managers write the narrative and submit it to the parent unit; the parent's
managers accept it or return it with a comment. Each transition locks the report row,
checks the page's `expected_version` (two tabs submitting at once: the second is refused),
bumps it and writes an audit row, in one transaction. A first submission after the
deadline the parent set (`effective_deadline` for the unit report, from the parent up;
30/10 for huyện → tỉnh by default) is accepted and marked late.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Unit
from cadres.selectors import access_for
from cadres.services.audit import audit_record
from evaluations.checks import effective_deadline
from evaluations.models import Cycle, CycleStatus, DeadlineKind
from reports.figures import CycleFigures, report_figures
from reports.models import UnitReport, UnitReportState

S = UnitReportState
NARRATIVE_FIELDS = ("achievements", "limitations", "proposals", "document_number")
MAX_LENGTHS = {"achievements": 20000, "limitations": 20000, "proposals": 20000, "document_number": 20}


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def parent_of(unit: Unit) -> Unit | None:
    return Unit.objects.get_parent(unit) if unit.depth > 1 else None


def report_due(cycle: Cycle, unit: Unit) -> datetime.date:
    """When the unit's report is due at its parent: the parent's own date for its sub-units,
    else the nearest one above, else the cycle's (30/10 by default)."""
    parent = parent_of(unit)
    return effective_deadline(cycle, parent, DeadlineKind.UNIT_REPORT) if parent else cycle.unit_report_due


def _can_write(user, unit: Unit) -> bool:
    return access_for(user).manages_path(unit.path)


def _can_decide(user, unit: Unit) -> bool:
    parent = parent_of(unit)
    return parent is not None and access_for(user).manages_path(parent.path)


def _check_open(cycle: Cycle) -> None:
    if not Cycle.objects.filter(pk=cycle.pk, status=CycleStatus.OPEN).exists():
        raise _refuse(_("The %(year)d evaluation cycle is closed: its reports can no longer be changed.")
                      % {"year": cycle.year}, "closed")


def _lock(report: UnitReport) -> UnitReport:
    return UnitReport.objects.select_for_update(of=("self",)).select_related("unit", "cycle").get(pk=report.pk)


def _check_version(report: UnitReport, expected_version) -> None:
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        expected = -1
    if expected != report.lock_version:
        raise _refuse(_("Someone changed this report after you opened it; it is now “%(state)s”. Reload the page: "
                        "nothing was changed.") % {"state": report.get_state_display()}, "stale")


def _transition(report: UnitReport, *, action: str, target: str, acting_user, fields=(), data=None) -> None:
    from_state = report.state
    report.state, report.lock_version = target, report.lock_version + 1
    report.save(update_fields=["state", "lock_version", "updated_at", *fields])
    audit_record(actor=acting_user, action=f"unit_report.{action}", obj=report,
                 data={"from": from_state, "to": target, **(data or {})})


def unit_report_get_or_create(*, cycle: Cycle, unit: Unit, acting_user) -> UnitReport:
    """The unit's report for the cycle, started as a draft the first time a manager opens it."""
    if not _can_write(acting_user, unit) or unit.tenant_id != cycle.tenant_id:
        raise _refuse(_("Only the unit's managers can write its report."), "forbidden")
    existing = UnitReport.objects.filter(cycle=cycle, unit=unit).first()
    if existing is not None:
        return existing
    _check_open(cycle)
    try:
        with transaction.atomic():
            report = UnitReport.objects.create(tenant_id=unit.tenant_id, cycle=cycle, unit=unit,
                                               due_date=report_due(cycle, unit))
            audit_record(actor=acting_user, action="unit_report.create", obj=report)
    except IntegrityError:  # another tab started it at the same moment
        report = UnitReport.objects.get(cycle=cycle, unit=unit)
    return report


@transaction.atomic
def unit_report_update(*, report: UnitReport, acting_user, expected_version, **fields) -> UnitReport:
    """Save the narrative (kết quả đạt được, hạn chế, đề xuất) and the document number of a
    draft or returned report."""
    locked = _lock(report)
    if not _can_write(acting_user, locked.unit):
        raise _refuse(_("Only the unit's managers can write its report."), "forbidden")
    _check_open(locked.cycle)
    _check_version(locked, expected_version)
    if locked.state not in (S.DRAFT, S.RETURNED):
        raise _refuse(_("This report is “%(state)s”: it can no longer be edited.")
                      % {"state": locked.get_state_display()}, "state")
    unknown = set(fields) - set(NARRATIVE_FIELDS)
    if unknown:
        raise _refuse(_("This field cannot be changed here."), "invalid")
    errors = {}
    for name, value in fields.items():
        value = str(value or "").strip()
        if len(value) > MAX_LENGTHS[name]:
            errors[name] = _("At most %(n)d characters.") % {"n": MAX_LENGTHS[name]}
        setattr(locked, name, value)
    if errors:
        raise ValidationError(errors, code="invalid")
    locked.lock_version += 1
    locked.save(update_fields=[*fields, "lock_version", "updated_at"])
    audit_record(actor=acting_user, action="unit_report.update", obj=locked, data={"fields": sorted(fields)})
    return locked


@transaction.atomic
def unit_report_submit(*, report: UnitReport, acting_user, expected_version,
                       today: datetime.date | None = None) -> UnitReport:
    """draft/returned → submitted/resubmitted, with the figures as they stand now: the
    parent reviews exactly those, and accepting keeps them."""
    locked = _lock(report)
    if not _can_write(acting_user, locked.unit):
        raise _refuse(_("Only the unit's managers can submit its report."), "forbidden")
    if parent_of(locked.unit) is None:
        raise _refuse(_("The province's own report is not submitted to a higher unit here."), "forbidden")
    _check_open(locked.cycle)
    _check_version(locked, expected_version)
    if locked.state not in (S.DRAFT, S.RETURNED):
        raise _refuse(_("This report is already “%(state)s”.") % {"state": locked.get_state_display()}, "state")
    if not locked.achievements.strip():
        raise ValidationError({"achievements": _("Describe the results achieved before submitting.")},
                              code="invalid")
    resubmit = locked.state == S.RETURNED
    due = report_due(locked.cycle, locked.unit)
    if not resubmit:
        # Only the first submission is held to the deadline: fixing a returned report is not late.
        locked.is_late = (today or timezone.localdate()) > due
    locked.due_date = due
    locked.figures = report_figures(CycleFigures(locked.cycle), locked.unit)
    locked.submitted_at, locked.submitted_by = timezone.now(), acting_user
    _transition(locked, action="resubmit" if resubmit else "submit",
                target=S.RESUBMITTED if resubmit else S.SUBMITTED, acting_user=acting_user,
                fields=["figures", "submitted_at", "submitted_by", "is_late", "due_date"],
                data={"late": locked.is_late})
    return locked


def _decide(report: UnitReport, acting_user, expected_version) -> UnitReport:
    locked = _lock(report)
    if not _can_decide(acting_user, locked.unit):
        raise _refuse(_("Only the managers of the higher unit can accept or return this report."), "forbidden")
    if acting_user.pk == locked.submitted_by_id:
        raise _refuse(_("You submitted this report: another manager of the higher unit must decide on it."),
                      "forbidden")
    _check_open(locked.cycle)
    _check_version(locked, expected_version)
    if not locked.awaits_decision:
        raise _refuse(_("This report is “%(state)s”: there is nothing to decide.")
                      % {"state": locked.get_state_display()}, "state")
    locked.decided_at, locked.decided_by = timezone.now(), acting_user
    return locked


@transaction.atomic
def unit_report_accept(*, report: UnitReport, acting_user, expected_version) -> UnitReport:
    """submitted/resubmitted → accepted by the parent; the report is locked from now on."""
    locked = _decide(report, acting_user, expected_version)
    locked.return_comment = ""
    _transition(locked, action="accept", target=S.ACCEPTED, acting_user=acting_user,
                fields=["decided_at", "decided_by", "return_comment"])
    return locked


@transaction.atomic
def unit_report_return(*, report: UnitReport, comment: str, acting_user, expected_version) -> UnitReport:
    """submitted/resubmitted → returned by the parent, with a comment saying what to fix."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what the unit needs to change.")}, code="invalid")
    if len(comment) > 4000:
        raise ValidationError({"comment": _("At most %(n)d characters.") % {"n": 4000}}, code="invalid")
    locked = _decide(report, acting_user, expected_version)
    locked.return_comment = comment
    _transition(locked, action="return", target=S.RETURNED, acting_user=acting_user,
                fields=["decided_at", "decided_by", "return_comment"], data={"comment": comment})
    return locked
