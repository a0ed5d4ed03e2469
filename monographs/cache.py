"""One content version for the whole site, kept in the database and changed by every content write.

Public pages derive their ETag and their cache keys from it, so a conditional request is answered without a
database query, and a correction reaches every reader quickly: changing the version is the purge.

The database is the truth (monographs.models.ContentState, written in the same transaction as the content), so the
version survives whatever happens to Redis: an edit saved while Redis is down, or a Redis back with old data or
none, still reaches readers. Each process remembers the version it last read for CONTENT_VERSION_LOCAL_TTL seconds
(1 by default), so the hot paths (a 304, a cached page) make no round trip at all; reading it again is one
primary-key query per process per second at most. The process that saves an edit forgets the version when the
transaction commits and reads the new one at once; every other process picks it up within the TTL, far inside the
PUBLIC_PAGE_MAX_AGE that browsers and CDNs are already allowed to reuse a page for. When the database cannot be
read, a process keeps serving under the version it knew (cached pages still answer) and logs one line.
"""

import threading
import time
import uuid
from collections import OrderedDict

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from .circuit import Circuit
from .models import ContentState


class ContentVersion:
    """The content version as one process knows it: read from the database, then remembered for
    CONTENT_VERSION_LOCAL_TTL seconds of `clock` (any monotonic source of seconds; tests pass their own)."""

    def __init__(self, *, clock=time.monotonic):
        self._clock = clock
        # (version, clock time it was read at); the TTL is applied when it is used, so a changed setting counts.
        self._remembered: tuple[str, float] | None = None
        self._reading = threading.Lock()
        self._reads = Circuit(
            "Reading the content version", retry_after=settings.CONTENT_VERSION_LOCAL_TTL, clock=clock
        )

    def get(self) -> str:
        remembered = self._remembered
        now = self._clock()
        if remembered is not None and now - remembered[1] < settings.CONTENT_VERSION_LOCAL_TTL:
            return remembered[0]
        if remembered is None:
            return self._read(now, known=None)
        # One thread of the process reads it; the others serve under the version they know meanwhile, so a database
        # that hangs holds one thread, not every thread that serves a cached page.
        if not self._reading.acquire(blocking=False):
            return remembered[0]
        try:
            return self._read(now, known=remembered[0])
        finally:
            self._reading.release()

    def _read(self, now: float, *, known: str | None) -> str:
        try:
            version = ContentState.objects.filter(pk=ContentState.ONLY_ROW).values_list("version", flat=True).first()
        except DatabaseError as error:
            if known is None:
                raise  # nothing to serve under: the request fails as any request needing the database would
            self._reads.failed(error)
            self._remembered = (known, now)  # asked again after the TTL, not on every request
            return known
        self._reads.succeeded()
        self._remembered = (version or "", now)
        return version or ""

    def bump(self) -> str:
        """Give the content a new version in the caller's transaction, so it commits with the content it names. This
        process reads it after the commit: the writer calls forget() then (services/leaflets.py)."""
        version = uuid.uuid4().hex
        changed = {"version": version, "changed_at": timezone.now()}
        if not ContentState.objects.filter(pk=ContentState.ONLY_ROW).update(**changed):
            # The row is made by a migration; only a flushed database (a transactional test) lacks it.
            ContentState.objects.create(pk=ContentState.ONLY_ROW, **changed)
        return version

    def forget(self) -> None:
        self._remembered = None


_this_process = ContentVersion()
# Bound methods, not wrapper functions: content_version() is on the path of every 304 and cached page.
content_version = _this_process.get
bump_content_version = _this_process.bump
forget_content_version = _this_process.forget


class LocalPageCache:
    """A small per-process LRU in front of the shared cache, for pages whose keys embed the content version: an
    entry can never be stale, only unreachable once the version moves on, and the size bound evicts it."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[str, tuple[bytes, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[bytes, str] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def set(self, key: str, entry: tuple[bytes, str]) -> None:
        cost = len(entry[0])
        if cost > self.max_bytes:
            return
        with self._lock:
            previous = self._entries.pop(key, None)
            if previous is not None:
                self.size -= len(previous[0])
            self._entries[key] = entry
            self.size += cost
            while self.size > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self.size -= len(evicted[0])

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.size = 0

    def __len__(self) -> int:
        return len(self._entries)


local_pages = LocalPageCache(max_bytes=settings.LOCAL_PAGE_CACHE_BYTES)


class VersionedMemo:
    """A value derived from the content (such as the screening's index of every medication name), built at most
    once per content version in each process. build() runs after the version is read, so a value built during a
    write holds data at least as new as its version, and the next version rebuilds it."""

    def __init__(self, build):
        self._build = build
        self._memo: tuple[str, object] | None = None
        _memos.append(self)

    def get(self):
        version = content_version()
        memo = self._memo
        if memo is not None and memo[0] == version:
            return memo[1]
        value = self._build()
        self._memo = (version, value)
        return value

    def forget(self) -> None:
        self._memo = None


_memos: list[VersionedMemo] = []


def forget_local_state() -> None:
    """Drop what this process remembers (tests, and after clearing the shared cache by hand)."""
    _this_process.forget()
    local_pages.clear()
    for memo in _memos:
        memo.forget()
