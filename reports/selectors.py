"""Scoped reads for the reports pages: the completeness dashboard, unit reports, generated
files. Who reaches what is decided by `cadres.selectors`: a unit (and so its figures,
report and files) is reachable by those who manage a subtree containing it; anything else
is a 404 alike."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cadres.models import AnyUser, Cadre, Unit
from cadres.selectors import access_for, get_managed_unit_for_user, units_managed_by
from cadres.text import fold
from evaluations.models import Cycle
from reports.figures import CycleFigures, Node
from reports.models import FigureColumns, ReminderKind, ReminderLog, ReportFile, UnitReport, UnitReportState
from reports.services.unit_reports import report_due

# Re-exported: a dashboard view's first line.
get_dashboard_unit_for_user = get_managed_unit_for_user


class ReportStatus:
    NOT_STARTED = "not_started"  # not submitted, the due date not passed ("Chưa nộp")
    OVERDUE = "overdue"  # not submitted, the due date passed
    SUBMITTED = "submitted"  # on time ("Đúng hạn"), awaiting the parent
    LATE = "late"  # first submitted after the due date ("Nộp muộn"), awaiting the parent
    ACCEPTED = "accepted"
    RETURNED = "returned"


STATUS_CLASS = {
    ReportStatus.NOT_STARTED: "badge",
    ReportStatus.OVERDUE: "badge badge-error",
    ReportStatus.SUBMITTED: "badge badge-warn",
    ReportStatus.LATE: "badge badge-error",
    ReportStatus.ACCEPTED: "badge badge-ok",
    ReportStatus.RETURNED: "badge badge-warn",
}


def report_timeliness(report: UnitReport | None, due: datetime.date, today: datetime.date) -> str:
    """Not submitted (before the due date, or overdue after it), submitted on time, or late
    (first submitted after it); a draft has not been submitted, a returned one has."""
    if report is None or report.state == UnitReportState.DRAFT:
        return ReportStatus.OVERDUE if today > due else ReportStatus.NOT_STARTED
    return ReportStatus.LATE if report.is_late else ReportStatus.SUBMITTED


def report_status(report: UnitReport | None, due: datetime.date, today: datetime.date) -> str:
    """Accepted or returned once the parent decided; until then its timeliness."""
    if report is not None and report.state == UnitReportState.ACCEPTED:
        return ReportStatus.ACCEPTED
    if report is not None and report.state == UnitReportState.RETURNED:
        return ReportStatus.RETURNED
    return report_timeliness(report, due, today)


@dataclass
class CompletenessRow:
    unit: Unit  # the unit today, for links
    name: str  # as the cycle shows it (as it stood, for a closed cycle)
    figures: FigureColumns | None
    report: UnitReport | None
    report_due: datetime.date | None
    report_status: str
    has_children: bool

    @property
    def status_class(self) -> str:
        return STATUS_CLASS[self.report_status]

    @property
    def registration_rate(self) -> float | None:
        return self.figures.registration_rate if self.figures else None

    @property
    def self_assessment_rate(self) -> float | None:
        return self.figures.self_assessment_rate if self.figures else None

    @property
    def is_behind(self) -> bool:
        return self.report_status in BEHIND_STATUSES or self.figures is None \
            or self.figures.registered < self.figures.cadres


def completeness(unit: Unit, cycle: Cycle, today: datetime.date | None = None,
                 source: CycleFigures | None = None) -> list[CompletenessRow]:
    """The unit itself, then each direct sub-unit (Vietnamese order): rates from the stored
    figures (a closed cycle's snapshot: its sub-units as they stood) and the report's
    status. Drill down by calling it again with a sub-unit. A fixed number of queries
    whatever the number of sub-units."""
    today = today or timezone.localdate()
    source = source or CycleFigures(cycle)
    head = source.node(unit) or Node.live(unit, None)
    children = source.children(unit)
    members = [head, *children]
    reports = {r.unit_id: r for r in UnitReport.objects.filter(cycle=cycle, unit_id__in=[m.unit.pk for m in members])}
    parents = source.parents_among(children)
    # Sub-units answer to this unit: their due date is this unit's (one lookup for all).
    child_due = report_due(cycle, children[0].unit) if children else None
    rows = []
    for member in members:
        report = reports.get(member.unit.pk)
        due = child_due if member is not head else (report_due(cycle, unit) if unit.depth > 1 else None)
        status = report_status(report, due, today) if due else (
            ReportStatus.ACCEPTED if report and report.state == UnitReportState.ACCEPTED
            else ReportStatus.NOT_STARTED)
        rows.append(CompletenessRow(member.unit, member.name, member.figures, report, due, status,
                                    member is head and bool(children) or member.path in parents))
    return rows


# A sub-unit behind: its report overdue, late or returned, or cadres still to register.
BEHIND_STATUSES = {ReportStatus.OVERDUE, ReportStatus.LATE, ReportStatus.RETURNED}
STATUS_ORDER = [ReportStatus.OVERDUE, ReportStatus.LATE, ReportStatus.RETURNED, ReportStatus.NOT_STARTED,
                ReportStatus.SUBMITTED, ReportStatus.ACCEPTED]
# The dashboard table's orders: the key of each row, ties in Vietnamese order of name.
SUBUNIT_SORTS = {
    "late": lambda row: (not row.is_behind, row.report_status not in BEHIND_STATUSES, _rate(row.registration_rate)),
    "name": lambda row: (),
    "registration": lambda row: (_rate(row.registration_rate),),
    "self_assessment": lambda row: (_rate(row.self_assessment_rate),),
    "status": lambda row: (STATUS_ORDER.index(row.report_status),),
}


def _rate(rate: float | None) -> float:
    return -1.0 if rate is None else rate  # no figures yet: the least done


def sorted_subunits(rows: list[CompletenessRow], sort: str = "late", behind_only: bool = False,
                    query: str = "") -> list[CompletenessRow]:
    """The dashboard's sub-units as its table asks (`SUBUNIT_SORTS`; "-" first for the
    reverse), only those behind, those whose name holds every word of the query (diacritics
    ignored). In memory, on the rows `completeness` read: no query more, for 1,000 sub-units too."""
    words = fold(query).split()
    rows = [row for row in rows if (not behind_only or row.is_behind)
            and all(word in fold(row.name) for word in words)]
    key = SUBUNIT_SORTS.get(sort.removeprefix("-"), SUBUNIT_SORTS["late"])
    rows.sort(key=key, reverse=sort.startswith("-"))
    return rows


def unregistered_cadres(unit: Unit, cycle: Cycle, source: CycleFigures | None = None) -> QuerySet[Cadre]:
    """Cadres counted in the unit's subtree who have not submitted a registration, by tên."""
    ids = (source or CycleFigures(cycle)).unregistered_cadre_ids(unit)
    return Cadre.objects.filter(pk__in=ids).order_by("sort_key", "id")


def nudged_today(user_ids: Iterable[int], today: datetime.date | None = None) -> set[int]:
    """Which of these users a manager reminded today ("Nhắc", at most once a day)."""
    return set(ReminderLog.objects.filter(user_id__in=list(user_ids), kind=ReminderKind.NUDGE,
                                          day=today or timezone.localdate()).values_list("user_id", flat=True))


# --- Unit reports -------------------------------------------------------------------------


def get_unit_report_for_user(user: AnyUser, pk: int | str) -> UnitReport:
    """A report of a unit the user manages (its own managers and every level above)."""
    report = (UnitReport.objects.filter(pk=pk if str(pk).isdigit() else 0, unit__in=units_managed_by(user))
              .select_related("unit", "cycle").first())
    if report is None:
        raise Http404
    return report


def reports_awaiting_decision(user: AnyUser, cycle: Cycle | None = None) -> QuerySet[UnitReport]:
    """Submitted reports of units whose parent this user manages (units strictly inside a
    managed subtree), oldest first; of one cycle, or of every cycle."""
    clauses = Q(pk__in=[])
    for path in access_for(user).managed_paths:
        clauses |= Q(unit__path__startswith=path, unit__depth__gt=len(path) // Unit.steplen)
    reports = UnitReport.objects.filter(clauses, state__in=[UnitReportState.SUBMITTED, UnitReportState.RESUBMITTED])
    if cycle is not None:
        reports = reports.filter(cycle=cycle)
    return reports.select_related("unit").order_by("submitted_at", "id")


# --- Generated files ----------------------------------------------------------------------


def report_files_for(user: AnyUser, unit: Unit, cycle: Cycle) -> QuerySet[ReportFile]:
    return ReportFile.objects.filter(unit=unit, cycle=cycle, unit__in=units_managed_by(user)).order_by(
        "-created_at", "-id")


def get_report_file_for_user(user: AnyUser, pk: int | str) -> ReportFile:
    """A generated file of a unit the user manages; 404 for anyone else (a manager of
    another huyện asking for the province summary included)."""
    found = (ReportFile.objects.filter(pk=pk if str(pk).isdigit() else 0, unit__in=units_managed_by(user))
             .select_related("unit", "cycle").first())
    if found is None:
        raise Http404
    return found
