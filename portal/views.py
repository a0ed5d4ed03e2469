from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from monographs.models import Condition, Medication


def home(request):
    medications = list(Medication.objects.published().only("name", "slug", "summary"))
    conditions = Condition.objects.filter(uses__medication__in=Medication.objects.published()).distinct()
    letters = sorted({m.name[0].upper() for m in medications})
    return render(request, "home.html", {"medications": medications, "conditions": conditions, "letters": letters})


@never_cache
def healthz(request):
    """200 when the database answers, 503 when it does not. For load balancers: no HTML, no session."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


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
