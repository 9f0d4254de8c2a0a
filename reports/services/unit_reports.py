"""The unit report chain (báo cáo kết quả), declared on the transition engine
(`cadres.transitions`)::

    draft ──submit──▶ submitted ──accept──▶ accepted (locked)
      ▲                │    ▲
      │          return│    │submit (resubmitted)
      └── edit ──── returned

The unit's managers write the narrative and submit it to the parent unit; the parent's
managers accept it or return it with a comment. Each action locks the report row, checks
the page's `expected_version` (two tabs submitting at once: the second is refused), bumps
it and writes an audit row, in one transaction. A first submission after the deadline the
parent set (`effective_deadline` for the unit report, from the parent up; 30/10 for
huyện → tỉnh by default) is accepted and marked late. A report whose registration or
self-assessment rate is below `REPORT_CONFIRM_BELOW_PERCENT` is submitted only once the
manager confirms it with those rates in front of them (`low_rates`).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _, gettext_lazy

from cadres.actors import Actor
from cadres.models import NoticeKind, Unit, User
from cadres.selectors import access_for, unit_managers, users_by_id
from cadres.services.audit import audit_record
from cadres.services.notices import notify
from cadres.transitions import Flow, Outcome, Refusal, Step, act, allowed_if
from evaluations.checks import check_cycle_open, effective_deadline
from evaluations.models import Cycle, DeadlineKind
from reports.figures import CycleFigures, rate_text, report_figures
from reports.models import UnitReport, UnitReportState

S = UnitReportState
NARRATIVE_FIELDS = ("achievements", "limitations", "proposals", "document_number")
MAX_LENGTHS = {"achievements": 20000, "limitations": 20000, "proposals": 20000, "document_number": 20}
CLOSED = gettext_lazy("The %(year)d evaluation cycle is closed: its reports can no longer be changed.")


def parent_of(unit: Unit) -> Unit | None:
    return Unit.objects.get_parent(unit) if unit.depth > 1 else None


def report_due(cycle: Cycle, unit: Unit) -> datetime.date:
    """When the unit's report is due at its parent: the parent's own date for its sub-units,
    else the nearest one above, else the cycle's (30/10 by default)."""
    parent = parent_of(unit)
    return effective_deadline(cycle, parent, DeadlineKind.UNIT_REPORT) if parent else cycle.unit_report_due


def _can_write(user: Actor, report: UnitReport) -> bool:
    return access_for(user).manages_path(report.unit.path)


def _can_decide(user: Actor, report: UnitReport) -> bool:
    parent = parent_of(report.unit)
    return parent is not None and access_for(user).manages_path(parent.path)


def _has_parent(user: Actor, report: UnitReport) -> bool:
    return parent_of(report.unit) is not None


def _not_the_submitter(user: Actor, report: UnitReport) -> bool:
    return user.pk != report.submitted_by_id


def _cycle_open(user: Actor, report: UnitReport) -> None:
    check_cycle_open(report.cycle, CLOSED)


_deciders = allowed_if(_can_decide, gettext_lazy("Only the managers of the higher unit can accept or return "
                                                 "this report."))
_others_than_the_submitter = allowed_if(_not_the_submitter, gettext_lazy(
    "You submitted this report: another manager of the higher unit must decide on it."))

UNIT_REPORT_FLOW: Flow[UnitReport] = Flow(
    name="unit_report",
    steps={
        "update": Step({S.DRAFT: S.DRAFT, S.RETURNED: S.RETURNED}, checks=(
            allowed_if(_can_write, gettext_lazy("Only the unit's managers can write its report.")),),
            wrong_state=gettext_lazy("This report is “%(state)s”: it can no longer be edited.")),
        "submit": Step({S.DRAFT: S.SUBMITTED, S.RETURNED: S.RESUBMITTED}, checks=(
            allowed_if(_can_write, gettext_lazy("Only the unit's managers can submit its report.")),
            allowed_if(_has_parent, gettext_lazy("The province's own report is not submitted to a higher unit "
                                                 "here."))),
            wrong_state=gettext_lazy("This report is already “%(state)s”."), recorded_as={S.RETURNED: "resubmit"}),
        "accept": Step({S.SUBMITTED: S.ACCEPTED, S.RESUBMITTED: S.ACCEPTED}, checks=(
            _deciders, _others_than_the_submitter)),
        "return": Step({S.SUBMITTED: S.RETURNED, S.RESUBMITTED: S.RETURNED}, checks=(
            _deciders, _others_than_the_submitter)),
    },
    checks=(_cycle_open,),
    stale=gettext_lazy("Someone changed this report after you opened it; it is now “%(state)s”. Reload the page: "
                       "nothing was changed."),
    wrong_state=gettext_lazy("This report is “%(state)s”: there is nothing to decide."),
    related=("unit", "cycle"),
)


def unit_report_get_or_create(*, cycle: Cycle, unit: Unit, acting_user: User) -> UnitReport:
    """The unit's report for the cycle, started as a draft the first time a manager opens it."""
    if not access_for(acting_user).manages_path(unit.path) or unit.tenant_id != cycle.tenant_id:
        raise Refusal(_("Only the unit's managers can write its report."), "forbidden")
    existing = UnitReport.objects.filter(cycle=cycle, unit=unit).first()
    if existing is not None:
        return existing
    check_cycle_open(cycle, CLOSED)
    try:
        with transaction.atomic():
            report = UnitReport.objects.create(tenant_id=unit.tenant_id, cycle=cycle, unit=unit,
                                               due_date=report_due(cycle, unit))
            audit_record(actor=acting_user, action="unit_report.create", obj=report)
    except IntegrityError:  # another tab started it at the same moment
        report = UnitReport.objects.get(cycle=cycle, unit=unit)
    return report


def unit_report_update(*, report: UnitReport, acting_user: User, expected_version: object,
                       **fields: object) -> UnitReport:
    """Save the narrative (kết quả đạt được, hạn chế, đề xuất) and the document number of a
    draft or returned report."""
    def change(locked: UnitReport) -> Outcome:
        if set(fields) - set(NARRATIVE_FIELDS):
            raise Refusal(_("This field cannot be changed here."), "invalid")
        errors = {}
        for name, value in fields.items():
            text = str(value or "").strip()
            if len(text) > MAX_LENGTHS[name]:
                errors[name] = _("At most %(n)d characters.") % {"n": MAX_LENGTHS[name]}
            setattr(locked, name, text)
        if errors:
            raise ValidationError(errors, code="invalid")
        return Outcome(fields=list(fields), data={"fields": sorted(fields)})

    return act(UNIT_REPORT_FLOW, report, "update", acting_user=acting_user, expected_version=expected_version,
               change=change)


@dataclass(frozen=True)
class LowRates:
    """A unit's rates when one is below the threshold (None: nobody to count)."""

    registration: float | None
    self_assessment: float | None
    threshold: int

    def message(self) -> str:
        return _("Registered: %(registration)s, self-assessed: %(self_assessment)s of the cadres, below the "
                 "%(threshold)d%% expected. Confirm that you submit the report with these figures.") % {
            "registration": rate_text(self.registration), "self_assessment": rate_text(self.self_assessment),
            "threshold": self.threshold}


def low_rates(source: CycleFigures, unit: Unit) -> LowRates | None:
    """The unit's registration and self-assessment rates if either is below
    `REPORT_CONFIRM_BELOW_PERCENT`, else None."""
    node = source.node(unit)
    figures = node.figures if node else None
    if figures is None:
        return None
    threshold = settings.REPORT_CONFIRM_BELOW_PERCENT
    rates = (figures.registration_rate, figures.self_assessment_rate)
    if not any(rate is not None and rate < threshold for rate in rates):
        return None
    return LowRates(*rates, threshold=threshold)


@transaction.atomic
def unit_report_submit(*, report: UnitReport, acting_user: User, expected_version: object,
                       today: datetime.date | None = None, confirm_low_rates: bool = False) -> UnitReport:
    """draft/returned → submitted/resubmitted, with the figures as they stand now: the
    parent reviews exactly those, and accepting keeps them. Rates below the threshold are
    refused (field "confirm_low_rates") unless `confirm_low_rates`."""
    def change(locked: UnitReport) -> Outcome:
        if not locked.achievements.strip():
            raise ValidationError({"achievements": _("Describe the results achieved before submitting.")},
                                  code="invalid")
        source = CycleFigures(locked.cycle)
        low = low_rates(source, locked.unit)
        if low is not None and not confirm_low_rates:
            raise ValidationError({"confirm_low_rates": low.message()}, code="invalid")
        due = report_due(locked.cycle, locked.unit)
        if locked.state != S.RETURNED:
            # Only the first submission is held to the deadline: fixing a returned report is not late.
            locked.is_late = (today or timezone.localdate()) > due
        locked.due_date = due
        locked.figures = report_figures(source, locked.unit)
        locked.submitted_at, locked.submitted_by = timezone.now(), acting_user
        return Outcome(fields=["figures", "submitted_at", "submitted_by", "is_late", "due_date"],
                       data={"late": locked.is_late, **({"confirmed_low_rates": True} if low else {})})

    done = act(UNIT_REPORT_FLOW, report, "submit", acting_user=acting_user, expected_version=expected_version,
               change=change)
    _tell(done, NoticeKind.REPORT_SUBMITTED, acting_user)
    return done


_NOTICES: dict[str, Promise] = {
    NoticeKind.REPORT_SUBMITTED: gettext_lazy("%(unit)s submitted its %(year)d report to %(parent)s"),
    NoticeKind.REPORT_RETURNED: gettext_lazy("%(parent)s returned the %(year)d report of %(unit)s"),
    NoticeKind.REPORT_ACCEPTED: gettext_lazy("%(parent)s accepted the %(year)d report of %(unit)s"),
}


def _tell(report: UnitReport, notice_kind: str, actor: User) -> None:
    """A report handed on: both units' managers are told (the reporting unit's, and its
    parent's, who decide on it), in the transition's transaction."""
    parent = parent_of(report.unit)
    if parent is None:  # the flow refuses a report without a parent before this
        return
    managers = unit_managers([report.unit_id, parent.pk])
    with translation.override(settings.LANGUAGE_CODE):
        subject = str(_NOTICES[notice_kind]) % {"unit": report.unit.name, "parent": parent.name,
                                                "year": report.cycle.year}
        body = report.return_comment if notice_kind == NoticeKind.REPORT_RETURNED else ""
        if notice_kind == NoticeKind.REPORT_SUBMITTED and report.is_late and report.due_date is not None:
            body = _("Late: it was due on %(date)s.") % {"date": report.due_date.strftime("%d/%m/%Y")}
    notify(recipients=users_by_id(managers[report.unit_id] | managers[parent.pk]), tenant_id=report.tenant_id,
           kind=notice_kind, subject=subject, body=body, link=report.get_absolute_url(), actor=actor)


@transaction.atomic
def _decide(report: UnitReport, action: str, *, comment: str, acting_user: User,
            expected_version: object) -> UnitReport:
    def change(locked: UnitReport) -> Outcome:
        locked.decided_at, locked.decided_by, locked.return_comment = timezone.now(), acting_user, comment
        return Outcome(fields=["decided_at", "decided_by", "return_comment"],
                       data={"comment": comment} if comment else {})

    done = act(UNIT_REPORT_FLOW, report, action, acting_user=acting_user, expected_version=expected_version,
               change=change)
    _tell(done, NoticeKind.REPORT_ACCEPTED if action == "accept" else NoticeKind.REPORT_RETURNED, acting_user)
    return done


def unit_report_accept(*, report: UnitReport, acting_user: User, expected_version: object) -> UnitReport:
    """submitted/resubmitted → accepted by the parent; the report is locked from now on."""
    return _decide(report, "accept", comment="", acting_user=acting_user, expected_version=expected_version)


def unit_report_return(*, report: UnitReport, comment: str, acting_user: User, expected_version: object) -> UnitReport:
    """submitted/resubmitted → returned by the parent, with a comment saying what to fix."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what the unit needs to change.")}, code="invalid")
    if len(comment) > 4000:
        raise ValidationError({"comment": _("At most %(n)d characters.") % {"n": 4000}}, code="invalid")
    return _decide(report, "return", comment=comment, acting_user=acting_user, expected_version=expected_version)
