"""Drafts of a leaflet as documents (content_io.documents): read from the live rows, checked against the database,
shown as TOML and written back, with only what changed saved and every history row saying who and why."""

import copy
import json
import tomllib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from monographs.content_io import (
    DEFAULT_CONTENT_DIR,
    MEDICATIONS_DIR,
    ContentInvalid,
    check_document,
    document_toml,
    export_tree,
    monograph_document,
    normalise_document,
    write_document,
)
from monographs.models import ClinicalWarning, Medication, MedicationName
from tests.monographs.content_io.helpers import CONTENT_MODELS, draft_warning, shipped_medication, snapshot

REASON = "Clinical review: clearer side effects"
SHIPPED_BACLOFEN = tomllib.loads((DEFAULT_CONTENT_DIR / MEDICATIONS_DIR / "baclofen.toml").read_text("utf-8"))


@pytest.fixture(scope="module", autouse=True)
def _empty_database():
    """Unlike the other content_io tests, these work on the shipped leaflets as the session loaded them (see
    tests/conftest.py), each test in its own transaction: this replaces the package's emptying of the database."""


def _history_count() -> int:
    return sum(model.history.count() for model in CONTENT_MODELS)


@pytest.mark.django_db
@pytest.mark.usefixtures("shipped_content")
class TestReadingALeaflet:
    def test_the_document_holds_the_shipped_file_s_tables_without_review_keys(self):
        document = monograph_document(shipped_medication())
        medication, shipped = document["medication"], SHIPPED_BACLOFEN["medication"]

        assert list(medication) == [
            "slug",
            "name",
            "summary",
            "atc_code",
            "rxnorm_code",
            "classes",
            "ingredients",
            "brands",
            "synonyms",
            "sources",
        ]
        assert medication["brands"] == shipped["brands"]
        assert medication["synonyms"] == [] and medication["ingredients"] == []
        assert medication["classes"] == ["cns-depressant", "muscle-relaxant"]
        assert medication["sources"] == sorted(shipped["sources"])
        assert document["product"] == SHIPPED_BACLOFEN["product"]
        assert [s["kind"] for s in document["section"]] == [s["kind"] for s in SHIPPED_BACLOFEN["section"]]
        assert [w["key"] for w in document["warning"]] == [w["key"] for w in SHIPPED_BACLOFEN["warning"]]
        assert len(document["warning"]) == 52

    def test_every_key_is_given_so_documents_compare_and_survive_json(self):
        document = monograph_document(shipped_medication())
        opioids = draft_warning(document, "opioids")
        assert opioids["trigger"] == {
            "kind": "drug_class",
            "condition": None,
            "drug_class": "opioid",
            "medication": None,
            "crcl_min": None,
            "crcl_min_inclusive": True,
            "crcl_max": None,
            "crcl_max_inclusive": False,
            "age_min": None,
            "age_max": None,
        }
        assert opioids["frequency"] == "" and opioids["frequency_percent_min"] is None
        renal = draft_warning(document, "renal-crcl-30-50")["trigger"]
        assert (renal["crcl_min"], renal["crcl_max"]) == (30, 50)
        assert type(renal["crcl_min"]) is int

        assert json.loads(json.dumps(document)) == document
        assert normalise_document(json.loads(json.dumps(document))) == document
        assert monograph_document(shipped_medication()) == document

    def test_normalising_fills_what_a_form_left_out(self):
        document = monograph_document(shipped_medication())
        sparse = copy.deepcopy(document)
        opioids = draft_warning(sparse, "opioids")
        opioids["trigger"] = {"kind": "drug_class", "drug_class": "opioid"}
        for key in ("frequency", "frequency_note", "frequency_percent_min", "urgent"):
            del opioids[key]
        del sparse["medication"]["synonyms"]
        assert normalise_document(sparse) == document

    def test_reading_a_leaflet_takes_the_same_few_queries_whatever_its_size(self, django_assert_max_num_queries):
        baclofen, codeine = shipped_medication(), shipped_medication("codeine")
        with django_assert_max_num_queries(12):
            document = monograph_document(baclofen)  # 52 warnings, each with sources; 6 products; 12 sections
        with django_assert_max_num_queries(12):
            monograph_document(codeine)  # a catalogue entry: no leaflet rows
        with django_assert_max_num_queries(10):
            assert check_document(document, medication=baclofen) == []

    def test_the_toml_is_the_exported_file_without_the_review_keys(self, tmp_path):
        export_tree(tmp_path)
        exported = (tmp_path / MEDICATIONS_DIR / "baclofen.toml").read_text("utf-8").splitlines(keepends=True)
        review_keys = ("last_reviewed =", "next_review_due =", "reviewed_by =")
        expected = "".join(line for line in exported if not line.startswith(review_keys))

        assert document_toml(monograph_document(shipped_medication()), status="published") == expected
        assert 'status = "draft"' in document_toml(monograph_document(shipped_medication()))

    def test_every_shipped_leaflet_passes_its_own_check(self):
        slugs = [Path(name).stem for name in (DEFAULT_CONTENT_DIR / MEDICATIONS_DIR).glob("*.toml")]
        assert len(slugs) == 13
        for medication in Medication.objects.filter(slug__in=slugs):
            assert check_document(monograph_document(medication), medication=medication) == [], medication.slug


def _edited(document: dict) -> tuple[dict, str]:
    """Baclofen with one of each kind of change: a section's words, a warning's title, the last warning gone, a new
    warning at the end, and a brand renamed. Returns the document and the key of the warning removed."""
    edited = copy.deepcopy(document)
    edited["section"][0]["body"] = "Baclofen relaxes stiff muscles. Rewritten in review."
    draft_warning(edited, "opioids")["title"] = "Opioid painkillers"
    removed = edited["warning"].pop()["key"]
    edited["warning"].append(
        copy.deepcopy(draft_warning(edited, "epilepsy")) | {"key": "new-fact", "title": "A new fact"}
    )
    brands = edited["medication"]["brands"]
    brands[brands.index("Lioresal")] = "Lioresal Forte"
    return edited, removed


def _latest_history_ids() -> dict:
    return {
        model: model.history.order_by("-history_id").values_list("history_id", flat=True).first() or 0
        for model in CONTENT_MODELS
    }


@pytest.mark.django_db
@pytest.mark.usefixtures("shipped_content")
class TestWritingALeaflet:
    def test_writing_the_live_leaflet_back_writes_nothing(self, pharmacist):
        before_history, before = _history_count(), snapshot()
        baclofen = shipped_medication()
        assert write_document(baclofen, monograph_document(baclofen), user=pharmacist, reason=REASON) == set()
        assert _history_count() == before_history
        assert snapshot() == before

    def test_an_edited_leaflet_is_written_and_nothing_else_is(self, pharmacist):
        baclofen = shipped_medication()
        edited, removed = _edited(monograph_document(baclofen))
        warnings = {w.key: w.version for w in baclofen.warnings.all()}
        sections = {s.kind: s.version for s in baclofen.sections.all()}
        products = {p.name: p.version for p in baclofen.products.all()}

        assert write_document(baclofen, edited, user=pharmacist, reason=REASON) == {baclofen.pk}

        assert monograph_document(baclofen) == normalise_document(edited)
        section = baclofen.sections.get(kind=edited["section"][0]["kind"])
        assert section.body == "Baclofen relaxes stiff muscles. Rewritten in review."
        assert "Rewritten in review." in section.body_html  # rendered, as every content write does
        assert not baclofen.warnings.filter(key=removed).exists()
        added = baclofen.warnings.get(key="new-fact")
        assert (added.title, added.trigger_kind, added.trigger_condition.slug) == (
            "A new fact",
            "condition",
            "epilepsy",
        )
        assert added.position == 51
        assert baclofen.warnings.get(key="opioids").title == "Opioid painkillers"
        assert list(baclofen.names.values_list("name", flat=True)[:2]) == ["Lioresal Forte", "Lioresal Intrathecal"]
        assert not MedicationName.objects.filter(name="Lioresal").exists()

        unchanged = {key: v for key, v in warnings.items() if key not in ("opioids", removed)}
        assert {w.key: w.version for w in baclofen.warnings.exclude(key__in=["opioids", "new-fact"])} == unchanged
        assert {s.kind: s.version for s in baclofen.sections.exclude(pk=section.pk)} == {
            kind: v for kind, v in sections.items() if kind != section.kind
        }
        assert {p.name: p.version for p in baclofen.products.all()} == products
        after = Medication.objects.get(pk=baclofen.pk)
        workflow = ("status", "last_reviewed", "next_review_due", "reviewed_by", "published_at", "published_by_id")
        assert [getattr(after, f) for f in workflow] == [getattr(baclofen, f) for f in workflow]

    def test_every_history_row_of_a_write_carries_the_user_and_the_reason(self, pharmacist):
        before = _latest_history_ids()
        edited, _ = _edited(monograph_document(shipped_medication()))
        use = edited["use"][0]  # its row stays the same: only its sources change
        use["sources"] = sorted({*use["sources"], "nhs-baclofen"} - {use["sources"][0]})
        write_document(shipped_medication(), edited, user=pharmacist, reason=REASON)

        new = [row for model in CONTENT_MODELS for row in model.history.filter(history_id__gt=before[model])]
        # One row for each row the write changed: the section, opioids, the removed and the added warning, Lioresal
        # out, Lioresal Forte in, and the use (only its sources changed: its history row lists the new ones).
        assert len(new) == 7
        assert {(row.history_user, row.history_change_reason) for row in new} == {(pharmacist, REASON)}
        assert {row.history_type for row in new} == {"+", "~", "-"}
        (use_row,) = [row for row in new if row.instance_type.__name__ == "Use"]
        assert sorted(link.source.key for link in use_row.sources.all()) == use["sources"]

    def test_a_refused_document_writes_nothing(self, pharmacist):
        before_history, before = _history_count(), snapshot()
        edited, _ = _edited(monograph_document(shipped_medication()))
        edited["section"][1]["sources"] = ["no-such-source"]
        with pytest.raises(ContentInvalid) as refused:
            write_document(shipped_medication(), edited, user=pharmacist, reason=REASON)
        assert [e.where for e in refused.value.errors] == [f"[section] {edited['section'][1]['kind']!r}, 'sources'"]
        assert _history_count() == before_history
        assert snapshot() == before

    def test_a_row_the_models_refuse_while_writing_rolls_the_whole_write_back(self, pharmacist, monkeypatch):
        before_history, before = _history_count(), snapshot()

        def refuse_warnings(warning):
            raise ValidationError({"title": "Refused by the test."})

        monkeypatch.setattr(ClinicalWarning, "clean", refuse_warnings)
        edited, _ = _edited(monograph_document(shipped_medication()))
        with pytest.raises(ContentInvalid) as refused:
            write_document(shipped_medication(), edited, user=pharmacist, reason=REASON)
        assert "[warning] 'opioids', 'title': Refused by the test." in str(refused.value)
        assert _history_count() == before_history
        assert snapshot() == before
