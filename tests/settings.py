"""Test settings: the portal's own settings, with a throwaway key and fast password hashing."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
# Production settings insist on a shared cache; the tests replace it with local memory below (no Redis needed).
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")

from portal.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
SECURE_SSL_REDIRECT = False
# Each process re-reads the content version from the database once this has passed: a long TTL keeps the pinned query
# counts exact however slow the machine (tests of the TTL itself set their own).
CONTENT_VERSION_LOCAL_TTL = 60
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

# No collectstatic in tests: WhiteNoise serves from the finders and need not warn that STATIC_ROOT is missing.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT = None  # type: ignore[assignment]  # the base settings give a path; tests need none

# The live server's threads must not hold connections open past a test (PostgreSQL could not drop the test database).
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
