"""The shared cache: Django's Redis backend, for a Redis that may be down, hung or restarted.

Everything the portal keeps in Redis can be rebuilt from the database (pages; the content version lives in the
database), so an unreachable Redis is a slower site, never a broken one: an error or a timeout counts as a miss
and a write that did not happen. Timeouts are short (REDIS_TIMEOUT, a quarter of a second by default), and after a
failure the whole process skips Redis for CACHE_RETRY_AFTER seconds (monographs.circuit), so a request pays a
timeout at most once per interval, and the log gets one line per outage instead of a traceback per request.
`incr` is left as Django has it: no answer would be right for a counter that cannot be read.
"""

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

from monographs.circuit import Circuit

# One circuit per Redis address and process: Django makes a cache object per thread, and every thread of a process
# must learn from the first one that found Redis gone.
_circuits: dict[str, Circuit] = {}


def circuit_for(location: str) -> Circuit:
    if location not in _circuits:
        _circuits[location] = Circuit("Redis cache", retry_after=settings.CACHE_RETRY_AFTER)
    return _circuits[location]


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self.circuit = circuit_for(str(server))

    def _guarded(self, operation, fallback, *args):
        if self.circuit.is_open:
            return fallback
        try:
            result = operation(*args)
        except RedisError as error:
            self.circuit.failed(error)
            return fallback
        self.circuit.succeeded()
        return result

    def ping(self) -> None:
        """One round trip to Redis that raises when it fails, whatever the circuit says (for /healthz/, which must
        tell the truth); an answer closes the circuit, so a health probe also ends an outage early."""
        try:
            super().has_key("healthz")
        except RedisError as error:
            self.circuit.failed(error)
            raise
        self.circuit.succeeded()

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().add, False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._guarded(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._guarded(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._guarded(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._guarded(super().has_key, False, key, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().set_many, list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        self._guarded(super().delete_many, None, keys, version)

    def clear(self):
        return self._guarded(super().clear, False)
