"""Settings, all read from the environment in this one module.

Unset variables give the embedded default: SQLite, Celery eager, local-memory cache,
console email. Production sets DEBUG=0 with a real SECRET_KEY and ALLOWED_HOSTS.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# Without DEBUG this is production: it must be given a secret (the tests' settings,
# config/test_settings.py, give their own).
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-dev-only-key-never-used-in-production"
PRODUCTION = not DEBUG

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "config.apps.PlatformAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "treebeard",
    "django_celery_beat",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "cadres",
    "models_registry",
    "evaluations",
    "reports",
    "portal",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Above WhiteNoise, so static files (and /favicon.ico) carry the policy too.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed (a 55 KB dashboard is ~8 KB on mobile data). BREACH needs a secret
    # reflected next to attacker-controlled text in a compressed body: Django masks the CSRF
    # token anew in every response, and no page echoes other secrets.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cadres.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "cadres.middleware.TenantScopeMiddleware",
    "cadres.middleware.PrivacyNoticeMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "cadres.context_processors.navigation",
                "cadres.context_processors.notices",
                "portal.context_processors.inbox",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# Database: SQLite file unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite holds the single embedded process; WAL lets readers go on during a write.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
elif not env_bool("DB_JIT", False):
    # PostgreSQL's JIT compiles any statement its planner thinks costly: 165 ms of a 239 ms
    # review-queue count at 20,000 cadres, against 70 ms run plainly. Pages are short OLTP reads.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: broker, result backend and cache when REDIS_URL is set; otherwise eager and local.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis, or the process's memory during a Redis outage (config/cache.py).
            "BACKEND": "config.cache.FailoverRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "srl"),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# A broker that does not answer holds a request for about a second, no more: one try to
# connect (kombu would otherwise retry for 2 s per task queued), a second to connect or to
# answer; after a refusal the process stops asking for a while (`cadres.tasks.hand_over`) and
# the sweep hands over what was left. The worker's own reconnects have their own settings.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 0, "socket_connect_timeout": 1, "socket_timeout": 1,
    # A task taken by a worker whose whole host is lost returns to the queue after this long:
    # longer than the longest job (a province summary PDF, a 50,000-row import), so a slow
    # job is never handed to a second worker while the first still runs it. A worker process
    # killed mid-task (OOM) is requeued at once instead (reject_on_worker_lost).
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 2 * 3600),
}
# Deployments sharing one Redis keep apart by queue (and the tests' workers by theirs).
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_USER_MODEL = "cadres.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: email login, no open sign-up (cadres come by import or join code).
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_ADAPTER = "cadres.adapters.AccountAdapter"
# The login field takes an email or a Vietnamese phone number (resolved to the account's email).
ACCOUNT_FORMS = {
    "login": "cadres.forms.accounts.LoginForm",
    "reset_password_from_key": "cadres.forms.accounts.ResetPasswordKeyForm",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Sổ rèn luyện] "
# Rate limits live in the configured cache (Redis in production, config/cache.py). Each
# account has its own tight limit ("key": the email or phone typed); the per-address limits
# are loose enough for a chi đoàn meeting on one wifi (40 people logging in at once) and
# only stop a single address spraying many accounts.
ACCOUNT_RATE_LIMITS = {
    "login": "120/m/ip",
    "login_failed": "60/m/ip,5/5m/key",
    "reset_password": "60/m/ip,5/m/key",
    "reset_password_from_key": "60/m/ip",
    "change_password": "5/m/user",
    # Join codes are 8 characters from 32 (10^12 codes): guessing one stays far out of reach.
    "join_code": "40/m/ip,300/h/ip",
}
# The client's address: REMOTE_ADDR, or with N trusted proxies in front (the load balancer,
# nginx) the Nth address from the right of X-Forwarded-For. A header from anyone else is ignored.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Only staff (managers, provincial staff) may turn on TOTP; the form refuses everyone else.
MFA_FORMS = {"activate_totp": "cadres.forms.accounts.ActivateTOTPForm"}
MFA_TOTP_ISSUER = "Sổ rèn luyện cán bộ Đoàn"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Sổ rèn luyện cán bộ Đoàn <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where the links in emails point: a task has no request to build them from.
SITE_URL = env_str("SITE_URL", f"https://{ALLOWED_HOSTS[0]}" if PRODUCTION and ALLOWED_HOSTS
                   else "http://localhost:8000").rstrip("/")

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"


def default_storage() -> dict:
    """Where uploads, evidence and generated documents are kept: the local file system under
    MEDIA_ROOT (one machine, or a volume every process mounts), or an S3-compatible bucket
    (STORAGE_BACKEND=s3) that every web and worker process on any machine reaches. The code
    reads and writes only through the storage API, so either serves the same. Objects are
    private and no URL to them is ever handed out: downloads stream through the views that
    check who may read them."""
    backend = env_str("STORAGE_BACKEND", "filesystem")
    if backend == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if backend != "s3":
        raise ImproperlyConfigured(f"STORAGE_BACKEND must be 'filesystem' or 's3', got {backend!r}")
    bucket = env_str("S3_BUCKET")
    if not bucket:
        raise ImproperlyConfigured("S3_BUCKET must be set when STORAGE_BACKEND=s3.")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "location": env_str("S3_PREFIX").strip("/"),
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            # Unset: boto3's own chain (AWS_* variables, an instance role).
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            # MinIO and most S3-compatible servers want bucket/key paths, not bucket.host names.
            "addressing_style": env_str("S3_ADDRESSING_STYLE", "path" if env_str("S3_ENDPOINT_URL") else "auto"),
            "signature_version": "s3v4",
            # Private objects; an empty S3_DEFAULT_ACL sends none, for buckets that refuse ACLs
            # (AWS "bucket owner enforced"), which are private by their policy instead.
            "default_acl": env_str("S3_DEFAULT_ACL", "private") or None,
            # Should anything ever ask for a URL it is signed and short-lived, never public.
            "querystring_auth": True,
            "querystring_expire": 300,
            # Names are random (upload_to); an accidental clash gets a new name, never overwrites.
            "file_overwrite": False,
            # A download is buffered in memory up to this size, on disk beyond it.
            "max_memory_size": 5 * 1024 * 1024,
        },
    }


STORAGES = {
    "default": default_storage(),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Files served at the site's root (/favicon.ico), so a browser's cold load does not 404.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
# The web app manifest (static/root/manifest.webmanifest) with the type its standard names.
WHITENOISE_MIMETYPES = {".webmanifest": "application/manifest+json"}

# Reminder digests go out this many days before each deadline.
REMINDER_DAYS_BEFORE = tuple(int(d) for d in env_list("REMINDER_DAYS_BEFORE", ["7", "1"]))

# A unit report whose registration or self-assessment rate is below this percentage is
# submitted only once the manager confirms, the rates in front of them.
REPORT_CONFIRM_BELOW_PERCENT = env_int("REPORT_CONFIRM_BELOW_PERCENT", 80)

# Uploads: a spreadsheet of a whole province stays well under this.
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 50_000)
# A preview stops reading a file after this long, below gunicorn's 30 s worker timeout.
IMPORT_READ_SECONDS = env_int("IMPORT_READ_SECONDS", 20)
# An upload larger than this is checked by a job, not inside the request (~4,000 rows of the template).
IMPORT_INLINE_PREVIEW_BYTES = env_int("IMPORT_INLINE_PREVIEW_BYTES", 256 * 1024)
# An import inserts new cadres and positions this many rows per statement (and reports progress as often).
IMPORT_WRITE_BATCH = env_int("IMPORT_WRITE_BATCH", 2000)
# Personal data (Law 91/2025/QH15, Decree 356/2025/NĐ-CP): who read a cadre's data is kept
# this long; people holding no position for this many years are de-identified.
ACCESS_LOG_RETENTION_MONTHS = env_int("ACCESS_LOG_RETENTION_MONTHS", 24)
DEIDENTIFY_AFTER_YEARS = env_int("DEIDENTIFY_AFTER_YEARS", 5)
# Provincial staff are told this many days before the retention job de-identifies someone.
DEIDENTIFY_NOTICE_DAYS = env_int("DEIDENTIFY_NOTICE_DAYS", 30)
# The controller and the data-protection contact, named in the privacy notice.
DATA_CONTROLLER = env_str("DATA_CONTROLLER", "Ban Thường vụ Tỉnh Đoàn (bên kiểm soát dữ liệu)")
DATA_PROTECTION_CONTACT = env_str("DATA_PROTECTION_CONTACT", "Ban Tổ chức – Kiểm tra Tỉnh Đoàn")
DATA_PROTECTION_EMAIL = env_str("DATA_PROTECTION_EMAIL", "baove-dulieu@localhost")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Production hardening: on whenever DEBUG is off; a proxy in front terminates TLS.
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy, the same with DEBUG on, so a violation shows in development
# first. Scripts and styles come from our static files only: no inline script (a <script>
# written into a page runs only with this response's nonce), no style attribute or
# <style> (htmx is told not to add its own, templates/base.html), no eval. The TOTP QR
# code is a data: image. PDFs are drawn by WeasyPrint, never shown to a browser as HTML.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# The open API (api/, README "The API"): clients authenticate with a bearer token, never a
# session, so the API takes no cookie and needs no CSRF token. Each client is throttled on its
# own (`api.throttling.ClientRateThrottle`): API_RATE per client, through the cache.
API_RATE = env_str("API_RATE", "600/min")
# A body above this is refused with a problem document before it is parsed (413).
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 2 * 1024 * 1024)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"client": API_RATE},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser", "rest_framework.parsers.MultiPartParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Cursor",
    "EXCEPTION_HANDLER": "api.errors.problem_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sổ rèn luyện cán bộ Đoàn API",
    "DESCRIPTION": "Read the unit tree, cadres, programmes, forms and figures of one unit's subtree; "
                   "see README, section \"The API\".",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "TriStateEnum": "models_registry.models.TriState",
        "RatingEnum": "evaluations.models.Rating",
        "UnitLevelEnum": "cadres.models.UnitLevel",
    },
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.add_problems"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs every layout step at INFO; only its problems matter here.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
