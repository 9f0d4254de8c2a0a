"""Shared test setup.

Services a test needs are declared with markers (postgres, redis, worker, browser). Without
the service the test is skipped on a developer machine, and fails under CI=true: CI must
never go green by skipping what it was meant to run.
"""

import os
import shutil

import pytest
from django.conf import settings
from django.db import connection
from django_scopes import scopes_disabled

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = "/usr/bin/chromium"


def missing_service(reason: str):
    if IN_CI:
        pytest.fail(f"CI=true and a required service is missing: {reason}", pytrace=False)
    pytest.skip(reason)


def _redis_reachable() -> bool:
    if not settings.REDIS_URL:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        missing_service("PostgreSQL (set DATABASE_URL=postgres://...)")
    if item.get_closest_marker("redis") or item.get_closest_marker("worker"):
        if not _redis_reachable():
            missing_service("Redis (set REDIS_URL=redis://... to a running server)")
    if item.get_closest_marker("browser") and not shutil.which(CHROMIUM):
        missing_service(f"chromium at {CHROMIUM} (make test installs it)")


@pytest.fixture(autouse=True)
def scopes_off():
    """Test bodies reach every tenant; requests still run inside the middleware's scope."""
    with scopes_disabled():
        yield


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
