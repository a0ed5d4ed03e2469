"""Reads for the public pages: every one starts from Medication.objects.published() (or, for a pharmacist's
preview, every medication) and runs a fixed number of queries whatever the amount of content."""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.safestring import SafeString, mark_safe

from .leaflet import render_leaflet_html
from .models import Condition, LeafletRender, Medication, Use
from .search.directory import LETTERS, OTHER, AZEntry, directory


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


AZ_PER_PAGE = 100
CONDITION_PER_PAGE = 25
MAX_PER_CLASS = 6  # "see also" leaflets listed for one class; the rest are one search away


def az_index() -> list[tuple[str, int]]:
    """(letter, how many names begin with it) for A to Z and OTHER, letters with none included. From the directory of
    names (search/directory.py): no query once it is built for the content version (seven when it is not)."""
    by_letter = directory().az_names
    return [(letter, len(by_letter.get(letter, ()))) for letter in (*LETTERS, OTHER)]


def az_letter(*, letter: str, offset: int, limit: int) -> list[AZEntry]:
    """Names beginning with `letter` (or OTHER), A to Z, `limit` of them from `offset`. From the directory."""
    return list(directory().az_names.get(letter, ())[offset : offset + limit])


def conditions_with_leaflets() -> QuerySet[Condition]:
    return Condition.objects.filter(uses__medication__in=Medication.objects.published()).distinct()


def condition_uses(condition: Condition) -> QuerySet[Use]:
    """The condition's uses by published medications: licensed first, then off-label, each A to Z."""
    return (
        condition.uses.filter(medication__in=Medication.objects.published())
        .select_related("medication")
        .order_by("status", "medication__name", "pk")
    )


def condition_page(*, slug: str, page: int) -> tuple[Condition, list[Use], int, int] | None:
    """A condition, one page of the published medications used for it, the page shown and how many there are in
    all; None when it has none. Four queries: the condition, its sources, the count and the page (an out-of-range
    page is shown as the last: one more)."""
    condition = Condition.objects.prefetch_related("sources").filter(slug=slug).first()
    if condition is None:
        return None
    uses = condition_uses(condition)
    total = uses.count()
    if not total:
        return None
    page = min(page, -(-total // CONDITION_PER_PAGE))
    start = (page - 1) * CONDITION_PER_PAGE
    return condition, list(uses[start : start + CONDITION_PER_PAGE]), page, total


@dataclass
class SeeAlso:
    """Leaflets of medicines this one interacts with: one medicine (drug_class None), or up to MAX_PER_CLASS of a
    class (more: there are others, found by searching the class name)."""

    drug_class: str | None
    description: str
    leaflets: list[tuple[str, str]] = field(default_factory=list)  # (name, url)
    more: bool = False


def interaction_leaflets(*, medication_pk: int) -> list[SeeAlso]:
    """Published leaflets of the medicines and classes this medication's shown warnings are triggered by (its
    interactions): the medicines first, then class by class, each class cut to MAX_PER_CLASS. From the directory of
    names, built once per content version (search/directory.py): no query (a class's members are not read per
    request: with 1,000 leaflets a class has hundreds). Worked out per request, not stored in the leaflet's render,
    so a leaflet published or withdrawn later is linked or unlinked at once (publishing moves the version on)."""
    known = directory()
    medication_pks, class_pks = known.triggers.get(medication_pk, ((), ()))
    direct = [
        known.medications[pk]
        for pk in medication_pks
        if pk in known.medications and known.medications[pk].published and pk != medication_pk
    ]
    direct.sort(key=lambda entry: entry.name.casefold())
    groups = [SeeAlso(None, "", [(m.name, m.get_absolute_url()) for m in direct])] if direct else []
    shown = {m.pk for m in direct} | {medication_pk}
    classes = sorted(
        (known.classes[pk] for pk in class_pks if pk in known.classes),
        key=lambda drug_class: drug_class.name.casefold(),
    )
    for drug_class in classes:
        members = [known.medications[pk] for pk in drug_class.members if pk not in shown]
        if members:
            leaflets = [(m.name, m.get_absolute_url()) for m in members[:MAX_PER_CLASS]]
            groups.append(SeeAlso(drug_class.name, drug_class.plain_words, leaflets, more=len(members) > MAX_PER_CLASS))
    return groups
