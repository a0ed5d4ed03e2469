"""The portal's URLs, plus the flat pages the HTTP benchmark compares the leaflet with."""

from django.urls import include, path

from portal.urls import urlpatterns as portal_urlpatterns

urlpatterns = [
    path("bench/flatpages/", include("django.contrib.flatpages.urls")),
    *portal_urlpatterns,
]
