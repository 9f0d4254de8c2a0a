"""The test suite's settings (pytest-django's DJANGO_SETTINGS_MODULE): production's, with
only what a test run cannot have. Everything else, the hardening headers included, is
what production runs."""

import os

# Tests run without DEBUG, as production does, and so need a secret of their own.
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-never-used-anywhere-else-0123456789")

from config.settings import *  # noqa: E402,F403
from config.settings import STORAGES  # noqa: E402

# The test client and the browser tests' live server speak plain HTTP.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
# No collectstatic before a test run: static files are served from the apps as they are.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Thousands of accounts are created; a fast hash keeps the suite quick.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
