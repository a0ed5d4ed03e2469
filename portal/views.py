from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from monographs import selectors

from . import health


def home(request):
    """The search box, the A to Z's letters (each a page of its own) and the conditions: small whatever the number of
    leaflets. Two queries."""
    letters = [(letter, count) for letter, count in selectors.az_index() if count]
    context = {"letters": letters, "conditions": selectors.conditions_with_leaflets()}
    return render(request, "home.html", context)


@never_cache
def healthz(request):
    """For load balancers: JSON, no session, within a second whatever the dependencies do (portal/health.py).

    503 when the database does not answer: this server can serve nothing new, so the balancer should take it out.
    200 "degraded" when only the cache does not: pages are then served from the database, slower but whole, and
    every app server shares the one Redis, so taking them out for it would turn a slower site into no site."""
    report = health.check()
    if report["database"] != "ok":
        return JsonResponse({"status": "error", **report}, status=503)
    return JsonResponse({"status": "ok" if report["cache"] == "ok" else "degraded", **report})


def robots_txt(request):
    """Crawlers may read the public leaflets; they have no business in the admin, accounts or screening."""
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /accounts/", "Disallow: /screening/", "Disallow: /api/"]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@never_cache
@require_POST
@login_required
def keep_alive(request):
    """'Stay signed in': any request renews the session (SESSION_SAVE_EVERY_REQUEST); say for how long."""
    request.session.modified = True
    return JsonResponse({"expires_in": settings.SESSION_COOKIE_AGE})


def csrf_failure(request, reason=""):
    """API clients get the refusal as JSON, like every other API error; pages get Django's explanation."""
    if request.path.startswith("/api/"):
        message = f"CSRF check failed ({reason}). Send the csrftoken cookie's value in the X-CSRFToken header."
        response = JsonResponse({"errors": {"__all__": [message]}}, status=403)
        response["Cache-Control"] = "no-store"
        return response
    return django_csrf_failure(request, reason=reason)
