"""Commendations (tuyên dương, khen thưởng; seed 004): per cycle, a unit's BTV proposes
cadres and units of its subtree — from "Hoàn thành xuất sắc nhiệm vụ" ratings and attained
targets — and decides, with the decision's number and date (`evaluations.services.commendations`)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, Tenant, Unit
from cadres.scoping import TenantManager
from evaluations.models.cycles import Cycle


class CommendationState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    DECIDED = "decided", _("Commended")
    DECLINED = "declined", _("Not commended")


class CommendationGround(models.TextChoices):
    RATING = "rating", _("Rated “Excellently completed duties”")
    TARGETS = "targets", _("Attained the programme's targets")
    OTHER = "other", _("Other achievement")


class Commendation(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="+")
    # The unit whose BTV proposes and decides.
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="commendations_given")
    # Exactly one of: the cadre commended, the unit commended.
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, null=True, blank=True, related_name="commendations")
    honoured_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="commendations", verbose_name=_("unit commended"))
    ground = models.CharField(_("ground"), max_length=10, choices=CommendationGround.choices)
    grounds = models.CharField(_("achievements"), max_length=1000, blank=True)
    state = models.CharField(_("status"), max_length=10, choices=CommendationState.choices,
                             default=CommendationState.PROPOSED)
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_comment = models.CharField(_("comment"), max_length=1000, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    lock_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["-decision_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(cadre__isnull=True) ^ Q(honoured_unit__isnull=True),
                                   name="commendation_one_subject"),
            models.UniqueConstraint(fields=["cycle", "unit", "cadre"], condition=~Q(state="declined"),
                                    name="commendation_cadre_once"),
            models.UniqueConstraint(fields=["cycle", "unit", "honoured_unit"], condition=~Q(state="declined"),
                                    name="commendation_unit_once"),
        ]

    def __str__(self) -> str:
        return str(self.cadre or self.honoured_unit)

    @property
    def subject_name(self) -> str:
        return self.cadre.full_name if self.cadre else self.honoured_unit.name  # type: ignore[union-attr]

    @property
    def is_decided(self) -> bool:
        return self.state == CommendationState.DECIDED
