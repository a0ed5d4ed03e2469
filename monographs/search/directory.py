"""Every name a patient may search by, in memory: medicine names (with or without a leaflet), brand names and
synonyms, condition names and aliases, drug class names; and which medicines and classes each leaflet's warnings
are triggered by, for its links to the leaflets of what it interacts with. Built in eight queries once per content
version in each process (any content write moves the version on), so matching names costs a search no query at all,
and the A to Z and a leaflet's links none either.

A few thousand names with 1,000 leaflets and the catalogue: a small, flat structure, read-only once built.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from monographs.cache import VersionedMemo
from monographs.models import ClinicalWarning, Condition, DrugClass, LeafletSection, Medication, MedicationName, Use
from monographs.names import normalise_name


@dataclass(frozen=True)
class Entry:
    """A medication as search shows it. `published`: it has a public leaflet."""

    pk: int
    slug: str
    name: str
    summary: str
    published: bool
    class_pks: tuple[int, ...] = ()
    ingredient_pks: tuple[int, ...] = ()

    def get_absolute_url(self) -> str:
        return reverse("medication_detail", args=[self.slug])


LETTERS = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
OTHER = "#"  # names that do not begin with a letter from A to Z


def letter_of(name: str) -> str:
    initial = name[:1].upper()
    return initial if initial in LETTERS else OTHER


@dataclass(frozen=True)
class AZEntry:
    """One line of the A to Z: a medicine with a leaflet, or a brand name of one."""

    name: str
    slug: str
    summary: str
    medication_name: str
    is_brand: bool

    def get_absolute_url(self) -> str:
        return reverse("medication_detail", args=[self.slug])


@dataclass(frozen=True)
class ClassEntry:
    pk: int
    slug: str
    name: str
    description: str
    members: tuple[int, ...]  # medication pks with a public leaflet, by name
    size: int  # every medication of the class, leaflet or not (the narrower, the more specific)

    @property
    def plain_words(self) -> str:
        """The class as a patient reads it: its description without the final full stop, e.g. 'Strong painkillers
        such as morphine, oxycodone and codeine'."""
        return self.description.strip().split(". ")[0].rstrip(".") or self.name


@dataclass(frozen=True)
class ConditionEntry:
    pk: int
    slug: str
    name: str
    keys: tuple[str, ...]  # normalised name and aliases
    medication_pks: tuple[int, ...]  # with a public leaflet, by name

    def get_absolute_url(self) -> str:
        return reverse("condition_detail", args=[self.slug])


@dataclass(frozen=True)
class NameRef:
    """One spelling a medication is known by."""

    medication_pk: int
    spelling: str
    kind: str  # "generic", or MedicationName.Kind ("brand", "synonym")


@dataclass
class Directory:
    medications: dict[int, Entry]
    names: dict[str, list[NameRef]]  # normalised name → every medication known by it
    classes: dict[int, ClassEntry]
    conditions: list[ConditionEntry]
    class_keys: dict[str, int] = field(default_factory=dict)  # normalised class name → class pk
    # medication pk → what its shown warnings are triggered by: ({medication pks}, {class pks}) (its interactions)
    triggers: dict[int, tuple[set[int], set[int]]] = field(default_factory=dict)

    @cached_property
    def keys_by_bigram(self) -> dict[str, tuple[str, ...]]:
        """Names by the letter pairs they contain, to narrow 'did you mean' to names that share some."""
        postings: dict[str, list[str]] = defaultdict(list)
        for key in (*self.names, *(k for c in self.conditions for k in c.keys)):
            for gram in bigrams(key):
                postings[gram].append(key)
        return {gram: tuple(dict.fromkeys(keys)) for gram, keys in postings.items()}

    @cached_property
    def az_names(self) -> dict[str, tuple[AZEntry, ...]]:
        """Letter → the A to Z's lines under it: published medicines and their brand names, A to Z."""
        entries = []
        for refs in self.names.values():
            for ref in refs:
                medication = self.medications[ref.medication_pk]
                if medication.published and ref.kind in ("generic", "brand"):
                    brand = ref.kind == "brand"
                    entries.append(AZEntry(ref.spelling, medication.slug, medication.summary, medication.name, brand))
        entries.sort(key=lambda entry: (entry.name.casefold(), entry.name, entry.slug))
        by_letter: dict[str, list[AZEntry]] = defaultdict(list)
        for entry in entries:
            by_letter[letter_of(entry.name)].append(entry)
        return {letter: tuple(found) for letter, found in by_letter.items()}

    @cached_property
    def condition_keys(self) -> dict[str, ConditionEntry]:
        return {key: condition for condition in self.conditions for key in condition.keys}


def bigrams(text: str) -> set[str]:
    padded = f" {text} "
    return {padded[i : i + 2] for i in range(len(padded) - 1)}


def build_directory() -> Directory:
    """Eight queries, whatever the amount of content."""
    has_leaflet = Exists(LeafletSection.objects.filter(medication=OuterRef("pk")))
    rows = Medication.objects.annotate(has_leaflet=has_leaflet).values_list(
        "pk", "slug", "name", "summary", "status", "has_leaflet"
    )
    class_pks: dict[int, list[int]] = defaultdict(list)
    for medication_pk, class_pk in Medication.classes.through.objects.values_list("medication_id", "drugclass_id"):
        class_pks[medication_pk].append(class_pk)
    ingredient_pks: dict[int, list[int]] = defaultdict(list)
    for combination_pk, ingredient_pk in Medication.ingredients.through.objects.order_by(
        "to_medication__name"
    ).values_list("from_medication_id", "to_medication_id"):
        ingredient_pks[combination_pk].append(ingredient_pk)
    medications = {
        pk: Entry(
            pk=pk,
            slug=slug,
            name=name,
            summary=summary,
            published=status == Medication.Status.PUBLISHED and leaflet,
            class_pks=tuple(class_pks[pk]),
            ingredient_pks=tuple(ingredient_pks[pk]),
        )
        for pk, slug, name, summary, status, leaflet in rows
    }
    by_name = sorted(medications.values(), key=lambda entry: (entry.name.casefold(), entry.pk))
    names: dict[str, list[NameRef]] = defaultdict(list)
    for entry in by_name:
        names[normalise_name(entry.name)].append(NameRef(entry.pk, entry.name, "generic"))
    for medication_pk, spelling, kind in MedicationName.objects.order_by("medication_id", "position", "pk").values_list(
        "medication_id", "name", "kind"
    ):
        if medication_pk in medications:  # a name added since the medications were read
            names[normalise_name(spelling)].append(NameRef(medication_pk, spelling, kind))
    members: dict[int, list[int]] = defaultdict(list)
    sizes: dict[int, int] = defaultdict(int)
    for entry in by_name:
        for class_pk in entry.class_pks:
            sizes[class_pk] += 1
            if entry.published:
                members[class_pk].append(entry.pk)
    classes = {
        pk: ClassEntry(pk, slug, name, description, tuple(members[pk]), sizes[pk])
        for pk, slug, name, description in DrugClass.objects.values_list("pk", "slug", "name", "description")
    }
    used_for: dict[int, list[int]] = defaultdict(list)
    for condition_pk, medication_pk in Use.objects.values_list("condition_id", "medication_id"):
        user = medications.get(medication_pk)
        if user is not None and user.published:
            used_for[condition_pk].append(medication_pk)
    conditions = [
        ConditionEntry(
            pk,
            slug,
            name,
            tuple(dict.fromkeys(normalise_name(n) for n in [name, *aliases] if normalise_name(n))),
            tuple(sorted(used_for[pk], key=lambda m: (medications[m].name.casefold(), m))),
        )
        for pk, slug, name, aliases in Condition.objects.order_by("name").values_list("pk", "slug", "name", "aliases")
        if used_for[pk]  # a condition no public leaflet is used for has no page
    ]
    class_keys = {normalise_name(c.name): c.pk for c in classes.values() if c.members}
    triggers: dict[int, tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
    for medication_pk, trigger_medication, trigger_class in (
        ClinicalWarning.objects.exclude(patient_text="")
        .filter(Q(trigger_medication__isnull=False) | Q(trigger_class__isnull=False))
        .values_list("medication_id", "trigger_medication_id", "trigger_class_id")
        .distinct()
    ):
        if trigger_medication is not None:
            triggers[medication_pk][0].add(trigger_medication)
        if trigger_class is not None:
            triggers[medication_pk][1].add(trigger_class)
    return Directory(medications, dict(names), classes, conditions, class_keys, dict(triggers))


_directory = VersionedMemo(build_directory)


def directory() -> Directory:
    """The directory of the current content version (built on the first search after a change)."""
    return _directory.get()
