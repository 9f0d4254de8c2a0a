import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from kombu import Connection


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _cache() -> str:
    key = f"healthz:{uuid.uuid4().hex}"
    # The production cache falls back to memory during a Redis outage (config/cache.py);
    # its probe asks Redis itself.
    probe = getattr(cache, "probe", None)
    if probe is not None:
        probe(key)
        return "ok"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was stored")
    cache.delete(key)
    return "ok"


def _broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


@never_cache
def healthz(request):
    """Database, cache and broker state as JSON: 200 when all answer, 503 otherwise."""
    checks = {"database": _database, "cache": _cache, "broker": _broker}
    body, healthy = {}, True
    for name, check in checks.items():
        try:
            body[name] = check()
        except Exception as exc:  # any failure of a dependency is a "down", never a 500
            body[name] = f"error: {exc.__class__.__name__}"
            healthy = False
    body["status"] = "ok" if healthy else "error"
    return JsonResponse(body, status=200 if healthy else 503)
