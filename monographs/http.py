"""HTTP caching for public pages, answered without the database where possible.

Anonymous visitors all see the same page, so it is cached under the content version (see cache.py) and
validated with an ETag built from that version: a conditional request is a 304 without a query, a repeat
request is served from the cache, and any content write changes the version, so no reader sees a stale page.
Signed-in users (pharmacists previewing drafts, clinicians) bypass the cache and are never cached downstream.
"""

import datetime
import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags

from .cache import content_version

PAGE_CACHE_TIMEOUT = 60 * 60 * 24
# Only addresses a page is really known by are stored: random query strings (?utm_..., ?x=123) are still served,
# but must not fill the cache with copies of the same page.
CACHED_QUERY_PARAMETERS = {"q"}


def _etag(request) -> str:
    # The date is part of it: "review overdue" notices change at midnight, not only on edits.
    raw = f"{content_version()}|{datetime.date.today().isoformat()}|{request.get_full_path()}"
    return '"' + hashlib.blake2b(raw.encode(), digest_size=12).hexdigest() + '"'


def _public_headers(response, etag: str) -> None:
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE, must_revalidate=True)
    patch_vary_headers(response, ["Cookie"])


# Paths never served by public_page: the fast path below does not even look at them.
_NOT_PUBLIC_PREFIXES = ("/admin/", "/accounts/", "/screening/", "/api/", "/static/", "/healthz/")


class PublicPageCacheMiddleware:
    """The fast path for anonymous visitors, before sessions and authentication are touched: a conditional request
    whose ETag is current is a 304, and a page already in the cache is served from it. Everything else (and every
    request carrying a session cookie) goes on to the view, where public_page does the same work and fills the cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(_NOT_PUBLIC_PREFIXES)
        ):
            etag = _etag(request)
            if etag in parse_etags(request.headers.get("If-None-Match", "")):
                response = HttpResponseNotModified()
                _public_headers(response, etag)
                return response
            cached = cache.get(f"page:{etag}")
            if cached is not None:
                content, content_type = cached
                response = HttpResponse(content, content_type=content_type)
                _public_headers(response, etag)
                return response
        return self.get_response(request)


def public_page(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        if request.user.is_authenticated:
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        etag = _etag(request)
        if etag in parse_etags(request.headers.get("If-None-Match", "")):
            response = HttpResponseNotModified()
            _public_headers(response, etag)
            return response
        key = f"page:{etag}"
        cached = cache.get(key)
        if cached is not None:
            content, content_type = cached
            response = HttpResponse(content, content_type=content_type)
        else:
            response = view(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            if set(request.GET) <= CACHED_QUERY_PARAMETERS:
                cache.set(key, (response.content, response["Content-Type"]), PAGE_CACHE_TIMEOUT)
        _public_headers(response, etag)
        return response

    return wrapper
