"""The platform admin holds tenants and the job schedule, never people, and opens only to a
superuser who passed a second factor in this session."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.contrib import admin
from django.urls import reverse

from cadres.models import AuditEvent, Tenant, Unit
from config.admin import is_platform_model
from tests.cadres.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def current_code(secret):
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def turn_on_totp(client, user):
    """Through allauth's own pages, as the operator would: confirm the password, scan, type a code."""
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    assert client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)}).status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    return secret


@pytest.fixture
def superuser():
    return UserFactory(email="vanhanh@example.vn", is_staff=True, is_superuser=True)


def test_no_model_holding_people_is_registered():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert "cadres.tenant" in registered
    assert all(is_platform_model(model) for model in admin.site._registry), registered
    for held in ("account.emailaddress", "mfa.authenticator", "cadres.user", "auth.group", "sessions.session",
                 "cadres.cadre", "cadres.unit", "cadres.auditevent"):
        assert held not in registered


def test_a_superuser_without_totp_is_sent_to_turn_it_on(client, superuser):
    client.post(reverse("account_login"), {"login": superuser.email, "password": PASSWORD})
    response = client.get(reverse("admin:index"), follow=True)
    assert reverse("mfa_activate_totp") in [url for url, _status in response.redirect_chain]
    # allauth asks for the password again before the activation page; the reason shows above.
    assert "Hãy bật đăng nhập hai bước trước khi vào trang quản trị nền tảng." in response.content.decode()
    response = client.post(response.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    assert client.get(reverse("admin:cadres_tenant_changelist")).status_code == 302


def test_totp_turned_on_in_this_session_still_asks_for_a_code(client, superuser):
    client.post(reverse("account_login"), {"login": superuser.email, "password": PASSWORD})
    secret = turn_on_totp(client, superuser)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("mfa_reauthenticate"))
    response = client.post(response.redirect_chain[-1][0], {"code": current_code(secret)}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:index")
    assert response.status_code == 200


def test_anonymous_people_go_to_the_apps_login_and_staff_without_superuser_are_refused(client):
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("admin:login")).status_code == 403


def test_after_login_with_a_code_the_superuser_creates_a_tenant_and_it_is_audited(client, superuser):
    client.post(reverse("account_login"), {"login": superuser.email, "password": PASSWORD})
    secret = turn_on_totp(client, superuser)
    client.logout()
    response = client.post(reverse("account_login"), {"login": superuser.email, "password": PASSWORD})
    assert response.url == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert client.get(reverse("admin:index")).status_code == 200

    response = client.post(reverse("admin:cadres_tenant_add"),
                           {"name": "Tỉnh Đoàn Đồng Tháp", "slug": "dong-thap", "root_code": "TDDT"})
    assert response.status_code == 302
    tenant = Tenant.objects.get(slug="dong-thap")
    assert Unit.objects.get(tenant=tenant, depth=1).code == "TDDT"
    event = AuditEvent.objects.get(action="platform_admin.add")
    assert event.actor == superuser and event.tenant == tenant and event.data["name"] == "Tỉnh Đoàn Đồng Tháp"
    # The pages that once let an operator take over an account do not exist.
    assert client.get("/platform-admin/account/emailaddress/add/").status_code == 404
    assert client.get("/platform-admin/mfa/authenticator/").status_code == 404
    assert not EmailAddress.objects.filter(user=superuser).exclude(email=superuser.email).exists()
