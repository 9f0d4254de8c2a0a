"""The Content-Security-Policy (config/settings.py). Every response of the test client is
checked against it (tests/csp.py), so the permission matrices check it on each page for
each persona; here: the policy itself, a nonce of its own per response, the pages outside
the matrices (allauth's, the platform admin's), the same policy with DEBUG on, and that
the check fails when it should."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.test import override_settings
from django.urls import reverse

from cadres.models import PositionRole
from tests.cadres.factories import PASSWORD, CadreFactory, UserFactory, province_pair
from tests.csp import EXPECTED, CSPCheckedClient, check_csp, parse_policy
from tests.test_platform_admin import current_code, turn_on_totp

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def manager():
    return CadreFactory(unit=province_pair()["d1"], role=PositionRole.SECRETARY).user


def nonce_of(response) -> str:
    script_src = parse_policy(response["Content-Security-Policy"])["script-src"]
    assert len(script_src) == 2 and script_src[1].startswith("'nonce-"), script_src
    return script_src[1][len("'nonce-"):-1]


def test_the_policy_allows_our_files_only(client, manager):
    client.force_login(manager)
    response = client.get(reverse("home"))
    policy = parse_policy(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'", f"'nonce-{nonce_of(response)}'"]
    assert {name: values for name, values in policy.items() if name != "script-src"} == {
        name: values for name, values in EXPECTED.items() if name != "script-src"}
    for refused in ("'unsafe-inline'", "'unsafe-eval'", "*", "https:"):
        assert refused not in response["Content-Security-Policy"]
    # htmx is told to keep to it: no eval, no <style> of its own, no script from a fragment.
    assert json.loads(response.content.decode().split("name=\"htmx-config\" content='")[1].split("'")[0]) == {
        "allowEval": False, "includeIndicatorStyles": False, "allowScriptTags": False}


def test_each_response_has_a_nonce_of_its_own_on_its_scripts(client, manager):
    client.force_login(manager)
    first, second = (client.get(reverse("home")) for _ in range(2))
    assert nonce_of(first) != nonce_of(second)
    for response in (first, second):
        page = response.content.decode()
        scripts = page.count("<script ")
        assert scripts == page.count(f'nonce="{nonce_of(response)}"') and scripts >= 2  # each script carries it


def test_files_and_redirects_carry_the_policy_too(client, manager):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and "Content-Security-Policy" in response
    client.force_login(manager)
    response = client.get(reverse("import_template", args=["cadres"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert parse_policy(response["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]


def test_account_pages_keep_to_the_policy(client, manager):
    """allauth's pages, ours or its own templates: every one without arguments, for a
    visitor and for a manager; the checked client refuses any that break the policy."""
    anonymous_pages = ["account_login", "account_reset_password", "account_reset_password_done"]
    for name in anonymous_pages:
        assert client.get(reverse(name)).status_code == 200, name
    client.post(reverse("account_login"), {"login": manager.email, "password": PASSWORD})
    for name in ["account_change_password", "mfa_index", "account_reauthenticate"]:
        assert client.get(reverse(name)).status_code == 200, name
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    activate = client.get(reverse("mfa_activate_totp"))
    # The QR code to scan is a data: image, which img-src allows.
    assert '<img src="data:image/svg+xml;base64,' in activate.content.decode()
    code = current_code(activate.context["form"].secret)
    assert client.post(reverse("mfa_activate_totp"), {"code": code}).status_code == 302
    for name in ["mfa_index", "mfa_view_recovery_codes", "mfa_generate_recovery_codes", "mfa_deactivate_totp"]:
        assert client.get(reverse(name)).status_code == 200, name


def test_platform_admin_pages_keep_to_the_policy(client):
    """Every page of every model the platform admin holds; django-celery-beat's task form
    has an inline script, given the nonce by templates/admin/djcelery/."""
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.post(reverse("account_login"), {"login": superuser.email, "password": PASSWORD})
    secret = turn_on_totp(client, superuser)
    client.logout()
    client.post(reverse("account_login"), {"login": superuser.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert client.get(reverse("admin:index")).status_code == 200
    for model in admin.site._registry:
        opts = model._meta
        assert client.get(reverse("admin:app_list", args=[opts.app_label])).status_code == 200
        for page in ("changelist", "add"):
            assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}")).status_code == 200
    task_form = client.get(reverse("admin:django_celery_beat_periodictask_add"))
    assert f'<script id="periodic-task-overrides" nonce="{nonce_of(task_form)}">' in task_form.content.decode()


def test_debug_on_sends_the_same_policy():
    """`make run` (DEBUG=1) refuses what production refuses, so a violation shows first there."""
    env = {key: value for key, value in os.environ.items() if key not in {"PYTEST_CURRENT_TEST", "PYTEST_VERSION"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="1")
    code = ("import django, json; django.setup(); from django.conf import settings; "
            "print(json.dumps([settings.CONTENT_SECURITY_POLICY, 'csp.middleware.CSPMiddleware' in settings.MIDDLEWARE],"
            " default=str))")
    result = subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True,
                            text=True, check=True)
    policy, middleware_on = json.loads(result.stdout)
    assert middleware_on
    assert policy == json.loads(json.dumps(settings.CONTENT_SECURITY_POLICY, default=str))


@pytest.mark.parametrize("body, refused", [
    ('<p style="color: red">x</p>', 'style="color: red"'),
    ("<style>p { color: red }</style>", "<style>"),
    ("<script>alert(1)</script>", "inline script"),
    ('<button onclick="go()">x</button>', "onclick"),
    ('<a href="javascript:go()">x</a>', "javascript:"),
])
def test_the_check_refuses_what_a_browser_would(body, refused):
    response = HttpResponse(f"<!doctype html><body>{body}</body>")
    response["Content-Security-Policy"] = "; ".join(f"{name} {' '.join(values)}" for name, values in EXPECTED.items())
    response.request = {"REQUEST_METHOD": "GET", "PATH_INFO": "/x/"}
    with pytest.raises(AssertionError, match=refused):
        check_csp(response)


def test_the_check_fails_without_the_header_and_on_a_repeated_nonce(client, manager):
    without = [name for name in settings.MIDDLEWARE if name != "csp.middleware.CSPMiddleware"]
    with override_settings(MIDDLEWARE=without):
        unchecked = CSPCheckedClient()  # a client loads the middleware at its first request
        unchecked.force_login(manager)
        with pytest.raises(AssertionError, match="no Content-Security-Policy"):
            unchecked.get(reverse("home"))
    client.force_login(manager)
    response = client.get(reverse("home"))
    with pytest.raises(AssertionError, match="already sent"):
        check_csp(response, {nonce_of(response)})
