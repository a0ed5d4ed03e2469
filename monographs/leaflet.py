"""Where a leaflet is rendered: a medication's rows assembled into sections in their fixed order, each with the
warnings that belong to it, side effects grouped by how often they happen, the "get help now" list and numbered
sources, then filled into one template. Nothing here depends on the date or the reader, so the HTML can be stored
(services/leaflets.py renders it after each write); the template only loops.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string

from .models import ClinicalWarning, LeafletSection, Medication, Source, Use


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
            queryset=ClinicalWarning.objects.exclude(patient_text="").order_by("position").prefetch_related("sources"),
        ),
    )


@dataclass
class SideEffectGroup:
    label: str
    warnings: list[ClinicalWarning]


@dataclass
class SectionView:
    section: LeafletSection
    warnings: list[ClinicalWarning] = field(default_factory=list)
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
    urgent: list[ClinicalWarning]
    sources: list[Source]
    brands: list[str]

    @property
    def uses(self) -> list[Use]:
        return list(self.medication.uses.all())


FREQUENCY_ORDER = [
    ClinicalWarning.Frequency.VERY_COMMON,
    ClinicalWarning.Frequency.COMMON,
    ClinicalWarning.Frequency.UNCOMMON,
    ClinicalWarning.Frequency.RARE,
    ClinicalWarning.Frequency.UNKNOWN,
]
FREQUENCY_LABELS = {
    ClinicalWarning.Frequency.VERY_COMMON: "Very common: more than 1 in 10 people",
    ClinicalWarning.Frequency.COMMON: "Common: up to 1 in 10 people",
    ClinicalWarning.Frequency.UNCOMMON: "Uncommon: up to 1 in 100 people",
    ClinicalWarning.Frequency.RARE: "Rare: up to 1 in 1,000 people",
    ClinicalWarning.Frequency.UNKNOWN: "How often is not known",
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


def build_leaflet(medication: Medication) -> Leaflet:
    """The leaflet of a medication fetched with leaflet_queryset()."""
    numbers = _SourceNumbers()
    numbers.cite(medication.sources.all())
    for use in medication.uses.all():
        numbers.cite(use.sources.all())

    by_section: dict[str, list[ClinicalWarning]] = {}
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

    brands = [n.name for n in medication.names.all() if n.kind == n.Kind.BRAND]
    return Leaflet(medication, sections, urgent, numbers.order, brands)


def render_leaflet_html(medication_pk: int) -> str:
    """The leaflet's HTML, read fresh from the database: empty when the medication has no leaflet sections (its page
    is then a 404). Twelve queries, whatever the amount of content."""
    medication = leaflet_queryset(Medication.objects.filter(pk=medication_pk)).first()
    if medication is None or not medication.sections.all():
        return ""
    return render_to_string("monographs/includes/leaflet_article.html", {"leaflet": build_leaflet(medication)})
