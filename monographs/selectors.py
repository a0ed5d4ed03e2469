"""Reads for the public pages: every one starts from Medication.objects.published() (or, for a pharmacist's
preview, every medication) and runs a fixed number of queries whatever the amount of content."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.safestring import SafeString, mark_safe

from .leaflet import render_leaflet_html
from .models import Condition, LeafletRender, Medication, MedicationName, Use


@dataclass(frozen=True)
class LeafletPage:
    medication: Medication
    html: SafeString  # rendered by our own template from sanitised HTML


def leaflet_page(*, slug: str, include_unpublished: bool) -> LeafletPage | None:
    """The medication and its stored leaflet (one query), or None when there is no such leaflet for this reader.
    A leaflet whose render is still due (a write committed a moment ago) is assembled for this request only."""
    # The status alone, not published(): whether there is a leaflet at all is known from the stored render (an EXISTS
    # over the sections here would cost more than the rest of the query).
    base = Medication.objects.all()
    if not include_unpublished:
        base = base.filter(status=Medication.Status.PUBLISHED)
    try:
        medication = base.select_related("render").get(slug=slug)
    except Medication.DoesNotExist:
        return None
    try:
        render: LeafletRender | None = medication.render
    except LeafletRender.DoesNotExist:
        render = None
    html = render.html if render is not None and render.is_current else render_leaflet_html(medication.pk)
    if not html:
        return None
    return LeafletPage(medication=medication, html=mark_safe(html))


def az_letters() -> dict[str, list[dict]]:
    """Published medications and their brand names, A to Z, grouped by first letter. Two queries."""
    medications = list(Medication.objects.published().prefetch_related("names"))
    entries = [(m.name, m, False) for m in medications]
    entries += [(n.name, m, True) for m in medications for n in m.names.all() if n.kind == MedicationName.Kind.BRAND]
    entries.sort(key=lambda entry: entry[0].casefold())
    letters: dict[str, list[dict]] = {}
    for name, medication, is_brand in entries:
        letter = name[0].upper() if name[0].isalpha() else "#"
        letters.setdefault(letter, []).append({"name": name, "medication": medication, "is_brand": is_brand})
    return letters


def conditions_with_leaflets() -> QuerySet[Condition]:
    return Condition.objects.filter(uses__medication__in=Medication.objects.published()).distinct()


def condition_page(*, slug: str) -> tuple[Condition, list[Use]] | None:
    """A condition with the published medications used for it, or None when it has none."""
    condition = Condition.objects.prefetch_related("sources").filter(slug=slug).first()
    if condition is None:
        return None
    uses = list(
        condition.uses.filter(medication__in=Medication.objects.published())
        .select_related("medication")
        .order_by("medication__name")
    )
    return (condition, uses) if uses else None
