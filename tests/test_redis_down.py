"""With Redis unreachable, the pages a person needs to get in keep working: the cache (which
holds the rate limits) falls back to the process's memory, and the limits still count."""

import pytest
from django.core.cache import cache, caches
from django.urls import reverse

from config.cache import FailoverRedisCache
from tests.cadres.factories import PASSWORD, CadreFactory, TenantFactory, UnitFactory

pytestmark = pytest.mark.django_db

UNREACHABLE = "redis://127.0.0.1:1/0"


def failover_cache(location):
    return {"default": {"BACKEND": "config.cache.FailoverRedisCache", "LOCATION": location,
                        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1}}}


@pytest.fixture
def redis_down(settings):
    settings.CACHES = failover_cache(UNREACHABLE)
    yield
    cache.clear()


@pytest.fixture
def cadre():
    unit = UnitFactory(parent=UnitFactory(parent=TenantFactory().root_unit))
    return CadreFactory(unit=unit, email="canbo@example.vn")


def test_login_reset_and_join_work_and_the_limits_still_count(client, redis_down, cadre):
    response = client.post(reverse("account_login"), {"login": cadre.email, "password": PASSWORD})
    assert response.status_code == 302 and response.wsgi_request.user == cadre.user
    # One failed call to Redis, then the cache leaves it alone rather than waiting on each call.
    assert isinstance(caches["default"], FailoverRedisCache) and not caches["default"].redis_reachable
    client.logout()

    for _ in range(5):
        client.post(reverse("account_login"), {"login": cadre.email, "password": "sai"})
    page = client.post(reverse("account_login"), {"login": cadre.email, "password": PASSWORD}).content.decode()
    assert "sai quá nhiều lần" in page

    assert client.post(reverse("account_reset_password"), {"email": "khac@example.vn"}).status_code == 302
    assert client.post(reverse("join"), {"code": cadre.positions.get().unit.join_code}).status_code == 302
    assert client.get(reverse("feedback_form", args=["khong-co"])).status_code == 404


def test_healthz_says_the_cache_is_down_though_pages_work(client, redis_down):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["cache"].startswith("error")


@pytest.mark.redis
def test_with_redis_up_the_counters_live_in_redis(settings, client, cadre):
    import redis

    settings.CACHES = failover_cache(settings.REDIS_URL)
    cache.set("failover-probe", "in-redis")
    stored = [key for key in redis.Redis.from_url(settings.REDIS_URL).keys("*failover-probe*")]
    assert stored and cache.get("failover-probe") == "in-redis"
    assert client.get(reverse("healthz")).json()["cache"] == "ok"
    cache.delete("failover-probe")
