"""What /healthz/ checks: the database and the shared cache, each within a hard time budget.

A load balancer needs an answer within a second whatever its dependencies do, and a database that accepts
connections but never answers would hold a probe for as long as it likes. So each dependency is probed in a thread
of its own and the answer waits for all of them together at most BUDGET seconds; a probe that has not finished by
then is reported as "timeout". A probe still running from an earlier request is not started again (the new request
waits on the same one), so a hung dependency holds one thread per process, never one per probe.
"""

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.db import DEFAULT_DB_ALIAS, connections

# Seconds the answer waits for every probe together: well inside the second a balancer allows.
BUDGET = 0.5


class Probe:
    """One check of one dependency, run in a daemon thread (a hung probe never delays a worker's exit)."""

    def __init__(self, name: str, check: Callable[[], None]):
        self.name = name
        self._check = check
        self._running: Future | None = None
        self._lock = threading.Lock()

    def start(self) -> Future:
        with self._lock:
            if self._running is None or self._running.done():
                self._running = Future()
                threading.Thread(
                    target=self._run, args=(self._running,), name=f"healthz-{self.name}", daemon=True
                ).start()
            return self._running

    def _run(self, future: Future) -> None:
        try:
            self._check()
        except Exception as error:  # any failure is the answer "down"; the dependency's circuit logs it
            future.set_exception(error)
        else:
            future.set_result(None)


def database_answers() -> None:
    # This thread's own connection, closed after each probe: a probe must not keep a broken connection for the next.
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connection.close()


def cache_answers() -> None:
    # A shared cache that can fail says so with ping() (portal/redis_cache.py); local memory cannot be down.
    ping = getattr(caches[DEFAULT_CACHE_ALIAS], "ping", None)
    if ping is not None:
        ping()


PROBES = (Probe("database", database_answers), Probe("cache", cache_answers))


def outcome(future: Future, deadline: float) -> str:
    try:
        future.result(timeout=max(0.0, deadline - time.monotonic()))
    except TimeoutError:
        return "timeout"
    except Exception:
        return "down"
    return "ok"


def check() -> dict[str, str]:
    """Each dependency's state: "ok", "down" (it answered with an error) or "timeout" (no answer in time)."""
    deadline = time.monotonic() + BUDGET
    running = [(probe.name, probe.start()) for probe in PROBES]
    return {name: outcome(future, deadline) for name, future in running}
