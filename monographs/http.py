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

from .cache import content_version, local_pages

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


def _fresh_public_headers(response, etag: str) -> None:
    """The same headers as _public_headers, set directly on a response made here (it has none to merge with):
    the 304 and cached-page paths are measured against a static file, and every microsecond shows."""
    headers = response.headers
    headers["ETag"] = etag
    headers["Cache-Control"] = f"public, max-age={settings.PUBLIC_PAGE_MAX_AGE}, must-revalidate"
    headers["Vary"] = "Cookie"


def _if_none_match(request) -> list[str]:
    # META, not request.headers: that builds a dict of every header on first use.
    header = request.META.get("HTTP_IF_NONE_MATCH")
    return parse_etags(header) if header else []


# Paths never served by public_page: the fast path below does not even look at them.
_NOT_PUBLIC_PREFIXES = ("/admin/", "/accounts/", "/screening/", "/api/", "/static/", "/healthz/")


def _cacheable(request) -> bool:
    return set(request.GET) <= CACHED_QUERY_PARAMETERS


def _cached_page(key: str) -> tuple[bytes, str] | None:
    """This process's copy first, then the shared cache (whose hit is kept locally for the next request)."""
    entry = local_pages.get(key)
    if entry is None:
        entry = cache.get(key)
        if entry is not None:
            local_pages.set(key, entry)
    return entry


def _store_page(key: str, entry: tuple[bytes, str]) -> None:
    local_pages.set(key, entry)
    cache.set(key, entry, PAGE_CACHE_TIMEOUT)


def _cached_response(entry: tuple[bytes, str], etag: str) -> HttpResponse:
    content, content_type = entry
    response = HttpResponse(content, content_type=content_type)
    _fresh_public_headers(response, etag)
    return response


def _not_modified(etag: str) -> HttpResponseNotModified:
    response = HttpResponseNotModified()
    _fresh_public_headers(response, etag)
    return response


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
            if etag in _if_none_match(request):
                return _not_modified(etag)
            if _cacheable(request):
                entry = _cached_page(f"page:{etag}")
                if entry is not None:
                    return _cached_response(entry, etag)
            # public_page need not look again for this request.
            request._public_page_etag = etag
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
        looked_up = getattr(request, "_public_page_etag", None)
        etag = looked_up or _etag(request)
        if looked_up is None and etag in _if_none_match(request):
            return _not_modified(etag)
        key = f"page:{etag}"
        cacheable = _cacheable(request)
        entry = _cached_page(key) if cacheable and looked_up is None else None
        if entry is not None:
            return _cached_response(entry, etag)
        response = view(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        if cacheable:
            _store_page(key, (response.content, response["Content-Type"]))
        _public_headers(response, etag)
        return response

    return wrapper
