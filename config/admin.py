"""The platform admin (/platform-admin/): tenants and the periodic job schedule, what the
platform's operators run. People are reached only through the tenants' scoped pages, so the
admins other apps register (allauth's e-mail addresses and second factors, auth's users and
groups) are refused here: through them an operator could add a verified address to someone's
account and reset its password, or read people's data. The site opens only to a superuser
who passed a second factor (TOTP) in this session, and each change is an audit row."""

from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models.base import ModelBase
from django.db.models.signals import post_save
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from cadres.models import Tenant
from cadres.services.audit import audit_record

PLATFORM_MODELS = frozenset({"cadres.tenant", "cadres.breach"})
PLATFORM_APPS = frozenset({"django_celery_beat"})
LOG_ACTIONS = {ADDITION: "platform_admin.add", CHANGE: "platform_admin.change", DELETION: "platform_admin.delete"}


def is_platform_model(model: type) -> bool:
    meta = model._meta  # type: ignore[attr-defined]
    return meta.label_lower in PLATFORM_MODELS or meta.app_label in PLATFORM_APPS


def passed_second_factor(request: HttpRequest) -> bool:
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


class PlatformAdminSite(admin.AdminSite):
    site_header = site_title = _("Platform administration")

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        models = [model_or_iterable] if isinstance(model_or_iterable, ModelBase) else list(model_or_iterable)
        platform_models = [model for model in models if is_platform_model(model)]
        if platform_models:
            super().register(platform_models, admin_class, **options)

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and request.user.is_superuser and passed_second_factor(request)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """No login form of its own: allauth's (with its second factor) signs people in, and
        a superuser without TOTP is sent to turn it on first."""
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            next_url = reverse("admin:index")
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(next_url, settings.LOGIN_URL)
        if not (user.is_active and user.is_staff and user.is_superuser):
            raise PermissionDenied
        if not is_mfa_enabled(user, [Authenticator.Type.TOTP]):
            messages.info(request, _("Turn on two-step login before you open the platform admin."))
            return redirect("mfa_activate_totp")
        if not passed_second_factor(request):
            return redirect_to_login(next_url, reverse("mfa_reauthenticate"))
        return redirect(next_url)


def _audit_log_entry(sender: type[LogEntry], instance: LogEntry, created: bool, **kwargs: Any) -> None:
    """The admin writes a LogEntry in the transaction of each change; the audit row joins it."""
    content_type = instance.content_type
    if not created or content_type is None or instance.object_id is None:
        return
    tenant = Tenant.objects.filter(pk=instance.object_id).first() if content_type.model_class() is Tenant else None
    audit_record(
        actor=instance.user, action=LOG_ACTIONS[instance.action_flag], obj=instance, tenant=tenant,
        data={"object": f"{content_type.app_label}.{content_type.model}#{instance.object_id}",
              "name": instance.object_repr, "change": instance.get_change_message()},
    )


def connect_audit() -> None:
    post_save.connect(_audit_log_entry, sender=LogEntry, dispatch_uid="platform_admin_audit")
