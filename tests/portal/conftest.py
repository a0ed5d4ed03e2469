"""A Redis that is down or hung, for the tests of what the portal does then: the portal's own cache backend pointed at
a port where nothing listens (connections refused at once, as when Redis is killed), or at one that accepts
connections and never answers (as a Redis stopped with SIGSTOP does: the kernel still completes the handshake)."""

import socket

import pytest

from portal import redis_cache


def redis_cache_at(port: int) -> dict:
    return {
        "default": {
            "BACKEND": "portal.redis_cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "KEY_PREFIX": "portal",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }


@pytest.fixture(autouse=True)
def _fresh_circuits():
    redis_cache._circuits.clear()
    yield
    redis_cache._circuits.clear()


def closed_port() -> int:
    """A port nothing listens on (it was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def dead_redis(settings):
    settings.CACHES = redis_cache_at(closed_port())


@pytest.fixture
def hung_redis(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        settings.CACHES = redis_cache_at(sock.getsockname()[1])
        yield sock.getsockname()[1]
