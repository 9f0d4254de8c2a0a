"""The platform around the app: health endpoint, production settings, the Celery worker."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from cadres.tasks import count_units
from tests.cadres.factories import TenantFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_healthz_embedded_default_is_up_with_an_eager_broker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "broker": "eager", "status": "ok"}


def test_healthz_is_503_when_redis_is_unreachable(client, settings):
    unreachable = "redis://127.0.0.1:1/0"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": unreachable}}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = unreachable
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error" and body["database"] == "ok"
    assert body["cache"].startswith("error") and body["broker"].startswith("error")


@pytest.mark.redis
def test_healthz_with_redis_reports_a_real_broker(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


def test_production_settings_pass_check_deploy():
    env = {
        key: value for key, value in os.environ.items()
        if key not in {"DEBUG", "PYTEST_CURRENT_TEST", "PYTEST_VERSION"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY="x" * 20 + "production-secret-key-for-the-deploy-check-1234567890",
        ALLOWED_HOSTS="doan.example.vn",
        DEBUG="0",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG"}}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.worker
@pytest.mark.postgres
def test_a_real_worker_runs_a_task_against_the_database(celery_worker_process):
    tenant = TenantFactory()
    UnitFactory(parent=tenant.root_unit)
    result = count_units.apply_async(args=[tenant.pk], queue=celery_worker_process)
    assert result.get(timeout=30) == 2


@pytest.mark.worker
@pytest.mark.postgres
def test_a_real_worker_applies_a_confirmed_import(celery_worker_process):
    import time

    from cadres.imports.uploads import save_upload
    from cadres.models import ImportJob, Unit
    from cadres.services.imports import import_job_start
    from cadres.tasks import enqueue_import_job
    from tests.cadres.factories import GrantFactory
    from tests.cadres.spreadsheets import units_file

    district = UnitFactory(parent=TenantFactory().root_unit, code="D1")
    manager = GrantFactory(unit=district).user
    data = units_file(["G7", "Đoàn xã Tấn Mỹ", "Đoàn cơ sở", "", "D1"])
    token = save_upload(user=manager, kind="units", unit_id=district.pk, data=data, filename="don-vi.xlsx")
    job = import_job_start(user=manager, unit=district, kind="units", token=token, filename="don-vi.xlsx")
    enqueue_import_job(job)
    deadline = time.monotonic() + 60
    while not job.is_finished and time.monotonic() < deadline:
        time.sleep(0.3)
        job.refresh_from_db()
    assert job.status == "done", job.result
    assert Unit.objects.filter(tenant=district.tenant, code="G7").exists()
    assert ImportJob.objects.get(pk=job.pk).result["counts"]["new"] == 1


def test_pages_are_compressed_and_the_favicon_is_served(client):
    from tests.cadres.factories import CadreFactory

    cadre = CadreFactory(unit=UnitFactory(parent=TenantFactory().root_unit))
    client.force_login(cadre.user)
    page = client.get(reverse("home"), HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert page.status_code == 200 and page["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page["Vary"]
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}


def test_the_gunicorn_configuration_loads():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "x"}
    env.pop("DEBUG", None)
    result = subprocess.run(
        [str(Path(sys.executable).parent / "gunicorn"), "--check-config", "-c", "config/gunicorn.conf.py",
         "config.wsgi:application"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("debug", [False, True])
def test_uploaded_files_are_never_served_at_media_url(client, settings, debug, tmp_path):
    import importlib

    from django.urls import clear_url_caches

    import config.urls

    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "minh-chung.jpg").write_bytes(b"\xff\xd8\xff private")
    settings.MEDIA_ROOT, settings.DEBUG = tmp_path, debug
    importlib.reload(config.urls)  # the URLs as a server started with this DEBUG builds them
    clear_url_caches()
    try:
        assert client.get(f"{settings.MEDIA_URL}evidence/minh-chung.jpg").status_code == 404
    finally:
        settings.DEBUG = False
        importlib.reload(config.urls)
        clear_url_caches()


def test_commands_and_web_processes_start_without_weasyprint():
    """WeasyPrint takes about a second to import: it is loaded when a PDF is made."""
    code = ("import sys, django; django.setup(); from django.core.management import call_command; "
            "call_command('check'); import config.urls, config.wsgi; "
            "assert 'weasyprint' not in sys.modules, 'weasyprint imported at start'")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1"}
    result = subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.postgres
def test_postgresql_runs_the_pages_without_jit():
    """JIT compiling cost 165 ms of a 239 ms review-queue count at 20,000 cadres (config/settings.py)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
