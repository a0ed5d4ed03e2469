"""Where a leaflet is rendered: a medication's rows assembled into sections in their fixed order, each with the
warnings that belong to it under headings a patient understands, side effects with their figures ("about 5 to 15
in every 100 people") and a picture of them, the "get help now" list and numbered sources, then filled into one
template. Nothing here depends on the date or the reader, so the HTML can be stored (services/leaflets.py renders it
after each write); the template only loops.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from .models import ClinicalWarning, LeafletSection, Medication, Source, Use


def _cited() -> Prefetch:
    # Each row's sources as the list `cited`: through the relation's manager, every row would get a manager and a
    # queryset of its own, about half the time a render of a thousand leaflets takes to read them.
    return Prefetch("sources", to_attr="cited")


def _sources_of(row: Any) -> list[Source]:
    """The sources a medication, use, section or warning cites, as leaflet_queryset fetched them."""
    return row.cited


def leaflet_queryset(base: QuerySet) -> QuerySet:
    """Everything the leaflet shows, in a fixed number of queries whatever the amount of content. Each medication,
    use, section and warning has its sources as the list `cited`."""
    return base.prefetch_related(
        "names",
        "products",
        _cited(),
        Prefetch("uses", queryset=Use.objects.select_related("condition").prefetch_related(_cited())),
        Prefetch("sections", queryset=LeafletSection.objects.prefetch_related(_cited())),
        Prefetch(
            "warnings",
            queryset=ClinicalWarning.objects.exclude(patient_text="")
            .select_related("trigger_condition")
            .order_by("position")
            .prefetch_related(_cited()),
        ),
    )


@dataclass
class SideEffectView:
    warning: ClinicalWarning
    figures: str = ""  # "About 5 to 15 in every 100 people"; empty when the label gives no figure
    dots: SafeString = mark_safe("")  # a 100-dot picture of the figures (aria-hidden: the figures say it in words)


@dataclass
class SideEffectGroup:
    label: str
    items: list[SideEffectView]
    with_figures: bool = False


@dataclass
class WarningBlock:
    """One heading on the page and the patient texts under it: several rules can share one ("Kidney problems")."""

    heading: str
    warnings: list[ClinicalWarning] = field(default_factory=list)


@dataclass
class UseView:
    use: Use
    source_numbers: list[int]


@dataclass
class SectionView:
    section: LeafletSection
    blocks: list[WarningBlock] = field(default_factory=list)
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
    identity_numbers: list[int] = field(default_factory=list)
    uses: list[UseView] = field(default_factory=list)


FREQUENCY_ORDER = [
    ClinicalWarning.Frequency.VERY_COMMON,
    ClinicalWarning.Frequency.COMMON,
    ClinicalWarning.Frequency.UNCOMMON,
    ClinicalWarning.Frequency.RARE,
    ClinicalWarning.Frequency.UNKNOWN,
]
# The EU bands as numbers people read correctly (words alone are overestimated). Used only for side effects that
# have a band and no figure: a figure such as 5–15% can span two bands, so it is shown as it is instead.
FREQUENCY_LABELS = {
    ClinicalWarning.Frequency.VERY_COMMON: "Very common: more than 10 in every 100 people",
    ClinicalWarning.Frequency.COMMON: "Common: between 1 and 10 in every 100 people",
    ClinicalWarning.Frequency.UNCOMMON: "Uncommon: between 1 and 10 in every 1,000 people",
    ClinicalWarning.Frequency.RARE: "Rare: between 1 and 10 in every 10,000 people",
    ClinicalWarning.Frequency.UNKNOWN: "How often is not known",
}
FIGURES_LABEL = "How many people had these side effects in studies"
# Rules that share one heading a patient understands; the rule's own title is written for clinicians.
KIDNEY_HEADING = "Kidney problems"
OLDER_ADULTS_HEADING = "Older adults"
CHILDREN_HEADING = "Children and young people"


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}" if value != value.to_integral() else str(int(value))


def frequency_figures(low: Decimal | None, high: Decimal | None) -> str:
    """The label's figures in words: 'About 5 to 15 in every 100 people', 'Up to 9 in every 100 people'."""
    if high is None:
        return "" if low is None else f"At least {_number(low)} in every 100 people"
    if low is None or low == 0:
        return f"Up to {_number(high)} in every 100 people"
    if low == high:
        return f"About {_number(low)} in every 100 people"
    return f"About {_number(low)} to {_number(high)} in every 100 people"


def frequency_dots(low: Decimal | None, high: Decimal | None) -> SafeString:
    """100 dots: dark for the lowest figure, light up to the highest, empty for the rest. Our own markup only."""
    if high is None or high < 1:
        return mark_safe("")
    seen = round(low or 0)
    upto = max(seen, round(high))
    return mark_safe('<i class="seen"></i>' * seen + '<i class="upto"></i>' * (upto - seen) + "<i></i>" * (100 - upto))


def patient_heading(warning) -> str:
    """The heading a patient reads for a rule: a condition's own name, one heading for all kidney rules and one for
    each age group; otherwise the rule's title (written for clinicians, but plain for interactions and side effects).
    Takes a ClinicalWarning or a rules.Rule (whose condition is `condition`), so a patient handout can use it too."""
    kind = ClinicalWarning.TriggerKind
    if warning.trigger_kind in (kind.RENAL, kind.DIALYSIS):
        return KIDNEY_HEADING
    if warning.trigger_kind == kind.AGE:
        if warning.age_min is not None and warning.age_min >= 60:
            return OLDER_ADULTS_HEADING
        if warning.age_max is not None and warning.age_max <= 18:
            return CHILDREN_HEADING
    condition = getattr(warning, "trigger_condition", None) or getattr(warning, "condition", None)
    if warning.trigger_kind == kind.CONDITION and condition is not None:
        return condition.name
    return warning.title


def warning_blocks(warnings: list[ClinicalWarning]) -> list[WarningBlock]:
    """Warnings under their patient headings, each heading once, where its first warning stands."""
    blocks: dict[str, WarningBlock] = {}
    for warning in warnings:
        heading = patient_heading(warning)
        blocks.setdefault(heading, WarningBlock(heading)).warnings.append(warning)
    return list(blocks.values())


def side_effect_groups(warnings: list[ClinicalWarning]) -> list[SideEffectGroup]:
    """Side effects with figures first, most frequent first, each shown as its figures; then the others by band."""
    with_figures = [w for w in warnings if w.frequency_percent_min is not None or w.frequency_percent_max is not None]
    with_figures.sort(key=lambda w: -(w.frequency_percent_max or w.frequency_percent_min or 0))
    groups = []
    if with_figures:
        items = [
            SideEffectView(
                w,
                frequency_figures(w.frequency_percent_min, w.frequency_percent_max),
                frequency_dots(w.frequency_percent_min, w.frequency_percent_max),
            )
            for w in with_figures
        ]
        groups.append(SideEffectGroup(FIGURES_LABEL, items, with_figures=True))
    rest = [w for w in warnings if w not in with_figures]
    for frequency in FREQUENCY_ORDER:
        band = [SideEffectView(w) for w in rest if w.frequency == frequency]
        if band:
            groups.append(SideEffectGroup(FREQUENCY_LABELS[frequency], band))
    return groups


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
    """The leaflet of a medication fetched with leaflet_queryset(). Every source listed at the foot is cited where
    it supports something on the page: the names and codes in the header, a use, or a section and its warnings."""
    numbers = _SourceNumbers()
    identity_numbers = numbers.cite(_sources_of(medication))
    uses = [UseView(use, numbers.cite(_sources_of(use))) for use in medication.uses.all()]

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
        cited = list(_sources_of(section))
        warnings = by_section.get(section.kind, [])
        if section.kind == "side_effects":
            view.side_effect_groups = side_effect_groups([w for w in warnings if w.frequency])
            warnings = [w for w in warnings if not w.frequency]
            cited += [s for w in urgent for s in _sources_of(w)]
        view.blocks = warning_blocks(warnings)
        for warning in by_section.get(section.kind, []):
            cited += list(_sources_of(warning))
        view.source_numbers = numbers.cite(cited)
        sections.append(view)

    brands = [n.name for n in medication.names.all() if n.kind == n.Kind.BRAND]
    return Leaflet(medication, sections, urgent, numbers.order, brands, identity_numbers, uses)


def render_leaflet_html(medication_pk: int) -> str:
    """The leaflet's HTML, read fresh from the database: empty when the medication has no leaflet sections (its page
    is then a 404). Ten queries, whatever the amount of content."""
    return render_leaflets_html([medication_pk]).get(medication_pk, "")


def render_leaflets_html(medication_pks) -> dict[int, str]:
    """Several leaflets' HTML by medication id, read fresh in the same ten queries however many they are (a content
    load renders a thousand at once). Empty for a medication without leaflet sections."""
    rendered = {}
    for medication in leaflet_queryset(Medication.objects.filter(pk__in=list(medication_pks))):
        if not medication.sections.all():
            rendered[medication.pk] = ""
            continue
        context = {"leaflet": build_leaflet(medication)}
        rendered[medication.pk] = render_to_string("monographs/includes/leaflet_article.html", context)
    return rendered
