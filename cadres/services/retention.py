"""Retention (Law 91/2025/QH15: data is kept no longer than its purpose needs): a person who
has held no position for `DEIDENTIFY_AFTER_YEARS` years is de-identified by the nightly job.
The province's staff are told `DEIDENTIFY_NOTICE_DAYS` days before, with the list, so someone
who should stay (a returning cadre: give them a position) can be kept; only people told of at
least that long ago are de-identified. Both steps are audited."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _, ngettext

from cadres.actors import SYSTEM
from cadres.models import Cadre, Grant, GrantRole, NoticeKind, Position, Tenant
from cadres.services.audit import audit_record
from cadres.services.erasure import cadre_deidentify
from cadres.services.notices import notify


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def retention_due(tenant: Tenant, on: datetime.date) -> QuerySet[Cadre]:
    """The tenant's people with no position held on or after `on` − N years: every position
    ended before it, or none at all and added before it. Not yet de-identified."""
    cutoff = _years_before(on, settings.DEIDENTIFY_AFTER_YEARS)
    recent = Position.objects.with_scopes_disabled().filter(
        Q(end_date__isnull=True) | Q(end_date__gte=cutoff), cadre_id=OuterRef("pk"))
    return (Cadre.objects.with_scopes_disabled()
            .filter(tenant=tenant, deidentified_at__isnull=True, created_at__date__lt=cutoff)
            .exclude(Exists(recent))
            .annotate(last_end=Max("positions__end_date"))
            .order_by("sort_key", "id"))


def _tell_staff(tenant: Tenant, cadres: list[Cadre], on: datetime.date) -> None:
    staff = [grant.user for grant in Grant.objects.with_scopes_disabled().filter(
        tenant=tenant, role=GrantRole.PROVINCIAL_STAFF).select_related("user")]
    subject = ngettext("%(n)d person will be de-identified on %(date)s",
                       "%(n)d people will be de-identified on %(date)s", len(cadres)) % {
        "n": len(cadres), "date": f"{on:%d/%m/%Y}"}
    body = _("They have held no position for %(years)d years. Give a position to anyone who should be kept:") % {
        "years": settings.DEIDENTIFY_AFTER_YEARS} + "\n" + "\n".join(f"- {cadre.full_name}" for cadre in cadres)
    notify(recipients=staff, tenant_id=tenant.pk, kind=NoticeKind.RETENTION, subject=subject, body=body)
    audit_record(actor=SYSTEM, action="retention.notice", obj=tenant, tenant=tenant,
                 data={"count": len(cadres), "on": on.isoformat()})


def retention_run(*, on: datetime.date | None = None) -> tuple[int, int]:
    """The nightly job: tell the staff of those due in `DEIDENTIFY_NOTICE_DAYS` days, and
    de-identify those due today who were told of at least that long ago. (told, de-identified)"""
    on = on or timezone.localdate()
    notice_days = settings.DEIDENTIFY_NOTICE_DAYS
    told = done = 0
    now = timezone.now()
    for tenant in Tenant.objects.all():
        with transaction.atomic():
            soon = list(retention_due(tenant, on + datetime.timedelta(days=notice_days))
                        .filter(retention_noticed_at__isnull=True))
            if soon:
                _tell_staff(tenant, soon, on + datetime.timedelta(days=notice_days))
                Cadre.objects.with_scopes_disabled().filter(pk__in=[c.pk for c in soon]).update(
                    retention_noticed_at=now)
                told += len(soon)
        told_before = now - datetime.timedelta(days=notice_days)
        for cadre in retention_due(tenant, on).filter(retention_noticed_at__lte=told_before):
            cadre_deidentify(cadre=cadre, reason=_("Retention: no position for %(years)d years") % {
                "years": settings.DEIDENTIFY_AFTER_YEARS}, acting_user=SYSTEM)
            done += 1
    return told, done
