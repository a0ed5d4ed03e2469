"""Settings for the medication portal, read from the environment.

Embedded default (nothing set, DEBUG=1): a SQLite file and a local-memory cache.
Production: DEBUG unset, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL (PostgreSQL) and REDIS_URL set.
Every parser fails loudly on a value it does not understand rather than guessing.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.postgres",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "monographs",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Before the page cache, so that a page answered from it carries the same headers as one rendered.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the page cache and every view: a query string holding NUL or another control character is a 400.
    "portal.middleware.RefuseControlCharactersMiddleware",
    "monographs.http.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

# SQLite file unless DATABASE_URL says otherwise. Connections are kept open: opening one costs more than a page.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
# A database that hangs must not hold every worker: seconds to open a connection (PostgreSQL counts at least 2), and
# seconds a statement may run (0: no limit, e.g. for a long migration). Each wait for an answer stops a second after
# the statement timeout even when the server never saw the statement (portal/postgresql/base.py); after a failure,
# new connections are refused at once for DATABASE_RETRY_AFTER seconds.
DATABASE_CONNECT_TIMEOUT = env_int("DATABASE_CONNECT_TIMEOUT", 2)
DATABASE_STATEMENT_TIMEOUT = env_float("DATABASE_STATEMENT_TIMEOUT", 5)
DATABASE_ANSWER_DEADLINE = DATABASE_STATEMENT_TIMEOUT + 1 if DATABASE_STATEMENT_TIMEOUT > 0 else None
DATABASE_RETRY_AFTER = env_float("DATABASE_RETRY_AFTER", 2)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _given = DATABASES["default"].get("OPTIONS", {})
    DATABASES["default"]["ENGINE"] = "portal.postgresql"
    DATABASES["default"]["OPTIONS"] = {
        "connect_timeout": DATABASE_CONNECT_TIMEOUT,
        # Keepalives find a peer that vanished (a dead host, a dropped route) in about a minute, not hours.
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 10,
        "keepalives_count": 3,
        **_given,
        # Options given in DATABASE_URL come last, so they win where they repeat a setting.
        "options": f"-c statement_timeout={int(DATABASE_STATEMENT_TIMEOUT * 1000)} {_given.get('options', '')}".strip(),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
# Seconds to wait for Redis before counting a miss, and to skip it after a failure (portal/redis_cache.py): the cache
# only holds what the database can rebuild, so a dead or hung Redis makes pages slower, never errors.
REDIS_TIMEOUT = env_float("REDIS_TIMEOUT", 0.25)
CACHE_RETRY_AFTER = env_float("CACHE_RETRY_AFTER", 2)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.redis_cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
        }
    }
elif DEBUG:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "portal"}}
else:
    # A local-memory cache is one per process: a page purged by the worker that saved an edit would stay stale in
    # every other worker. Production must share one cache.
    raise ImproperlyConfigured("REDIS_URL must be set when DEBUG is off (all app processes must share the cache)")

# How long a browser or CDN may reuse a public page before asking again (it revalidates with the ETag).
PUBLIC_PAGE_MAX_AGE = env_int("PUBLIC_PAGE_MAX_AGE", 300)
# How long each process may use the content version it last read before asking the database again: the most time an
# edit saved through one app server takes to reach the others (the saving process sees it at once).
CONTENT_VERSION_LOCAL_TTL = env_float("CONTENT_VERSION_LOCAL_TTL", 1)
# Each process also keeps the public pages it served most recently in memory, in front of the shared cache.
LOCAL_PAGE_CACHE_BYTES = env_int("LOCAL_PAGE_CACHE_BYTES", 16 * 1024 * 1024)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A medication edited on one admin page (names, products, uses, sections, 40+ warnings) posts well over Django's
# default of 1,000 fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: after 5 failures for one username from one address, that pair waits 15 minutes from the last
# failure (a rolling cool-off). Locking the pair, not the account, means an attacker cannot lock a pharmacist out.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client address the throttle and the security log use (portal.security.client_address): behind this many
# proxies that each append to X-Forwarded-For, the entry the outermost one appended. README's deployment has one (the
# TLS proxy); 0 when gunicorn is reached directly, or anyone could write the header and pick their own address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0 if DEBUG else 1)
if TRUSTED_PROXY_COUNT < 0 or "AXES_PROXY_COUNT" in os.environ:
    raise ImproperlyConfigured("Set TRUSTED_PROXY_COUNT (0 or more; it replaces AXES_PROXY_COUNT)")
AXES_CLIENT_IP_CALLABLE = "portal.security.client_address"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Content Security Policy (Django's own middleware): nothing inline, nothing from elsewhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Signed-in staff are signed out after 30 idle minutes (a shared clinical workstation); every request renews it.
# Pages with forms warn two minutes before and offer to stay signed in (WCAG 2.2.1, static/js/session-timeout.js).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
if not DEBUG:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # A load balancer probes each app server directly, over plain HTTP: it needs the answer, not a redirect.
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A 4xx is the client's mistake: one line each, without the traceback Django attaches (a 403 was 26 lines).
    "filters": {"one_line_client_errors": {"()": "portal.log_filters.OneLineClientErrors"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["one_line_client_errors"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Authorisation failures (403) are logged by django.request; login failures by axes and portal.security.
        "django.request": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "portal.security": {"level": "INFO"},
    },
}
