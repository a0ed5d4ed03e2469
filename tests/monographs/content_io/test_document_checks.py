"""Checking a draft of a leaflet (content_io.documents): each rule of the monograph files, with what it refers to
looked up in the database, reported at the draft's table, key and line in its TOML."""

import copy

import pytest

from monographs.content_io import check_document, document_toml, monograph_document
from tests.monographs.content_io.helpers import draft_warning, shipped_medication


@pytest.fixture(scope="module", autouse=True)
def _empty_database():
    """These tests check drafts of the shipped leaflets as the session loaded them (see tests/conftest.py): this
    replaces the package's emptying of the database."""


def _line(text: str, needle: str, after: int = 0) -> int:
    """The number of the first line after line `after` that holds needle."""
    for number, line in enumerate(text.splitlines(), start=1):
        if number > after and needle in line:
            return number
    raise AssertionError(f"{needle!r} is not in the document's TOML after line {after}")


def _set(table: str, index: int, **values):
    def mutate(document: dict) -> None:
        document[table][index].update(values)

    return mutate


def _set_warning(key: str, **values):
    def mutate(document: dict) -> None:
        draft_warning(document, key).update(values)

    return mutate


def _set_medication(**values):
    def mutate(document: dict) -> None:
        document["medication"].update(values)

    return mutate


def _add_brand(name: str):
    def mutate(document: dict) -> None:
        document["medication"]["brands"].append(name)

    return mutate


def _twice_opioids(document: dict) -> None:
    document["warning"].append(copy.deepcopy(draft_warning(document, "opioids")))


def _without_body(document: dict) -> None:
    del document["section"][0]["body"]


def _with_sources_table(document: dict) -> None:
    document["source"] = [{"key": "new-source"}]


# (mutation, where, part of the message, the line: (the table's first line, the key's line after it; None: the
# table's header line just above its first line)
CHECKS = {
    "unknown key": (
        _set_warning("opioids", colour="red"),
        "[warning] 'opioids', 'colour'",
        "unknown key; expected one of: key, type",
        ('key = "opioids"', 'colour = "red"'),
    ),
    "bad choice": (
        _set_warning("opioids", type="bogus"),
        "[warning] 'opioids', 'type'",
        "expected one of: contraindication, interaction, undesirable_effect, warning",
        ('key = "opioids"', 'type = "bogus"'),
    ),
    "bad trigger kind": (
        _set_warning("opioids", trigger={"kind": "moon", "drug_class": "opioid"}),
        "[warning] 'opioids', 'trigger.kind'",
        "'moon' is not a valid choice",
        ('key = "opioids"', "[warning.trigger]"),
    ),
    "source that does not exist": (
        _set("section", 1, sources=["no-such-source"]),
        "[section] 'how_it_works', 'sources'",
        "no source 'no-such-source' is defined",
        ('kind = "how_it_works"', "sources = ["),
    ),
    "condition that does not exist": (
        _set("use", 0, condition="no-such-condition"),
        "[use], 'condition'",
        "no condition 'no-such-condition' is defined",
        ('condition = "no-such-condition"', 'condition = "no-such-condition"'),
    ),
    "trigger naming no medication": (
        _set_warning("opioids", trigger={"kind": "medication", "medication": "no-such-medicine"}),
        "[warning] 'opioids', 'trigger'",
        "no medication 'no-such-medicine' is defined",
        ('key = "opioids"', "[warning.trigger]"),
    ),
    "warning key twice": (
        _twice_opioids,
        "[warning] 'opioids', 'key'",
        "warning key 'opioids' is already defined in draft of baclofen:",
        ('key = "lithium"', 'key = "opioids"'),  # the copy, at the end
    ),
    "brand of another medication": (
        _add_brand("Oxycontin"),
        "[medication] 'baclofen', 'brands'",
        "'Oxycontin' is the same name as 'OxyContin' of [medication] 'oxycodone' once case",
        ("[medication]", "brands = ["),
    ),
    "name of another medication": (
        _set_medication(name="Oxycodone"),
        "[medication] 'baclofen', 'name'",
        "'Oxycodone' is the same name as 'Oxycodone' of [medication] 'oxycodone'",
        ("[medication]", 'name = "Oxycodone"'),
    ),
    "brand twice": (
        _add_brand("LIORESAL"),
        "[medication] 'baclofen', 'brands'",
        "'LIORESAL' is the same name as 'Lioresal' of [medication] 'baclofen'",
        ("[medication]", "brands = ["),
    ),
    "trigger without patient text": (
        _set_warning("opioids", patient_text=""),
        "[warning] 'opioids', 'patient_text'",
        "Write what the patient should know",
        ('key = "opioids"', None),
    ),
    "one ingredient, itself": (
        _set_medication(ingredients=["baclofen"]),
        "[medication] 'baclofen', 'ingredients'",
        "a medication cannot be its own ingredient",
        ("[medication]", "ingredients = ["),
    ),
    "a combination as an ingredient": (
        _set_medication(ingredients=["co-codamol", "paracetamol"]),
        "[medication] 'baclofen', 'ingredients'",
        "'co-codamol' is itself a combination: list its medicines",
        ("[medication]", "ingredients = ["),
    ),
    "ingredient that does not exist": (
        _set_medication(ingredients=["paracetamol", "no-such-medicine"]),
        "[medication] 'baclofen', 'ingredients'",
        "no medication 'no-such-medicine' is defined",
        ("[medication]", "ingredients = ["),
    ),
    "missing required key": (
        _without_body,
        "[section] 'what_for'",
        "missing required key 'body'",
        ('kind = "what_for"', None),
    ),
    "changed slug": (
        _set_medication(slug="baclofen-tablets"),
        "[medication] 'baclofen-tablets', 'slug'",
        "must stay 'baclofen'",
        ("[medication]", 'slug = "baclofen-tablets"'),
    ),
}


@pytest.mark.django_db
@pytest.mark.usefixtures("shipped_content")
class TestCheckingADraft:
    @pytest.mark.parametrize("case", CHECKS)
    def test_each_problem_is_reported_at_its_table_key_and_line(self, case):
        mutate, where, message, (first, key_line) = CHECKS[case]
        baclofen = shipped_medication()
        document = monograph_document(baclofen)
        mutate(document)
        text = document_toml(document)
        table_line = _line(text, first)
        expected_line = _line(text, key_line, after=table_line - 1) if key_line else table_line - 1

        errors = check_document(document, medication=baclofen)

        found = [e for e in errors if e.where == where and message in e.message]
        assert found, "\n".join(str(e) for e in errors)
        assert (found[0].file, found[0].line) == ("draft of baclofen", expected_line)
        table = where.split(",")[0]
        assert all(e.where.startswith(table) for e in errors), "\n".join(str(e) for e in errors)

    def test_a_trigger_naming_nothing_is_not_also_reported_as_missing(self):
        document = monograph_document(shipped_medication())
        CHECKS["trigger naming no medication"][0](document)
        assert [e.message for e in check_document(document, medication=shipped_medication())] == [
            "no medication 'no-such-medicine' is defined"
        ]

    def test_a_table_the_document_does_not_have(self):
        document = monograph_document(shipped_medication())
        _with_sources_table(document)
        errors = check_document(document, medication=shipped_medication())
        assert [(e.where, e.message) for e in errors] == [
            ("[source]", "unknown table; expected: medication, product, use, section, warning")
        ]

    def test_a_new_leaflet_may_not_take_an_existing_slug_or_names(self):
        errors = check_document(monograph_document(shipped_medication()))
        assert {str(e).split(": ", 1)[1] for e in errors} >= {
            "[medication] 'baclofen', 'slug': medication 'baclofen' already exists",
            "[medication] 'baclofen', 'name': 'Baclofen' is the same name as 'Baclofen' of [medication] 'baclofen' "
            "once case, punctuation, strengths and dose forms are ignored",
        }
        assert all(e.file == "draft of baclofen" for e in errors)

    def test_an_ingredient_of_a_combination_cannot_become_a_combination(self):
        codeine = shipped_medication("codeine")
        document = monograph_document(codeine)
        document["medication"] |= {"summary": "Codeine is a painkiller.", "ingredients": ["paracetamol", "ibuprofen"]}
        messages = [e.message for e in check_document(document, medication=codeine)]
        assert "'co-codamol' lists this medication as an ingredient: it cannot be a combination" in messages

    def test_a_document_that_is_not_one(self):
        assert [e.message for e in check_document({"warning": []})] == ["a monograph needs one [medication] table"]
        assert [e.message for e in check_document(["not", "a", "table"])] == [
            "expected a document: a table of the leaflet's tables"
        ]
