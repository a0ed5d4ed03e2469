"""Many published leaflets, fast: the shipped leaflets cloned under invented names with bulk_create (no history, no
render, no readability), for tests and measurements whose subject is how a page or a search grows with the content.
Each clone's text gains a word of its own, so a rare search has exactly one answer, and a word all clones share (and
no shipped leaflet has), so a common search has exactly them all."""

import itertools

from monographs.cache import bump_content_version, forget_local_state
from monographs.models import ClinicalWarning, LeafletSection, Medication, MedicationName, Use

ONSETS = ["b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z"]
VOWELS = ["a", "e", "i", "o", "u"]
ENDINGS = ["lin", "vor", "tane", "dex", "zol", "pam", "mid", "rix"]
COMMON_WORD = "zelbrin"


def invented_names():
    """'Babalin', 'Babavor', …: distinct, pronounceable, no digits (names normalise without numbers)."""
    for a, b, c, d, ending in itertools.product(ONSETS, VOWELS, ONSETS, VOWELS, ENDINGS):
        yield (a + b + c + d + ending).capitalize()


def rare_word(number: int) -> str:
    """A made-up word only clone `number` contains: 'quorbexbc' for 12 (letters only: digits split words)."""
    return "quorbex" + "".join(chr(ord("a") + int(digit)) for digit in str(number))


def clone_leaflets(count: int, *, batch: int = 200) -> list[Medication]:
    """`count` published copies of the published leaflets (round-robin), with their sections, warnings, uses, classes
    and one brand name each. Returns the copies. (Their leaflets are not rendered: a page assembles them on the fly.)"""
    templates = list(
        Medication.objects.published().prefetch_related("sections", "warnings", "uses", "classes").order_by("name")
    )
    membership = Medication.classes.through
    names = invented_names()
    made: list[Medication] = []
    for start in range(0, count, batch):
        medications = []
        for number in range(start, min(start + batch, count)):
            template = templates[number % len(templates)]
            name = next(names)
            medications.append(
                Medication(
                    name=name,
                    normalised_name=name.lower(),
                    slug=name.lower(),
                    summary=template.summary,
                    status=Medication.Status.PUBLISHED,
                    last_reviewed=template.last_reviewed,
                    next_review_due=template.next_review_due,
                )
            )
        medications = Medication.objects.bulk_create(medications)
        sections, warnings, uses, brands, classes = [], [], [], [], []
        for offset, medication in enumerate(medications):
            number = start + offset
            template = templates[number % len(templates)]
            brand = f"{medication.name}ex"
            brands.append(MedicationName(medication=medication, name=brand, normalised=brand.lower()))
            for section in template.sections.all():
                extra = f"\n\nCopy: {COMMON_WORD} {rare_word(number)}." if section.kind == "what_for" else ""
                body = section.body + extra
                sections.append(_copy(section, medication, body=body, body_html=body))
            warnings += [_copy(warning, medication) for warning in template.warnings.all()]
            uses += [_copy(use, medication) for use in template.uses.all()]
            classes += [membership(medication=medication, drugclass=c) for c in template.classes.all()]
        MedicationName.objects.bulk_create(brands)
        LeafletSection.objects.bulk_create(sections)
        ClinicalWarning.objects.bulk_create(warnings)
        Use.objects.bulk_create(uses)
        membership.objects.bulk_create(classes)
        made += medications
    bump_content_version()  # as any content write does: pages and the search directory start again
    forget_local_state()
    return made


def _copy(row, medication: Medication, **changes):
    fields = {
        field.attname: getattr(row, field.attname)
        for field in row._meta.concrete_fields
        if not field.primary_key and field.attname != "medication_id"
    }
    return type(row)(**(fields | changes), medication=medication)
