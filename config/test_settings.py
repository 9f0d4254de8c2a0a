"""The test suite's settings (pytest-django's DJANGO_SETTINGS_MODULE): production's, with
only what a test run cannot have. Everything else, the hardening headers included, is
what production runs."""

import os
from urllib.parse import urlsplit, urlunsplit

# Tests run without DEBUG, as production does, and so need a secret of their own.
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-never-used-anywhere-else-0123456789")


def _redis_database_of_worker(url: str, worker: str) -> str:
    """REDIS_URL's database number plus the xdist worker's (gw0, gw1, ...)."""
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0) + int(worker.removeprefix("gw"))
    if number > 15:
        raise ValueError(f"REDIS_URL {url}: worker {worker} would need Redis database {number}; Redis has 0-15")
    return urlunsplit(parts._replace(path=f"/{number}"))


# Under pytest-xdist each worker has a test database of its own (pytest-django's
# test_<name>_gw0, ...) and a Redis database of its own: `cache.clear()` empties a whole Redis
# database (the broker's queues too), and one cache key (a user's count, by id) would otherwise
# mean two users, one in each worker's database. Set in the environment, so the processes a test
# starts (a Celery worker, gunicorn) inherit it; from the first REDIS_URL, so they do not add again.
if (_worker := os.environ.get("PYTEST_XDIST_WORKER")) and os.environ.get("REDIS_URL"):
    _base = os.environ.setdefault("TEST_REDIS_URL_OF_RUN", os.environ["REDIS_URL"])
    os.environ["REDIS_URL"] = _redis_database_of_worker(_base, _worker)

from config.settings import *  # noqa: E402,F403
from config.settings import STORAGES  # noqa: E402

# The test client and the browser tests' live server speak plain HTTP.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
# No collectstatic before a test run: static files are served from the apps as they are.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Thousands of accounts are created; a fast hash keeps the suite quick.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
