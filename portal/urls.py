from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("monographs.urls")),
]

if settings.BENCHMARK_FLATPAGES:
    urlpatterns.insert(0, path("bench/flatpages/", include("django.contrib.flatpages.urls")))
