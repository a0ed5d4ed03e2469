"""HTTP caching for public pages, answered without the database where possible.

Anonymous visitors all see the same page, so it is cached under the content version (see cache.py) and
validated with an ETag built from that version: a conditional request is a 304 without a query, a repeat
request is served from the cache, and any content write changes the version, so no reader sees a stale page.
Signed-in users (pharmacists previewing drafts, clinicians) bypass the cache and are never cached downstream.

Which pages are public is declared in the URLconf, by wrapping a view in public_page(); the caching itself is
done in one place, PublicPageCacheMiddleware, which finds the view a path resolves to.

A shared cache that is down or hung answers a miss and drops a write (portal/redis_cache.py): the page is rendered
from the database and still kept in this process's memory, so a Redis outage costs speed, never an error.
"""

import datetime
import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseNotModified
from django.urls import Resolver404, get_resolver, get_urlconf
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags

from .cache import content_version, local_pages

PAGE_CACHE_TIMEOUT = 60 * 60 * 24
# Only addresses a page is really known by are stored: random query strings (?utm_..., ?x=123) are still served,
# but must not fill the cache with copies of the same page.
CACHED_QUERY_PARAMETERS = {"q", "page", "letter"}
SAFE_METHODS = ("GET", "HEAD")


def public_page(view):
    """Declare a view a public page, in the URLconf: `path("medicines/", public_page(views.medication_list))`.
    PublicPageCacheMiddleware then serves it (GET and HEAD only) with validators, from the page cache when it can."""

    @functools.wraps(view)
    def public_view(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    public_view.public_page = True  # type: ignore[attr-defined]  # a marker, as Django's csrf_exempt sets one
    return public_view


@functools.lru_cache(maxsize=1024)
def _declares_public_page(resolver, path: str) -> bool:
    # Memoised per URLconf (a new resolver after clear_url_caches() is a new key): resolving the leaflet's path
    # costs about 17 µs, a tenth of what serving a cached page costs in all.
    try:
        match = resolver.resolve(path)
    except Resolver404:
        return False
    return getattr(match.func, "public_page", False)


def is_public_page(path: str) -> bool:
    return _declares_public_page(get_resolver(get_urlconf()), path)


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


def _answer_without_the_view(request, etag: str) -> HttpResponse | None:
    """A 304 when the visitor's copy is current, else the cached page, else None (the view must render it)."""
    response: HttpResponse
    if etag in _if_none_match(request):
        response = HttpResponseNotModified()
    else:
        entry = _cached_page(f"page:{etag}") if _cacheable(request) else None
        if entry is None:
            return None
        content, content_type = entry
        response = HttpResponse(content, content_type=content_type)
    _fresh_public_headers(response, etag)
    return response


def _keep_rendered_page(request, response, etag: str):
    if response.status_code != 200:
        return response
    if _cacheable(request):
        _store_page(f"page:{etag}", (response.content, response["Content-Type"]))
    _public_headers(response, etag)
    return response


class PublicPageCacheMiddleware:
    """Serves the views declared public_page(). It sits before sessions and authentication, so an anonymous visitor
    (no session cookie) is answered a 304 or a cached page without touching them: the fast path. A request carrying
    a session cookie is looked at in process_view, once authentication has said who is asking: a signed-in user
    gets the view, marked private; anyone else is served like the anonymous visitor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_public_page(request.path_info):
            return self.get_response(request)
        # Django refuses a Host outside ALLOWED_HOSTS (400) when something first asks for it, and on the rendered path
        # that is CommonMiddleware, after this one: ask here, so a page from the cache is refused to it too.
        request.get_host()
        if request.method not in SAFE_METHODS:
            return HttpResponseNotAllowed(SAFE_METHODS)
        etag = _etag(request)
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            answer = _answer_without_the_view(request, etag)
            if answer is not None:
                return answer
            return _keep_rendered_page(request, self.get_response(request), etag)

        request.public_page_etag = etag
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_cache=True)
            return response
        if request.public_page_etag is None:  # answered in process_view: already complete
            return response
        return _keep_rendered_page(request, response, etag)

    def process_view(self, request, view_func, view_args, view_kwargs):
        etag = getattr(request, "public_page_etag", None)
        if etag is None or request.user.is_authenticated:
            return None
        answer = _answer_without_the_view(request, etag)
        if answer is not None:
            request.public_page_etag = None
        return answer
