"""Cycles, unit deadlines, extensions and the tenant's evaluation settings."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import AnyUser, Cadre, Position, Tenant, Unit, User
from cadres.selectors import access_for, is_provincial_staff
from cadres.services.audit import audit_record
from cadres.transitions import Refusal
from evaluations.checks import check_cycle_open, check_same_tenant, effective_deadline
from evaluations.models import (
    CapMode,
    Cycle,
    CycleDeadline,
    CycleStatus,
    DeadlineExtension,
    DeadlineKind,
    EvaluationSettings,
)
from evaluations.models.cycles import default_unit_report_due
from evaluations.signals import cycle_closing, cycle_opened

DATE_FIELDS = ("registration_closes", "self_assessment_due", "review_due", "unit_report_due")


def _require_provincial(user: User, tenant_id: int) -> None:
    if not is_provincial_staff(user, tenant_id):
        raise Refusal(_("Only provincial staff open, change and close evaluation cycles."), "forbidden")


def default_dates(year: int) -> dict[str, datetime.date]:
    return {"registration_closes": datetime.date(year, 3, 31), "self_assessment_due": datetime.date(year, 9, 30),
            "review_due": datetime.date(year, 10, 15), "unit_report_due": default_unit_report_due(year)}


def _clean_dates(year: int, dates: dict[str, datetime.date | None]) -> dict[str, datetime.date]:
    cleaned = {**default_dates(year), **{key: value for key, value in dates.items() if value}}
    errors = {key: _("Choose a date in %(year)d.") % {"year": year}
              for key in DATE_FIELDS if not isinstance(cleaned[key], datetime.date) or cleaned[key].year != year}
    if not errors:
        for earlier, later in zip(DATE_FIELDS, DATE_FIELDS[1:]):
            if cleaned[later] < cleaned[earlier]:
                errors[later] = _("This date cannot come before the previous one.")
    if errors:
        raise ValidationError(errors, code="invalid")
    return cleaned


@transaction.atomic
def cycle_open(*, tenant: Tenant, year: int, acting_user: User, **dates: datetime.date | None) -> Cycle:
    """Open the tenant's cycle for a year (dates default: 31/3, 30/9, 15/10 and 30/10). A
    year that has a cycle already is refused: a closed one is reopened with a reason."""
    _require_provincial(acting_user, tenant.pk)
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter a year such as 2025.")})
    existing = Cycle.objects.filter(tenant=tenant, year=year).first()
    if existing is not None:
        message = (_("The %(year)d cycle is open already.") if existing.is_open else
                   _("The %(year)d cycle exists and is closed: reopen it from its page, giving a reason."))
        raise ValidationError({"year": message % {"year": year}}, code="exists")
    cycle = Cycle.objects.create(tenant=tenant, year=year, opened_by=acting_user, **_clean_dates(year, dates))
    audit_record(actor=acting_user, action="cycle.open", obj=cycle,
                 data={key: getattr(cycle, key).isoformat() for key in DATE_FIELDS})
    cycle_opened.send(sender=Cycle, cycle=cycle, acting_user=acting_user)
    return cycle


@transaction.atomic
def cycle_reopen(*, cycle: Cycle, reason: str, acting_user: User) -> Cycle:
    """Make a closed cycle writable again, for a reason that is recorded. Its frozen figures
    stay readable; closing it again freezes the next version."""
    _require_provincial(acting_user, cycle.tenant_id)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Say why the cycle is reopened: it is recorded with the figures.")},
                              code="invalid")
    if len(reason) > 500:
        raise ValidationError({"reason": _("At most %(n)d characters.") % {"n": 500}}, code="invalid")
    if not Cycle.objects.filter(pk=cycle.pk, status=CycleStatus.CLOSED).update(
            status=CycleStatus.OPEN, closed_at=None, reopen_reason=reason):
        raise Refusal(_("This cycle is open already."), "state")
    cycle.refresh_from_db()
    audit_record(actor=acting_user, action="cycle.reopen", obj=cycle, data={"reason": reason})
    cycle_opened.send(sender=Cycle, cycle=cycle, acting_user=acting_user)
    return cycle


@transaction.atomic
def cycle_update_dates(*, cycle: Cycle, acting_user: User, **dates: datetime.date | None) -> Cycle:
    _require_provincial(acting_user, cycle.tenant_id)
    check_cycle_open(cycle)
    current = {key: getattr(cycle, key) for key in DATE_FIELDS}
    cleaned = _clean_dates(cycle.year, {**current, **dates})
    for key, value in cleaned.items():
        setattr(cycle, key, value)
    cycle.save(update_fields=list(DATE_FIELDS))
    audit_record(actor=acting_user, action="cycle.update", obj=cycle,
                 data={key: [current[key].isoformat(), value.isoformat()]
                       for key, value in cleaned.items() if current[key] != value})
    return cycle


@transaction.atomic
def cycle_close(*, cycle: Cycle, acting_user: User) -> Cycle:
    """Make the cycle read-only: every write on its forms is refused from now on, and its
    figures are frozen (`cycle_closing`)."""
    _require_provincial(acting_user, cycle.tenant_id)
    if not Cycle.objects.filter(pk=cycle.pk, status=CycleStatus.OPEN).update(status=CycleStatus.CLOSED,
                                                                            closed_at=timezone.now()):
        raise Refusal(_("This cycle is already closed."), "state")
    cycle.refresh_from_db()
    audit_record(actor=acting_user, action="cycle.close", obj=cycle)
    cycle_closing.send(sender=Cycle, cycle=cycle, acting_user=acting_user)
    return cycle


@transaction.atomic
def cycle_deadline_set(*, cycle: Cycle, unit: Unit, kind: str, date: datetime.date, acting_user: User) -> CycleDeadline:
    """A unit's earlier deadline for its subtree, never later than the one above it."""
    check_same_tenant(cycle, unit)
    if not access_for(acting_user).manages_path(unit.path):
        raise Refusal(_("Only the unit's managers set its deadlines."), "forbidden")
    check_cycle_open(cycle)
    if kind not in DeadlineKind.values or not isinstance(date, datetime.date):
        raise ValidationError({"date": _("Choose a date.")})
    parent = Unit.objects.get_parent(unit) if unit.depth > 1 else None
    above = effective_deadline(cycle, parent, kind) if parent is not None else cycle.date_for(kind)
    if date > above:
        raise ValidationError({"date": _("A unit may only set an earlier date than %(date)s.")
                               % {"date": above.strftime("%d/%m/%Y")}})
    row, _created = CycleDeadline.objects.update_or_create(
        cycle=cycle, unit=unit, kind=kind, defaults={"tenant_id": cycle.tenant_id, "date": date, "set_by": acting_user}
    )
    audit_record(actor=acting_user, action="cycle.deadline_set", obj=cycle, unit=unit,
                 data={"unit": unit.code, "kind": kind, "date": date.isoformat()})
    return row


def _may_extend(user: AnyUser | None, cadre: Cadre) -> bool:
    """Managers of, or the reviewer at, a unit where the cadre holds a position; not oneself."""
    access = access_for(user)
    if access.cadre_id == cadre.pk:
        return False
    units = Position.objects.active().filter(cadre=cadre).values_list("unit_id", "unit__path")
    return any(unit_id in access.reviewed_unit_ids or access.manages_path(path) for unit_id, path in units)


@transaction.atomic
def deadline_extension_grant(*, cycle: Cycle, cadre: Cadre, kind: str, until: datetime.date, reason: str = "",
                             acting_user: User) -> DeadlineExtension:
    """Let one cadre submit after a deadline until `until` (their submission is marked late)."""
    check_same_tenant(cycle, cadre)
    if not _may_extend(acting_user, cadre):
        raise Refusal(_("Only the cadre's unit can grant them an extension."), "forbidden")
    check_cycle_open(cycle)
    if kind not in DeadlineKind.values:
        raise ValidationError({"kind": _("Choose one of the listed options.")})
    if not isinstance(until, datetime.date) or until < timezone.localdate():
        raise ValidationError({"until": _("Choose a date from today on.")})
    row, _created = DeadlineExtension.objects.update_or_create(
        cycle=cycle, cadre=cadre, kind=kind,
        defaults={"tenant_id": cycle.tenant_id, "until": until, "reason": (reason or "").strip()[:300],
                  "granted_by": acting_user},
    )
    audit_record(actor=acting_user, action="cycle.extension_grant", obj=cycle, cadre=cadre,
                 data={"cadre": cadre.pk, "kind": kind, "until": until.isoformat()})
    return row


def evaluation_settings_for(tenant: Tenant) -> EvaluationSettings:
    """The tenant's evaluation settings, created with the defaults (cap off) on first use."""
    try:
        with transaction.atomic():
            settings, _created = EvaluationSettings.objects.get_or_create(tenant=tenant)
    except IntegrityError:  # created by a concurrent request
        settings = EvaluationSettings.objects.get(tenant=tenant)
    return settings


@transaction.atomic
def evaluation_settings_update(*, tenant: Tenant, excellent_cap_percent: int | str, excellent_cap_mode: str,
                               acting_user: User) -> EvaluationSettings:
    """Cap the share of "xuất sắc" ratings in a unit (1–100 %), warning or blocking; or no cap."""
    _require_provincial(acting_user, tenant.pk)
    try:
        percent = int(excellent_cap_percent)
    except (TypeError, ValueError):
        percent = 0
    errors = {}
    if not 1 <= percent <= 100:
        errors["excellent_cap_percent"] = _("Enter a share between 1 and 100.")
    if excellent_cap_mode not in CapMode.values:
        errors["excellent_cap_mode"] = _("Choose one of the listed options.")
    if errors:
        raise ValidationError(errors, code="invalid")
    settings = evaluation_settings_for(tenant)
    settings.excellent_cap_percent, settings.excellent_cap_mode = percent, excellent_cap_mode
    settings.save()
    audit_record(actor=acting_user, action="evaluation_settings.update", obj=settings, tenant=tenant,
                 data={"percent": percent, "mode": excellent_cap_mode})
    return settings
