"""One content version for the whole site, kept in the shared cache and bumped on every content write.

Public pages derive their ETag and their cache keys from it, so a conditional request is answered without a
database query, and a correction reaches every reader quickly: bumping the version is the purge.

Each process remembers the version it last read for CONTENT_VERSION_LOCAL_TTL seconds (1 by default), so the
hot paths (a 304, a cached page) make no network round trip at all. The process that saves an edit knows the new
version at once; every other process picks it up within that TTL, far inside the PUBLIC_PAGE_MAX_AGE that
browsers and CDNs are already allowed to reuse a page for.
"""

import threading
import time
import uuid
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache

CONTENT_VERSION_KEY = "content-version"


class ContentVersion:
    """The content version as one process knows it: read from the shared cache, then remembered for
    CONTENT_VERSION_LOCAL_TTL seconds of `clock` (any monotonic source of seconds; tests pass their own)."""

    def __init__(self, *, clock=time.monotonic):
        self._clock = clock
        # (version, clock time it was read at); the TTL is applied when it is used, so a changed setting counts.
        self._remembered: tuple[str, float] | None = None

    def get(self) -> str:
        remembered = self._remembered
        now = self._clock()
        if remembered is not None and now - remembered[1] < settings.CONTENT_VERSION_LOCAL_TTL:
            return remembered[0]
        version = cache.get(CONTENT_VERSION_KEY)
        if version is None:
            version = uuid.uuid4().hex
            # add(), not set(): two workers starting together agree on one version.
            if not cache.add(CONTENT_VERSION_KEY, version, timeout=None):
                version = cache.get(CONTENT_VERSION_KEY) or version
        self._remembered = (version, now)
        return version

    def bump(self) -> str:
        version = uuid.uuid4().hex
        cache.set(CONTENT_VERSION_KEY, version, timeout=None)
        self._remembered = (version, self._clock())
        return version

    def forget(self) -> None:
        self._remembered = None


_this_process = ContentVersion()
# Bound methods, not wrapper functions: content_version() is on the path of every 304 and cached page.
content_version = _this_process.get
bump_content_version = _this_process.bump


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
