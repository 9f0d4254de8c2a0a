"""A tenant's yearly evaluation cycle, its deadlines and per-cadre extensions."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from cadres.models import Cadre, Tenant, Unit
from cadres.scoping import TenantManager


class CycleStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("cycle status", "Open")
    CLOSED = "closed", pgettext_lazy("cycle status", "Closed")


class DeadlineKind(models.TextChoices):
    REGISTRATION = "registration", _("Registration closes")
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment due")
    REVIEW = "review", _("Review due")
    UNIT_REPORT = "unit_report", _("Unit report due")


def default_unit_report_due(year: int) -> datetime.date:
    """Huyện level reports to the province before 30/10 (domain §6)."""
    return datetime.date(year, 10, 30)


class Cycle(models.Model):
    """One tenant's evaluation year. A closed cycle is read-only: every write refuses."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+", verbose_name=_("tenant"))
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=10, choices=CycleStatus.choices, default=CycleStatus.OPEN)
    registration_closes = models.DateField(_("registration closes"))
    self_assessment_due = models.DateField(_("self-assessment due"))
    review_due = models.DateField(_("review due"))
    unit_report_due = models.DateField(_("unit report due"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Why it was last reopened; the next snapshot of its figures carries it.
    reopen_reason = models.CharField(_("reason for reopening"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("evaluation cycle")
        verbose_name_plural = _("evaluation cycles")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["tenant", "year"], name="cycle_unique_year")]

    def __str__(self) -> str:
        return str(self.year)

    @property
    def is_open(self) -> bool:
        return self.status == CycleStatus.OPEN

    def reference_date(self, today: datetime.date | None = None) -> datetime.date:
        """The day whose positions count in this cycle — who is in scope, at which unit, with
        which targets — in forms, rollups and reminders alike: 31/12 of the year, or today
        while the year runs. Positions always have a start date, so someone who joined
        after the year had ended is never counted in it."""
        return min(today or timezone.localdate(), datetime.date(self.year, 12, 31))

    def date_for(self, kind: str) -> datetime.date:
        return {
            DeadlineKind.REGISTRATION: self.registration_closes,
            DeadlineKind.SELF_ASSESSMENT: self.self_assessment_due,
            DeadlineKind.REVIEW: self.review_due,
            DeadlineKind.UNIT_REPORT: self.unit_report_due,
        }[kind]


class CycleDeadline(models.Model):
    """An earlier date a unit sets for its subtree; the nearest unit up the tree wins."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="unit_deadlines")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("deadline"), max_length=20, choices=DeadlineKind.choices)
    date = models.DateField(_("date"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")

    objects = TenantManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "unit", "kind"], name="cycle_deadline_unique")]


class DeadlineExtension(models.Model):
    """Lets one cadre submit after a deadline, until `until`; such a submission is marked late."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="extensions")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="deadline_extensions")
    kind = models.CharField(_("deadline"), max_length=20, choices=DeadlineKind.choices)
    until = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "cadre", "kind"], name="extension_unique")]


class CapMode(models.TextChoices):
    OFF = "off", _("No cap")
    WARN = "warn", _("Warn")
    BLOCK = "block", _("Block")


class EvaluationSettings(models.Model):
    """A tenant's evaluation settings; `services.cycles.evaluation_settings_for` creates it."""

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, related_name="evaluation_settings")
    # Highest share (percent) of "Hoàn thành xuất sắc nhiệm vụ" among a unit's assessed cadres.
    excellent_cap_percent = models.PositiveSmallIntegerField(_("cap on excellent ratings (%)"), default=20)
    excellent_cap_mode = models.CharField(_("when the cap is exceeded"), max_length=10, choices=CapMode.choices,
                                          default=CapMode.OFF)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()
