"""The screening pages for signed-in clinicians: the questionnaire, one result, and its patient handout.

Results are rendered from the record's snapshot, never from today's content, so a past result never changes.
"""

from collections.abc import Callable
from functools import wraps
from typing import cast

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import get_resolver
from django.views.decorators.cache import never_cache

from monographs.models import ScreeningRecord, Severity, WarningType
from monographs.services.screening import MedicationNotScreenable, screening_create

from .engine import SEVERITY_ORDER
from .forms import ScreeningForm

RECENT_RECORDS = 10


def clinician_page(permission: str):
    """Signed-in users with the permission; anonymous users go to sign in, others get 403. Never cached (the 403
    too: it is answered here rather than raised, so no-store reaches it)."""

    def decorator(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not request.user.has_perm(permission):
                return error_page(request, 403, PermissionDenied())
            return view(request, *args, **kwargs)

        return never_cache(login_required(guarded))

    return decorator


def error_page(request, status: int, exception: Exception):
    """The site's error page, answered (not raised) so that the view's decorators, such as never_cache, apply."""
    # The stubs type every handler as handler500's (request only); the 4xx handlers also take the exception.
    handler = cast(Callable[..., HttpResponse], get_resolver().resolve_error_handler(status))
    return handler(request, exception=exception)


def own_record(request, pk) -> ScreeningRecord | None:
    """A clinician sees only their own records: anyone else's is None (a 404, as if it did not exist)."""
    return ScreeningRecord.objects.only("id", "created_at", "result").filter(pk=pk, clinician=request.user).first()


def severity_groups(flags: list[dict]) -> list[dict]:
    """Flags under one heading per severity, most serious first (the snapshot is already in this order)."""
    labels, type_labels = dict(Severity.choices), dict(WarningType.choices)
    groups = []
    for severity in SEVERITY_ORDER:
        in_group = [
            flag | {"type_label": type_labels.get(flag["type"], flag["type"])}
            for flag in flags
            if flag["severity"] == severity
        ]
        if in_group:
            groups.append({"severity": severity, "label": labels[severity], "flags": in_group})
    return groups


@clinician_page("monographs.add_screeningrecord")
def screening_form(request):
    if request.method == "POST":
        form = ScreeningForm(request.POST)
        if form.is_valid():
            try:
                record = screening_create(clinician=request.user, **form.screening_answers())
            except MedicationNotScreenable:
                form.medication_no_longer_published()
            else:
                return redirect(record)
    else:
        form = ScreeningForm(initial_medication=request.GET.get("medication"))
    recent = (
        ScreeningRecord.objects.filter(clinician=request.user)
        .select_related("medication")
        .only("id", "created_at", "medication__name")[:RECENT_RECORDS]
    )
    # session_seconds: the page warns before an idle sign-out loses the answers (static/js/session-timeout.js).
    context = {"form": form, "recent": recent, "session_seconds": settings.SESSION_COOKIE_AGE}
    return render(request, "screening/form.html", context)


@clinician_page("monographs.view_screeningrecord")
def screening_result(request, pk):
    record = own_record(request, pk)
    if record is None:
        return error_page(request, 404, Http404("No such screening of yours."))
    result = record.result
    context = {"record": record, "result": result, "groups": severity_groups(result["flags"])}
    return render(request, "screening/result.html", context)


@clinician_page("monographs.view_screeningrecord")
def screening_handout(request, pk):
    record = own_record(request, pk)
    if record is None:
        return error_page(request, 404, Http404("No such screening of yours."))
    result = record.result
    patient_flags = [flag for flag in result["flags"] if flag["patient_text"]]
    return render(request, "screening/handout.html", {"record": record, "result": result, "flags": patient_flags})
