"""Settings for the HTTP benchmark: the production settings, plus django.contrib.flatpages to compare the leaflet with
the same content served as one flat page (at /bench/flatpages/, see bench.urls). Everything else comes from the
environment, as in production."""

from portal.settings import *  # noqa: F403
from portal.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "django.contrib.sites", "django.contrib.flatpages"]
SITE_ID = 1
ROOT_URLCONF = "bench.urls"
