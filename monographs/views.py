from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from .http import public_page
from .leaflet import stored_leaflet_html
from .models import Condition, Medication, MedicationName
from .search import search as run_search


def can_preview(user) -> bool:
    """Pharmacists (anyone who may change medications) can see drafts exactly as the public will."""
    return user.is_authenticated and user.has_perm("monographs.change_medication")


@public_page
def medication_list(request):
    medications = list(Medication.objects.published().prefetch_related("names"))
    entries = [(m.name, m, False) for m in medications]
    entries += [(n.name, m, True) for m in medications for n in m.names.all() if n.kind == MedicationName.Kind.BRAND]
    entries.sort(key=lambda entry: entry[0].casefold())
    letters: dict[str, list] = {}
    for name, medication, is_brand in entries:
        letter = name[0].upper() if name[0].isalpha() else "#"
        letters.setdefault(letter, []).append({"name": name, "medication": medication, "is_brand": is_brand})
    return render(request, "monographs/medication_list.html", {"letters": letters})


@public_page
def medication_detail(request, slug):
    # Published only, for the public; whether there is a leaflet at all is known from its stored render (an
    # EXISTS over the sections here would cost more than the rest of the query).
    base = Medication.objects.all()
    if not can_preview(request.user):
        base = base.filter(status=Medication.Status.PUBLISHED)
    medication = get_object_or_404(base, slug=slug)
    leaflet_html = stored_leaflet_html(medication, today=timezone.localdate())
    if not leaflet_html:
        raise Http404("This medicine has no leaflet.")
    context = {
        "medication": medication,
        "leaflet_html": leaflet_html,
        "is_preview": medication.status != Medication.Status.PUBLISHED,
    }
    return render(request, "monographs/medication_detail.html", context)


@public_page
def condition_list(request):
    conditions = Condition.objects.filter(uses__medication__in=Medication.objects.published()).distinct()
    return render(request, "monographs/condition_list.html", {"conditions": conditions})


@public_page
def condition_detail(request, slug):
    condition = get_object_or_404(Condition.objects.prefetch_related("sources"), slug=slug)
    uses = list(
        condition.uses.filter(medication__in=Medication.objects.published())
        .select_related("medication")
        .order_by("medication__name")
    )
    if not uses:
        raise Http404("No published medicine is listed for this condition.")
    return render(request, "monographs/condition_detail.html", {"condition": condition, "uses": uses})


@public_page
def search(request):
    query = request.GET.get("q", "")
    results = run_search(query)
    return render(request, "monographs/search.html", {"results": results, "query": results.query})
