"""One content version for the whole site, kept in the cache and bumped on every content write.

Public pages derive their ETag and their cache keys from it, so a conditional request is answered without a
database query, and a correction reaches every reader at once: bumping the version is the purge.
"""

import uuid

from django.core.cache import cache

CONTENT_VERSION_KEY = "content-version"


def content_version() -> str:
    version = cache.get(CONTENT_VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        # add(), not set(): two workers starting together agree on one version.
        if not cache.add(CONTENT_VERSION_KEY, version, timeout=None):
            version = cache.get(CONTENT_VERSION_KEY) or version
    return version


def bump_content_version() -> str:
    version = uuid.uuid4().hex
    cache.set(CONTENT_VERSION_KEY, version, timeout=None)
    return version
