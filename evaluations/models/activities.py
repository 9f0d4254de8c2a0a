"""The activity log: what a cadre did, from which quantitative actuals are computed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, Tenant
from cadres.scoping import TenantManager
from models_registry.models import ActivityKind


def _photo_path(instance, filename: str) -> str:
    from evaluations.uploads import private_upload_path

    return private_upload_path("activities", filename)


def _document_path(instance, filename: str) -> str:
    from evaluations.uploads import private_upload_path

    return private_upload_path("initiatives", filename)


class Activity(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="activities")
    kind = models.CharField(_("kind"), max_length=30, choices=ActivityKind.choices)
    date = models.DateField(_("date"))
    # Volunteer hours only.
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2, null=True, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    photo = models.ImageField(_("photo"), upload_to=_photo_path, max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["cadre", "date"])]


class InitiativeState(models.TextChoices):
    PENDING = "pending", _("Awaiting recognition")
    RECOGNISED = "recognised", _("Recognised")
    NOT_RECOGNISED = "not_recognised", _("Not recognised")


class Initiative(models.Model):
    """A sáng kiến. What the cadre writes is a claim ("awaiting recognition"); it counts —
    toward criteria that count initiatives and chỉ tiêu 3 — only once their reviewer or
    their unit's BTV has recognised it (`evaluations.services.initiatives`), with the body
    that recognised it and that decision's number and date."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="initiatives")
    title = models.CharField(_("title"), max_length=300)
    # The cadre's entry until recognised; then the body the reviewer confirmed.
    recognised_by = models.CharField(_("recognised by"), max_length=300, blank=True)
    date = models.DateField(_("date"))
    document = models.FileField(_("document"), upload_to=_document_path, max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=InitiativeState.choices,
                             default=InitiativeState.PENDING)
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    # Why it was not recognised (or why a recognition was withdrawn).
    decision_comment = models.CharField(_("comment"), max_length=1000, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    lock_version = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["-date", "-id"]
        constraints = [
            # A recognised sáng kiến names who recognised it and the decision.
            models.CheckConstraint(
                condition=~models.Q(state="recognised") | (
                    ~models.Q(recognised_by="") & ~models.Q(decision_number="") & models.Q(decision_date__isnull=False)),
                name="initiative_recognised_has_decision"),
        ]

    @property
    def is_pending(self) -> bool:
        return self.state == InitiativeState.PENDING

    @property
    def is_recognised(self) -> bool:
        return self.state == InitiativeState.RECOGNISED
