"""The cache backend for production: Redis, or this process's memory while Redis cannot be
reached, so login, password reset, join codes and feedback links (whose rate limits count
in the cache) keep working through a Redis outage. The limits then count per process: more
lenient, never off. After a failure Redis is left alone for `RETRY_AFTER_SECONDS`, so a
request waits for at most one connection timeout instead of one per cache call."""

import logging
import time
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
METHODS = ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many", "delete_many", "clear")


class FailoverRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._memory = LocMemCache(f"failover-{server}", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._skip_redis_until = 0.0

    @property
    def redis_reachable(self) -> bool:
        return time.monotonic() >= self._skip_redis_until

    def probe(self, key: str) -> None:
        """A round trip through Redis itself, raising when it fails (the health check: the
        cache answering from memory is no sign that Redis is up)."""
        RedisCache.set(self, key, "1", timeout=5)
        if RedisCache.get(self, key) != "1":
            raise RuntimeError("Redis did not return what was stored")
        RedisCache.delete(self, key)
        self._skip_redis_until = 0.0


def _failing_over(name: str):
    redis_method = getattr(RedisCache, name)

    def method(self: FailoverRedisCache, *args: Any, **kwargs: Any) -> Any:
        if self.redis_reachable:
            try:
                return redis_method(self, *args, **kwargs)
            except RedisError as error:
                logger.warning("Redis cache unreachable (%s); counting in this process's memory for %d s",
                               error, RETRY_AFTER_SECONDS)
                self._skip_redis_until = time.monotonic() + RETRY_AFTER_SECONDS
        return getattr(self._memory, name)(*args, **kwargs)

    method.__name__ = name
    return method


for _name in METHODS:
    setattr(FailoverRedisCache, _name, _failing_over(_name))
