"""A Redis cache that degrades to "no cache" when Redis is down, so an outage never becomes a 500."""

import logging
from typing import Any

from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

try:
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - redis is a dependency
    RedisError = OSError  # type: ignore[assignment,misc]

_FAILURES = (RedisError, ConnectionError, TimeoutError, OSError)


class FailsafeRedisCache(RedisCache):
    """Reads miss and writes are dropped while Redis does not answer; it is used again as soon as it does."""

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except _FAILURES as exc:
            logger.warning("cache unavailable (get): %s", exc)
            return default

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        try:
            return super().get_many(keys, version)
        except _FAILURES as exc:
            logger.warning("cache unavailable (get_many): %s", exc)
            return {}

    def set(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> None:
        try:
            super().set(key, value, timeout, version)
        except _FAILURES as exc:
            logger.warning("cache unavailable (set): %s", exc)

    def add(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> bool:
        try:
            return super().add(key, value, timeout, version)
        except _FAILURES as exc:
            logger.warning("cache unavailable (add): %s", exc)
            return False

    def delete(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().delete(key, version)
        except _FAILURES as exc:
            logger.warning("cache unavailable (delete): %s", exc)
            return False

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        try:
            return super().incr(key, delta, version)
        except _FAILURES as exc:
            logger.warning("cache unavailable (incr): %s", exc)
            raise ValueError("cache unavailable") from exc

    def clear(self) -> None:
        try:
            super().clear()
        except _FAILURES as exc:
            logger.warning("cache unavailable (clear): %s", exc)
