"""Clubs of a unit (seed 003: "CLB Bí thư Chi đoàn" of a huyện or xã): their members, the chi
đoàn secretaries of the unit's subtree; a club's meetings are `RatingMeeting` rows of purpose
`club` (the one model of a unit's meetings), with their topic and who attended."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, Tenant, Unit
from cadres.scoping import TenantManager


class Club(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="clubs", verbose_name=_("unit"))
    name = models.CharField(_("name"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("club")
        verbose_name_plural = _("clubs")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="club_name_unique_in_unit")]

    def __str__(self) -> str:
        return self.name


class ClubMember(models.Model):
    """A member from `joined_on` to `left_on` (None: still a member); nobody is deleted."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    club = models.ForeignKey(Club, on_delete=models.PROTECT, related_name="members")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="club_memberships")
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("club member")
        verbose_name_plural = _("club members")
        ordering = ["joined_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["club", "cadre"], condition=Q(left_on__isnull=True),
                                    name="club_member_once"),
            models.CheckConstraint(condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                                   name="club_member_dates_order"),
        ]
