"""Multi-source feedback (seed 004): comments on a cadre from the cấp ủy and from đoàn viên,
for the reviewer's eyes only."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, Tenant
from cadres.scoping import TenantManager
from evaluations.models.cycles import Cycle


class FeedbackSource(models.TextChoices):
    COMMITTEE = "committee", _("Party committee")
    MEMBER = "member", _("Youth Union member")


class FeedbackRequest(models.Model):
    """A one-time link: only the SHA-256 of its random token is stored."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=12, choices=FeedbackSource.choices)
    email = models.EmailField(_("email"), blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at"]


class Feedback(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    request = models.OneToOneField(FeedbackRequest, on_delete=models.PROTECT, related_name="feedback")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["created_at"]
