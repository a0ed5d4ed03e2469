"""The screening pages for signed-in clinicians: the questionnaire, one result, and its patient handout.

Results are rendered from the record's snapshot, never from today's content, so a past result never changes.
"""

from collections.abc import Callable
from functools import wraps
from typing import cast

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import get_resolver
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from monographs.models import ScreeningRecord, Severity, WarningType
from monographs.services.screening import MedicationNotScreenable, screening_create

from .api import form_data
from .flags import SEVERITY_ORDER
from .forms import ScreeningForm
from .snapshot import upgraded

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


def medicine_groups(result: dict) -> list[dict]:
    """Flags under one heading per medicine whose rule they are (the one considered first), each group's flags most
    serious first, and the groups in the order of their most serious flag."""
    labels, type_labels = dict(Severity.choices), dict(WarningType.choices)
    considered = result["medication"]["slug"]
    groups: dict[str, dict] = {}
    for flag in result["flags"]:  # already most serious first
        group = groups.setdefault(
            flag["about"],
            {"slug": flag["about"], "name": flag["about_name"], "considered": flag["about"] == considered, "flags": []},
        )
        also = [a | {"severity_label": labels.get(a["severity"], "")} for a in flag["also"]]
        group["flags"].append(
            flag
            | {
                "severity_label": labels.get(flag["severity"], flag["severity"]),
                "type_label": type_labels.get(flag["type"], flag["type"]),
                "also": also,
            }
        )
    rank = {severity: index for index, severity in enumerate(SEVERITY_ORDER)}
    return sorted(groups.values(), key=lambda g: (rank.get(g["flags"][0]["severity"], 99), not g["considered"]))


def _screened(request, form: ScreeningForm):
    """The redirect to the new record when the bound form is valid and its medication still published; else None
    (the form then carries its errors)."""
    if not form.is_valid():
        return None
    try:
        return redirect(screening_create(clinician=request.user, **form.screening_answers()))
    except MedicationNotScreenable:
        form.medication_no_longer_published()
        return None


def _form_page(request, form: ScreeningForm, *, recent=(), status: int = 200):
    # session_seconds: the page warns before an idle sign-out loses the answers (static/js/session-timeout.js).
    context = {"form": form, "recent": recent, "session_seconds": settings.SESSION_COOKIE_AGE}
    return render(request, "screening/form.html", context, status=status)


@clinician_page("monographs.add_screeningrecord")
def screening_form(request):
    if request.method == "POST":
        form = ScreeningForm(request.POST)
        if (response := _screened(request, form)) is not None:
            return response
    else:
        form = ScreeningForm(initial_medication=request.GET.get("medication"))
    recent = (
        ScreeningRecord.objects.filter(clinician=request.user)
        .select_related("medication")
        .only("id", "created_at", "medication__name")[:RECENT_RECORDS]
    )
    return _form_page(request, form, recent=recent)


@clinician_page("monographs.view_screeningrecord")
def screening_result(request, pk):
    record = own_record(request, pk)
    if record is None:
        return error_page(request, 404, Http404("No such screening of yours."))
    result = upgraded(record.result)
    context = {"record": record, "result": result, "groups": medicine_groups(result)}
    return render(request, "screening/result.html", context)


@clinician_page("monographs.add_screeningrecord")
@require_POST
def screening_rescreen(request, pk):
    """Screen again with one unrecognised line replaced by a suggestion the result offered for it: one click, and
    only ever a suggestion the clinician chose (anything else is refused)."""
    record = ScreeningRecord.objects.filter(pk=pk, clinician=request.user).only("id", "answers", "result").first()
    if record is None:
        return error_page(request, 404, Http404("No such screening of yours."))
    line, chosen = request.POST.get("line", ""), request.POST.get("use", "")
    offered = {
        (item["line"], suggestion["name"])
        for item in upgraded(record.result)["unrecognised_medications"]
        for suggestion in item["suggestions"]
    }
    if (line, chosen) not in offered:
        return error_page(request, 400, SuspiciousOperation("Not a suggestion this screening offered."))
    answers = record.answers | {
        "current_medications": [chosen if given == line else given for given in record.answers["current_medications"]]
    }
    data, _ = form_data(answers)
    form = ScreeningForm(data)
    return _screened(request, form) or _form_page(request, form, status=400)


@clinician_page("monographs.view_screeningrecord")
def screening_handout(request, pk):
    record = own_record(request, pk)
    if record is None:
        return error_page(request, 404, Http404("No such screening of yours."))
    result = upgraded(record.result)
    # Every flag reaches the patient: one without patient text says so rather than vanishing.
    return render(request, "screening/handout.html", {"record": record, "result": result, "flags": result["flags"]})
