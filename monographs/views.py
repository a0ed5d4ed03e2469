from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from . import selectors
from .models import Medication
from .paging import pagination
from .search import page_number
from .search import search as run_search

# The marker the stored leaflet leaves in its "Taking it with other medicines" section, where the links to the leaflets
# of the medicines it interacts with go (worked out per request: see selectors.interaction_leaflets).
SEE_ALSO_MARKER = "<!-- interaction-leaflets -->"


def can_preview(user) -> bool:
    """Pharmacists (anyone who may change medications) can see drafts exactly as the public will."""
    return user.is_authenticated and user.has_perm("monographs.change_medication")


def medication_list(request):
    """The A to Z, one letter at a time (?letter=b), with the letters and their counts; without a letter, the first
    letter that has any."""
    index = selectors.az_index()
    asked = request.GET.get("letter", "").upper()
    if asked and asked not in (*selectors.LETTERS, selectors.OTHER):
        raise Http404("No such letter.")
    letter = asked or next((letter for letter, count in index if count), "A")
    count = dict(index)[letter]
    pages = max(1, -(-count // selectors.AZ_PER_PAGE))
    page = min(page_number(request.GET.get("page")), pages)
    entries = selectors.az_letter(letter=letter, offset=(page - 1) * selectors.AZ_PER_PAGE, limit=selectors.AZ_PER_PAGE)
    context = {
        "index": index,
        "letter": letter,
        "count": count,
        "total": sum(number for _, number in index),
        "entries": entries,
        "pagination": pagination(
            page=page,
            pages=pages,
            base=reverse("medication_list"),
            params={"letter": letter.lower()},
            label=f"Pages of medicines beginning with {letter}",
        ),
    }
    return render(request, "monographs/medication_list.html", context)


def medication_detail(request, slug):
    page = selectors.leaflet_page(slug=slug, include_unpublished=can_preview(request.user))
    if page is None:
        raise Http404("No published leaflet for this medicine.")
    medication = page.medication
    due = medication.next_review_due
    # Our own stored, sanitised HTML, cut where the links go (after the leaflet if an older render lacks the mark).
    before, _, after = page.html.partition(SEE_ALSO_MARKER)
    context = {
        "medication": medication,
        "leaflet_before": mark_safe(before),
        "leaflet_after": mark_safe(after),
        "see_also": selectors.interaction_leaflets(medication_pk=medication.pk),
        "is_preview": medication.status != Medication.Status.PUBLISHED,
        # Worked out per request (the page cache and its ETag are per day), never stored with the leaflet.
        "review_overdue": bool(due and due < timezone.localdate()),
    }
    return render(request, "monographs/medication_detail.html", context)


def condition_list(request):
    return render(request, "monographs/condition_list.html", {"conditions": selectors.conditions_with_leaflets()})


def condition_detail(request, slug):
    found = selectors.condition_page(slug=slug, page=page_number(request.GET.get("page")))
    if found is None:
        raise Http404("No published medicine is listed for this condition.")
    condition, uses, page, total = found
    context = {
        "condition": condition,
        "uses": uses,
        "total": total,
        "pagination": pagination(
            page=page,
            pages=-(-total // selectors.CONDITION_PER_PAGE),
            base=condition.get_absolute_url(),
            params={},
            label=f"Pages of medicines used for {condition.name.lower()}",
        ),
    }
    return render(request, "monographs/condition_detail.html", context)


def search(request):
    results = run_search(request.GET.get("q", ""), page=page_number(request.GET.get("page")))
    context = {
        "results": results,
        "query": results.query,
        "pagination": pagination(
            page=results.page,
            pages=results.pages,
            base=reverse("search"),
            params={"q": results.query},
            label="Pages of search results",
        ),
    }
    return render(request, "monographs/search.html", context)
