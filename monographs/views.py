from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from . import selectors
from .models import Medication
from .search import search as run_search


def can_preview(user) -> bool:
    """Pharmacists (anyone who may change medications) can see drafts exactly as the public will."""
    return user.is_authenticated and user.has_perm("monographs.change_medication")


def medication_list(request):
    return render(request, "monographs/medication_list.html", {"letters": selectors.az_letters()})


def medication_detail(request, slug):
    page = selectors.leaflet_page(slug=slug, include_unpublished=can_preview(request.user))
    if page is None:
        raise Http404("No published leaflet for this medicine.")
    medication = page.medication
    due = medication.next_review_due
    context = {
        "medication": medication,
        "leaflet_html": page.html,
        "is_preview": medication.status != Medication.Status.PUBLISHED,
        # Worked out per request (the page cache and its ETag are per day), never stored with the leaflet.
        "review_overdue": bool(due and due < timezone.localdate()),
    }
    return render(request, "monographs/medication_detail.html", context)


def condition_list(request):
    return render(request, "monographs/condition_list.html", {"conditions": selectors.conditions_with_leaflets()})


def condition_detail(request, slug):
    found = selectors.condition_page(slug=slug)
    if found is None:
        raise Http404("No published medicine is listed for this condition.")
    condition, uses = found
    return render(request, "monographs/condition_detail.html", {"condition": condition, "uses": uses})


def search(request):
    query = request.GET.get("q", "")
    results = run_search(query)
    return render(request, "monographs/search.html", {"results": results, "query": results.query})
