"""A circuit breaker for a dependency that may fail (the Redis cache, PostgreSQL, the content version's read).

After a failure the dependency is skipped for `retry_after` seconds instead of paying its timeout on every request;
the first call after that tries it again. The log gets one line when it goes down and one when it comes back, never
a traceback per request: an eight-second Redis outage under load once wrote 23 MB of them.
"""

import logging
import threading
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)


class Circuit:
    """Whether `name` may be tried now, for one process (all its threads share it). `clock` is any monotonic source
    of seconds; tests pass their own."""

    def __init__(self, name: str, *, retry_after: float, clock: Callable[[], float] = time.monotonic):
        self.name = name
        self.retry_after = retry_after
        self._clock = clock
        self._open_until = 0.0
        self._down_since: float | None = None
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        """True while calls should skip the dependency (it failed less than retry_after seconds ago)."""
        return self._clock() < self._open_until

    def failed(self, error: BaseException) -> None:
        now = self._clock()
        with self._lock:
            self._open_until = now + self.retry_after
            if self._down_since is not None:
                return  # already reported
            self._down_since = now
        first_line = (str(error).strip().splitlines() or ["no message"])[0]
        logger.warning(
            "%s failed (%s: %s); skipping it, trying again every %g s",
            self.name,
            type(error).__name__,
            first_line,
            self.retry_after,
        )

    def succeeded(self) -> None:
        if self._down_since is None:
            return  # the hot path: no lock
        with self._lock:
            down_since, self._down_since = self._down_since, None
            self._open_until = 0.0
        if down_since is not None:
            logger.warning("%s is back after %.1f s", self.name, self._clock() - down_since)

    def reset(self) -> None:
        """Forget any failure without logging (tests)."""
        with self._lock:
            self._open_until = 0.0
            self._down_since = None
