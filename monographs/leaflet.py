"""Assembling a medication's leaflet from its rows: sections in their fixed order, each with the warnings that
belong to it, side effects grouped by how often they happen, the "get help now" list, and numbered sources.

Plain data in, plain data out; the template only loops.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from .cache import content_version
from .models import LeafletSection, Medication, Source, Use, Warning


def leaflet_queryset(base: QuerySet) -> QuerySet:
    """Everything the leaflet shows, in a fixed number of queries whatever the amount of content."""
    return base.prefetch_related(
        "names",
        "products",
        "sources",
        Prefetch("uses", queryset=Use.objects.select_related("condition").prefetch_related("sources")),
        Prefetch("sections", queryset=LeafletSection.objects.prefetch_related("sources")),
        Prefetch(
            "warnings",
            queryset=Warning.objects.exclude(patient_text="").order_by("position").prefetch_related("sources"),
        ),
    )


@dataclass
class SideEffectGroup:
    label: str
    warnings: list[Warning]


@dataclass
class SectionView:
    section: LeafletSection
    warnings: list[Warning] = field(default_factory=list)
    side_effect_groups: list[SideEffectGroup] = field(default_factory=list)
    source_numbers: list[int] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.section.get_kind_display()

    @property
    def anchor(self) -> str:
        return self.section.anchor


@dataclass
class Leaflet:
    medication: Medication
    sections: list[SectionView]
    urgent: list[Warning]
    sources: list[Source]
    brands: list[str]
    review_overdue: bool

    @property
    def uses(self) -> list[Use]:
        return list(self.medication.uses.all())


FREQUENCY_ORDER = [
    Warning.Frequency.VERY_COMMON,
    Warning.Frequency.COMMON,
    Warning.Frequency.UNCOMMON,
    Warning.Frequency.RARE,
    Warning.Frequency.UNKNOWN,
]
FREQUENCY_LABELS = {
    Warning.Frequency.VERY_COMMON: "Very common: more than 1 in 10 people",
    Warning.Frequency.COMMON: "Common: up to 1 in 10 people",
    Warning.Frequency.UNCOMMON: "Uncommon: up to 1 in 100 people",
    Warning.Frequency.RARE: "Rare: up to 1 in 1,000 people",
    Warning.Frequency.UNKNOWN: "How often is not known",
}


class _SourceNumbers:
    """Numbers sources in order of first citation, as a printed leaflet would."""

    def __init__(self):
        self.order: list[Source] = []
        self.numbers: dict[int, int] = {}

    def cite(self, sources) -> list[int]:
        numbers = []
        for source in sources:
            if source.pk not in self.numbers:
                self.order.append(source)
                self.numbers[source.pk] = len(self.order)
            numbers.append(self.numbers[source.pk])
        return sorted(set(numbers))


def build_leaflet(medication: Medication, *, today: datetime.date) -> Leaflet:
    """The leaflet of a medication fetched with leaflet_queryset()."""
    numbers = _SourceNumbers()
    numbers.cite(medication.sources.all())
    for use in medication.uses.all():
        numbers.cite(use.sources.all())

    by_section: dict[str, list[Warning]] = {}
    urgent = []
    for warning in medication.warnings.all():
        if warning.urgent:
            urgent.append(warning)
        else:
            by_section.setdefault(warning.section, []).append(warning)

    sections = []
    for section in sorted(medication.sections.all(), key=lambda s: s.position):
        view = SectionView(section=section)
        cited = list(section.sources.all())
        warnings = by_section.get(section.kind, [])
        if section.kind == "side_effects":
            for frequency in FREQUENCY_ORDER:
                group = [w for w in warnings if w.frequency == frequency]
                if group:
                    view.side_effect_groups.append(SideEffectGroup(FREQUENCY_LABELS[frequency], group))
            warnings = [w for w in warnings if not w.frequency]
            cited += [s for w in urgent for s in w.sources.all()]
        view.warnings = warnings
        for warning in by_section.get(section.kind, []):
            cited += list(warning.sources.all())
        view.source_numbers = numbers.cite(cited)
        sections.append(view)

    overdue = bool(medication.next_review_due and medication.next_review_due < today)
    brands = [n.name for n in medication.names.all() if n.kind == n.Kind.BRAND]
    return Leaflet(medication, sections, urgent, numbers.order, brands, overdue)


def stored_leaflet_html(medication: Medication, *, today: datetime.date) -> SafeString:
    """The leaflet's HTML, rendered once per content version and day and stored on the row (render on write,
    done on the first read after a write): a request then reads one row instead of assembling the leaflet.
    Empty when the medication has no leaflet sections."""
    key = f"{content_version()}|{today.isoformat()}"
    if medication.leaflet_html_key == key:
        return mark_safe(medication.leaflet_html)  # rendered by our own template from sanitised HTML
    full = leaflet_queryset(Medication.objects.filter(pk=medication.pk)).get()
    if full.sections.all():
        leaflet = build_leaflet(full, today=today)
        html = render_to_string("monographs/includes/leaflet_article.html", {"leaflet": leaflet})
    else:
        html = ""  # no leaflet sections: nothing for patients (the page is a 404), remembered like any render
    # A plain UPDATE: a cache of the content, not an edit (no version bump, no history, no purge).
    Medication.objects.filter(pk=medication.pk).update(leaflet_html=html, leaflet_html_key=key)
    return mark_safe(html)
