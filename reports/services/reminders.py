"""Reminders before deadlines and late lists after them (domain §6), run each morning by
beat. Dates are Asia/Ho_Chi_Minh days (TIME_ZONE).

- `REMINDER_DAYS_BEFORE` days (setting, default 7 and 1) before a deadline: cadres who
  have not registered or self-assessed, reviewers with forms waiting, and unit managers
  whose report is due;
- the day after a deadline: the managers of the parent unit get the late cadres of each
  unit below it, and the units that have not sent their report, as a notice (in the app,
  and by email at once or in their digest, as each chose: `cadres.services.notices`).

Everything one person is owed on one day goes into ONE email, whatever the number of
forms or units; a `ReminderLog` row (unique per person, day and kind) makes a second run
on the same day send nothing.
"""

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cadres.models import Cadre, Grant, GrantRole, NoticeKind, Position, PositionRole, Tenant, Unit, User
from cadres.selectors import manages_unit, unit_managers, users_by_id
from cadres.services.audit import audit_record
from cadres.services.notices import notify
from cadres.transitions import require
from evaluations.kinds import KINDS, FormKind
from evaluations.models import Cycle, CycleDeadline, CycleStatus, DeadlineKind, RegistrationState
from reports.models import ReminderKind, ReminderLog, UnitReport, UnitReportState
from reports.rollup import home_units
from reports.selectors import unregistered_cadres

logger = logging.getLogger(__name__)


def reminder_days() -> tuple[int, ...]:
    return settings.REMINDER_DAYS_BEFORE


def _fmt(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


class _Tree:
    """The tenant's live units and each one's deadlines, from two queries."""

    def __init__(self, cycle: Cycle):
        self.cycle = cycle
        self.units = {u.pk: u for u in Unit.objects.filter(tenant_id=cycle.tenant_id, archived_at__isnull=True)}
        self.by_path = {u.path: u for u in self.units.values()}
        self.path_dates = {(self.units[u].path, kind): date for u, kind, date
                           in CycleDeadline.objects.filter(cycle=cycle).values_list("unit_id", "kind", "date")
                           if u in self.units}

    def parent(self, unit: Unit) -> Unit | None:
        return self.by_path.get(unit.path[:-Unit.steplen]) if unit.depth > 1 else None

    def parent_of(self, unit: Unit) -> Unit:
        """The parent of a unit known to have a live one."""
        parent = self.parent(unit)
        if parent is None:
            raise KeyError(unit.path)
        return parent

    def deadline(self, unit: Unit, kind: str, from_parent: bool = False) -> datetime.date:
        """`effective_deadline`, for every unit at once; a unit report's is set from the parent up."""
        end = len(unit.path) - (Unit.steplen if from_parent else 0)
        for stop in range(end, 0, -Unit.steplen):
            found = self.path_dates.get((unit.path[:stop], kind))
            if found:
                return found
        return self.cycle.date_for(kind)


def _reviewers(unit_ids: Iterable[int]) -> dict[int, set[int]]:
    found = defaultdict(set)
    for unit_id, user_id in Position.objects.active().filter(
            unit_id__in=unit_ids, role=PositionRole.SECRETARY, cadre__user__isnull=False,
            cadre__archived_at__isnull=True).values_list("unit_id", "cadre__user_id"):
        found[unit_id].add(user_id)
    for unit_id, user_id in Grant.objects.filter(unit_id__in=unit_ids, role=GrantRole.REVIEWER).values_list(
            "unit_id", "user_id"):
        found[unit_id].add(user_id)
    return found


Missing = dict[FormKind[Any], dict[int, list[int]]]


def _missing(cycle: Cycle) -> Missing:
    """Per form kind with a reminder: home unit → cadres who owe that form and have not
    submitted it."""
    homes = home_units(cycle)
    missing: Missing = {}
    for kind in KINDS:
        if kind.reminder is None:
            continue
        owing = kind.reminder.owed_by(cycle) if kind.reminder.owed_by else None
        filed = set(kind.forms(cycle=cycle, submitted_at__isnull=False).values_list("cadre_id", flat=True))
        by_unit: defaultdict[int, list[int]] = defaultdict(list)
        missing[kind] = by_unit
        for cadre_id, unit_id in homes.items():
            if cadre_id not in filed and (owing is None or cadre_id in owing):
                by_unit[unit_id].append(cadre_id)
    return missing


def _reports_outstanding(cycle: Cycle, tree: _Tree) -> list[Unit]:
    sent = set(UnitReport.objects.filter(cycle=cycle).exclude(
        state__in=[UnitReportState.DRAFT, UnitReportState.RETURNED]).values_list("unit_id", flat=True))
    return [unit for unit in tree.units.values() if unit.depth > 1 and unit.pk not in sent]


def _digest_items(cycle: Cycle, tree: _Tree, missing: Missing, today: datetime.date) -> dict[int, list[str]]:
    soon = {today + datetime.timedelta(days=n) for n in reminder_days()}
    items: dict[int, list[str]] = defaultdict(list)
    for kind, by_unit in missing.items():
        reminder, deadline = kind.reminder, kind.deadline
        if reminder is None or deadline is None:  # `_missing` keeps only kinds with both
            continue
        owed = [(cadre_id, tree.deadline(tree.units[unit_id], deadline)) for unit_id, cadres in by_unit.items()
                for cadre_id in cadres if unit_id in tree.units]
        owed = [(cadre_id, due) for cadre_id, due in owed if due in soon]
        users = dict(Cadre.objects.filter(pk__in=[c for c, _due in owed], user__isnull=False)
                     .values_list("pk", "user_id"))
        for cadre_id, due in owed:
            if cadre_id in users:
                items[users[cadre_id]].append(reminder.digest % {"date": _fmt(due)})
    waiting: defaultdict[int, int] = defaultdict(int)
    # "submitted" is the same state in every kind's flow: waiting for its reviewer (a unit's
    # form waits for the parent's BTV, told by its notice, not for the unit's own reviewers).
    for kind in (kind for kind in KINDS if not kind.for_units):
        for unit_id in kind.forms(cycle=cycle, state=RegistrationState.SUBMITTED).values_list("unit_id", flat=True):
            waiting[unit_id] += 1
    due_units = {u: tree.deadline(tree.units[u], DeadlineKind.REVIEW) for u in waiting if u in tree.units}
    due_units = {u: due for u, due in due_units.items() if due in soon}
    for unit_id, reviewer_ids in _reviewers(due_units).items():
        for user_id in reviewer_ids:
            items[user_id].append(_("%(n)d forms of %(unit)s await your review; review is due by %(date)s.") % {
                "n": waiting[unit_id], "unit": tree.units[unit_id].name, "date": _fmt(due_units[unit_id])})
    reports_due = {u.pk: tree.deadline(u, DeadlineKind.UNIT_REPORT, from_parent=True)
                   for u in _reports_outstanding(cycle, tree)}
    reports_due = {u: due for u, due in reports_due.items() if due in soon}
    for unit_id, manager_ids in unit_managers(reports_due).items():
        unit = tree.units[unit_id]
        for user_id in manager_ids:
            items[user_id].append(_("The report of %(unit)s is due at %(parent)s by %(date)s.") % {
                "unit": unit.name, "parent": tree.parent_of(unit).name, "date": _fmt(reports_due[unit_id])})
    return items


def _escalation_items(cycle: Cycle, tree: _Tree, missing: Missing, today: datetime.date) -> dict[int, list[str]]:
    """The day after a deadline: to the parent unit's managers, who is late below them."""
    yesterday = today - datetime.timedelta(days=1)
    late: dict[int, list[str]] = defaultdict(list)  # parent unit id → lines
    for kind, by_unit in missing.items():
        reminder, deadline = kind.reminder, kind.deadline
        if reminder is None or deadline is None:  # `_missing` keeps only kinds with both
            continue
        overdue = {u: cadres for u, cadres in by_unit.items()
                   if u in tree.units and tree.parent(tree.units[u])
                   and tree.deadline(tree.units[u], deadline) == yesterday}
        names = dict(Cadre.objects.filter(pk__in=[c for cadres in overdue.values() for c in cadres])
                     .values_list("pk", "full_name"))
        for unit_id, cadres in sorted(overdue.items(), key=lambda item: tree.units[item[0]].path):
            unit = tree.units[unit_id]
            late[tree.parent_of(unit).pk].append(reminder.escalation % {
                "unit": unit.name, "n": len(cadres), "names": ", ".join(sorted(names[c] for c in cadres))})
    for unit in sorted(_reports_outstanding(cycle, tree), key=lambda u: u.path):
        if tree.deadline(unit, DeadlineKind.UNIT_REPORT, from_parent=True) == yesterday:
            late[tree.parent_of(unit).pk].append(_("%(unit)s has not sent its report (due %(date)s).") % {
                "unit": unit.name, "date": _fmt(yesterday)})
    items: dict[int, list[str]] = defaultdict(list)
    for unit_id, users in unit_managers(late).items():
        for user_id in users:
            items[user_id].extend(late[unit_id])
    return items


def _send(tenant: Tenant, kind: str, items: dict[int, list[str]], today: datetime.date) -> int:
    """One email (a digest) or one notice (a late list, to the parent's managers: in the app,
    and by email as each chose) per person; returns how many."""
    sent = 0
    users = {user.pk: user for user in users_by_id(items)}
    for user_id, lines in sorted(items.items()):
        user = users.get(user_id)
        late_list = kind == ReminderKind.ESCALATION
        if user is None or not lines or not (user.email or late_list):
            continue
        try:
            with transaction.atomic():
                ReminderLog.objects.create(tenant=tenant, user_id=user_id, day=today, kind=kind, items=lines)
                context = {"lines": lines, "day": today, "tenant": tenant, "kind": kind}
                subject = " ".join(render_to_string(f"reports/email/{kind}_subject.txt", context).split())
                if late_list:
                    notify(recipients=[user], tenant_id=tenant.pk, kind=NoticeKind.LATE, subject=subject,
                           body=render_to_string(f"reports/email/{kind}_body.txt", context), link=reverse("manage"))
                else:
                    send_mail(subject, render_to_string(f"reports/email/{kind}_body.txt", context), None,
                              [user.email or ""])
        except IntegrityError:  # already sent today
            continue
        sent += 1
    return sent


def reminders_send(*, tenant: Tenant, today: datetime.date | None = None) -> int:
    """Send today's digests and late lists for the tenant's open cycles; returns emails sent."""
    today = today or timezone.localdate()
    digests, escalations = defaultdict(list), defaultdict(list)
    with translation.override(settings.LANGUAGE_CODE):
        for cycle in Cycle.objects.filter(tenant=tenant, status=CycleStatus.OPEN):
            tree = _Tree(cycle)
            missing = _missing(cycle)
            for user_id, lines in _digest_items(cycle, tree, missing, today).items():
                digests[user_id].extend(lines)
            for user_id, lines in _escalation_items(cycle, tree, missing, today).items():
                escalations[user_id].extend(lines)
        return (_send(tenant, ReminderKind.DIGEST, digests, today)
                + _send(tenant, ReminderKind.ESCALATION, escalations, today))


@transaction.atomic
def registration_nudge(*, cycle: Cycle, unit: Unit, acting_user: User, cadre: Cadre | None = None,
                       today: datetime.date | None = None) -> int:
    """"Nhắc" from the list of who has not registered: a notice (in the app, and by email as
    each chose) to the cadres of `unit`'s subtree who still owe the cycle's ĐKCT01, or to one
    of them; at most once a day per person (`ReminderLog`). Returns how many were reminded."""
    require(acting_user, lambda user: manages_unit(user, unit), _("You do not manage %(unit)s.") % {"unit": unit.name})
    today = today or timezone.localdate()
    owing = unregistered_cadres(unit, cycle).filter(user__isnull=False).select_related("user")
    if cadre is not None:
        owing = owing.filter(pk=cadre.pk)
    due = _Tree(cycle).deadline(unit, DeadlineKind.REGISTRATION)
    reminded = []
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Reminder: register your commitments (ĐKCT01) for %(year)d") % {"year": cycle.year}
        body = _("%(manager)s of %(unit)s reminds you to register your commitments (ĐKCT01) for %(year)d "
                 "by %(date)s.") % {"manager": acting_user.full_name or acting_user.email, "unit": unit.name,
                                    "year": cycle.year, "date": _fmt(due)}
        for person in owing:
            if person.user is None:  # filtered out above; for the type checker
                continue
            try:
                with transaction.atomic():
                    ReminderLog.objects.create(tenant_id=cycle.tenant_id, user=person.user, day=today,
                                               kind=ReminderKind.NUDGE, items=[subject])
            except IntegrityError:  # reminded already today
                continue
            notify(recipients=[person.user], tenant_id=cycle.tenant_id, kind=NoticeKind.REMINDER, subject=subject,
                   body=body, link=reverse("registration_list"), actor=acting_user)
            reminded.append(person.pk)
    audit_record(actor=acting_user, action="registration.nudge", obj=unit,
                 data={"year": cycle.year, "cadres": len(reminded), **({"cadre": cadre.full_name} if cadre else {})})
    return len(reminded)

