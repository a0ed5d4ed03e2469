"""The admin's lists cost the same number of queries whatever the number of rows they show (issue 14: ready for a
thousand leaflets). Each page is counted listing 2 rows and listing 30, and the count is pinned: a column that reads
a related row, a filter that lists every medication, or a condition's row that loads every medicine using it, would
make the second count larger than the first. bench/admin_scale.py times the same pages at 1,000 leaflets."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monographs.models import (
    ClinicalWarning,
    Condition,
    DrugClass,
    LeafletRevision,
    LeafletSection,
    Medication,
    MedicationName,
    ScreeningRecord,
    Source,
    Use,
)
from monographs.names import normalise_name
from tests.users import make_user

pytestmark = pytest.mark.django_db

FEW, MANY = 2, 30


def scale_rows(count: int) -> None:
    """`count` medications named "Scalemed …", each with a brand, a class, a section, an open draft, a screening
    record, three warnings (a condition, a class and a medicine as triggers) and a use for each of `count` conditions;
    and `count` sources, classes and conditions named "Scale…". Bulk-created: these tests read, they never save."""
    day = datetime.date(2026, 1, 1)
    sources = Source.objects.bulk_create(
        Source(
            key=f"scalesource-{i}",
            title=f"Scalesource {i}",
            publisher="Scale",
            url="https://example.org/",
            accessed=day,
        )
        for i in range(count)
    )
    classes = DrugClass.objects.bulk_create(
        DrugClass(slug=f"scaleclass-{i}", name=f"Scaleclass {i}") for i in range(count)
    )
    conditions = Condition.objects.bulk_create(
        Condition(slug=f"scalecond-{i}", name=f"Scalecond {i}", aliases=[]) for i in range(count)
    )
    medications = Medication.objects.bulk_create(
        Medication(
            name=f"Scalemed {i:02}",
            normalised_name=normalise_name(f"Scalemed {i:02}"),
            slug=f"scalemed-{i}",
            status=Medication.Status.PUBLISHED,
            next_review_due=day,
        )
        for i in range(count)
    )
    Medication.classes.through.objects.bulk_create(
        Medication.classes.through(medication=m, drugclass=c) for m, c in zip(medications, classes, strict=True)
    )
    Medication.sources.through.objects.bulk_create(
        Medication.sources.through(medication=m, source=s) for m, s in zip(medications, sources, strict=True)
    )
    MedicationName.objects.bulk_create(
        MedicationName(medication=m, name=f"Scalebrand {m.slug}", normalised=normalise_name(f"Scalebrand {m.slug}"))
        for m in medications
    )
    LeafletSection.objects.bulk_create(
        LeafletSection(medication=m, kind="what_for", body="What it is for.", reading_grade=i % 12)
        for i, m in enumerate(medications)
    )
    Use.objects.bulk_create(
        Use(medication=m, condition=c, status="licensed", how_it_helps="It helps.", position=i)
        for m in medications
        for i, c in enumerate(conditions)
    )
    warning = {"type": "interaction", "severity": "caution", "section": "other_medicines", "clinician_text": "Why."}
    ClinicalWarning.objects.bulk_create(
        ClinicalWarning(medication=m, key=key, title=f"Scalewarning {m.slug} {key}", **trigger, **warning)
        for i, m in enumerate(medications)
        for key, trigger in (
            ("condition", {"trigger_kind": "condition", "trigger_condition": conditions[i]}),
            ("class", {"trigger_kind": "drug_class", "trigger_class": classes[i]}),
            ("medicine", {"trigger_kind": "medication", "trigger_medication": medications[(i + 1) % count]}),
        )
    )
    author = make_user("pharmacist")
    LeafletRevision.objects.bulk_create(
        LeafletRevision(medication=m, number=1, document={}, reason="Scale", created_by=author) for m in medications
    )
    clinician = make_user("clinician")
    ScreeningRecord.objects.bulk_create(
        ScreeningRecord(clinician=clinician, medication=m, answers={}, result={"flags": [{"title": "x"}] * (i % 3)})
        for i, m in enumerate(medications)
    )


def changelist(model: str, query: str) -> str:
    return reverse(f"admin:monographs_{model}_changelist") + query


def autocomplete(model: str, field: str, term: str) -> str:
    return reverse("admin:autocomplete") + f"?app_label=monographs&model_name={model}&field_name={field}&term={term}"


# (page, path, queries as a superuser), counted by hand: every request reads the session and the user (2) and saves
# the session (3 on a test database: SAVEPOINT, UPDATE, RELEASE), around the page's own reads, listed after the "+".
SESSION = 2 + 3
PAGES = [
    # the classes filter's choices, the count, the rows
    ("medications", changelist("medication", "?q=scalemed"), SESSION + 3),
    ("medications with a leaflet", changelist("medication", "?q=scalemed&kind=leaflet"), SESSION + 3),
    ("medications sorted by worst grade", changelist("medication", "?q=scalemed&o=-5"), SESSION + 3),
    # the count, the rows (no second count of the whole table)
    ("warnings", changelist("clinicalwarning", "?q=scalewarning"), SESSION + 2),
    # the chosen medication's name, the count, the rows
    (
        "warnings of one medication",
        changelist("clinicalwarning", "?q=scalewarning&medication__id__exact={first}"),
        SESSION + 3,
    ),
    # the count, the count of all, the rows, the first medicines of each
    ("conditions, each used by every Scalemed", changelist("condition", "?q=scalecond"), SESSION + 4),
    # the count, the count of all, the rows
    ("drug classes", changelist("drugclass", "?q=scaleclass"), SESSION + 3),
    # the count, the count of all, the rows, the publishers filter's choices
    ("sources", changelist("source", "?q=scalesource"), SESSION + 4),
    # the count, the rows, the date range and the days of the date hierarchy
    ("screening records", changelist("screeningrecord", "?q=scalemed"), SESSION + 4),
    # the count (is there a next page?), the rows
    ("autocomplete: a warning's medication", autocomplete("clinicalwarning", "medication", "scalemed"), SESSION + 2),
    ("autocomplete: a combination's ingredients", autocomplete("medication", "ingredients", "scalemed"), SESSION + 2),
    # the count, the rows, the first medicines of each (the conditions list's columns)
    (
        "autocomplete: a warning's condition",
        autocomplete("clinicalwarning", "trigger_condition", "scalecond"),
        SESSION + 3,
    ),
]


def queries_listing(client, size: int, path: str) -> int:
    """The queries of `path` with `size` "Scale…" rows of each kind, which are then rolled back."""
    savepoint = transaction.savepoint()
    try:
        scale_rows(size)
        path = path.format(first=Medication.objects.get(slug="scalemed-0").pk)
        client.get(path)  # warm: the content version, the session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, path
        return len(queries)
    finally:
        transaction.savepoint_rollback(savepoint)


@pytest.mark.parametrize(("path", "expected"), [page[1:] for page in PAGES], ids=[page[0] for page in PAGES])
def test_an_admin_list_costs_the_same_queries_for_2_rows_as_for_30(client, path, expected):
    client.force_login(make_user("superuser"))
    assert {size: queries_listing(client, size, path) for size in (FEW, MANY)} == {FEW: expected, MANY: expected}


def test_the_lists_show_as_many_rows_as_asked_so_the_counts_above_are_of_full_pages(client):
    """The pinned pages really list 30 rows (not an empty search that would be flat for nothing)."""
    client.force_login(make_user("superuser"))
    scale_rows(MANY)
    medications = client.get(changelist("medication", "?q=scalemed")).content.decode()
    assert medications.count("Scalemed ") >= MANY
    warnings = client.get(changelist("clinicalwarning", "?q=scalewarning")).content.decode()
    assert warnings.count("Scalewarning ") == 3 * MANY
    conditions = client.get(changelist("condition", "?q=scalecond")).content.decode()
    assert conditions.count(f"and {MANY - 3} more") == MANY


def test_a_condition_names_its_first_three_medicines_and_counts_the_rest(client):
    client.force_login(make_user("pharmacist"))
    scale_rows(5)
    html = client.get(changelist("condition", "?q=scalecond 0")).content.decode()
    assert "Scalemed 00, Scalemed 01, Scalemed 02 and 2 more" in html


def test_the_warning_list_filters_by_one_medication_without_listing_every_medication(client):
    client.force_login(make_user("pharmacist"))
    scale_rows(4)
    chosen = Medication.objects.get(slug="scalemed-1")
    html = client.get(changelist("clinicalwarning", f"?medication__id__exact={chosen.pk}")).content.decode()
    assert "Scalewarning scalemed-1 class" in html and "Scalewarning scalemed-2" not in html
    unfiltered = client.get(changelist("clinicalwarning", "")).content.decode()
    # Every medication has warnings, yet no filter link names one: the sidebar does not grow with the catalogue.
    assert f"medication__id__exact={chosen.pk}" not in unfiltered


def test_the_ingredients_autocomplete_offers_single_medicines_only(client):
    client.force_login(make_user("pharmacist"))
    scale_rows(3)
    combination, single = Medication.objects.get(slug="scalemed-0"), Medication.objects.get(slug="scalemed-1")
    combination.ingredients.add(single)
    found = client.get(autocomplete("medication", "ingredients", "scalemed")).json()["results"]
    assert {row["text"] for row in found} == {"Scalemed 01", "Scalemed 02"}
