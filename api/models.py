"""API clients: programs (the Trung ương Đoàn's and the provinces' own systems) that read one
unit's subtree with a bearer token, and the log of their calls.

A token is `srl_<prefix>_<secret>`: the prefix finds the client (indexed, unique), the secret
is kept only as its SHA-256, so a stolen database gives no working token. The token is shown
once, when the client is created or rotated.
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadres.models import Tenant, Unit
from cadres.scoping import TenantManager

TOKEN_PREFIX = "srl"


class ApiScope(models.TextChoices):
    UNITS_READ = "units:read", _("Read the unit tree")
    CADRES_READ = "cadres:read", _("Read cadres and their positions")
    FORMS_READ = "forms:read", _("Read programmes, registrations and self-assessments")
    FIGURES_READ = "figures:read", _("Read figures and report status")
    IMPORTS_WRITE = "imports:write", _("Import units and cadres")


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_token() -> tuple[str, str, str]:
    """(token, prefix, hash of the secret): the token to show once, what is stored of it."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return f"{TOKEN_PREFIX}_{prefix}_{secret}", prefix, secret_hash(secret)


def split_token(token: str) -> tuple[str, str] | None:
    """(prefix, secret) of a well-formed token, None for anything else."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or len(parts[1]) != 12 or not parts[2]:
        return None
    return parts[1], parts[2]


class ApiClient(models.Model):
    """One program's access: a unit's subtree of one tenant, with scopes, until it expires or
    is revoked. Never deleted (its calls and audit rows point at it)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="api_clients", verbose_name=_("unit"))
    name = models.CharField(_("name"), max_length=120)
    scopes = models.JSONField(_("scopes"), default=list)
    token_prefix = models.CharField(max_length=12, unique=True)
    token_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    rotated_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def matches(self, secret: str) -> bool:
        return hmac.compare_digest(self.token_hash, secret_hash(secret))

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def reaches(self, unit: Unit) -> bool:
        """Whether the client may still write into `unit`, as its token would still reach it:
        a job it queued checks this when it runs (it may have been revoked meanwhile)."""
        return (self.revoked_at is None and not self.is_expired and not self.unit.is_archived
                and self.has_scope(ApiScope.IMPORTS_WRITE) and unit.tenant_id == self.tenant_id
                and unit.path.startswith(self.unit.path) and not unit.is_archived)


class ApiCall(models.Model):
    """One call of a client: what the issue asks of the log, and no more (no query string, no
    body). One INSERT per call; the personal-data access log links here."""

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="calls")
    at = models.DateTimeField(auto_now_add=True)
    method = models.CharField(max_length=8)
    endpoint = models.CharField(max_length=80)  # the route's name, not the path with its ids
    path = models.CharField(max_length=300)
    status = models.PositiveSmallIntegerField()
    records = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["client", "-at"], name="api_call_client_at")]
