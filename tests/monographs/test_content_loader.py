"""The content loader: TOML files in, rows out, all or nothing; and the export that writes them back."""

import datetime
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from monographs.content_io import DEFAULT_CONTENT_DIR, ContentInvalid, export_tree, load_tree
from monographs.models import (
    Condition,
    DrugClass,
    LeafletSection,
    Medication,
    MedicationName,
    Product,
    Source,
    Use,
    Warning,
)

# Children first: deleting in this order never trips a PROTECT foreign key.
CONTENT_MODELS = [Warning, LeafletSection, Use, Product, MedicationName, Medication, Condition, DrugClass, Source]

REF = "reference/reference.toml"
MONO = "medications/baclofen.toml"
TODAY = datetime.date(2026, 11, 29)


# --- A minimal valid tree, as Python data, written out as TOML ----------------------------------------------------


def _source(key: str) -> dict:
    return {
        "key": key,
        "title": f"Source {key}",
        "publisher": "Publisher",
        "url": f"https://example.org/{key}",
        "accessed": TODAY,
    }


def _warning(key: str, **changes) -> dict:
    table = {
        "key": key,
        "type": "warning",
        "severity": "caution",
        "title": key.replace("-", " ").capitalize(),
        "section": "before_taking",
        "trigger": {"kind": "none"},
        "urgent": False,
        "patient_text": f"Patient text for {key}.",
        "clinician_text": f"Clinician text for {key}.",
        "action": f"Action for {key}.",
        "sources": ["src-leaflet"],
    }
    table.update(changes)
    return table


def minimal_tree() -> dict:
    """{relative path: tables}. A dict value is a [table], a list value is [[tables]]."""
    return {
        REF: {
            "source": [_source("src-ref")],
            "drug_class": [
                {"slug": "opioid", "name": "Opioid", "description": "Strong painkillers."},
                {"slug": "muscle-relaxant", "name": "Muscle relaxant", "description": "Relaxes muscles."},
            ],
            "condition": [
                {
                    "slug": "epilepsy",
                    "name": "Epilepsy",
                    "aliases": ["seizures"],
                    "description": "Fits.",
                    "sources": ["src-ref"],
                },
                {"slug": "multiple-sclerosis", "name": "Multiple sclerosis", "aliases": ["MS"]},
            ],
            "medication": [
                {
                    "slug": "morphine",
                    "name": "Morphine",
                    "atc_code": "N02AA01",
                    "classes": ["opioid"],
                    "brands": ["Oramorph", "MST Continus"],
                    "synonyms": ["morphine sulfate"],
                    "sources": ["src-ref"],
                },
            ],
        },
        MONO: {
            "medication": {
                "slug": "baclofen",
                "name": "Baclofen",
                "summary": "Baclofen relaxes stiff muscles.",
                "atc_code": "M03BX01",
                "classes": ["muscle-relaxant"],
                "brands": ["Lioresal", "Ozobax"],
                "synonyms": [],
                "status": "published",
                "last_reviewed": TODAY,
                "next_review_due": datetime.date(2029, 11, 29),
                "reviewed_by": "A pharmacist",
                "sources": ["src-leaflet"],
            },
            "source": [_source("src-leaflet")],
            "product": [
                {"name": "Baclofen 10 mg tablets", "form": "tablet", "strength": "10 mg"},
                {"name": "Baclofen 20 mg tablets", "form": "tablet", "strength": "20 mg"},
            ],
            "use": [
                {
                    "condition": "multiple-sclerosis",
                    "status": "licensed",
                    "how_it_helps": "It eases stiffness.",
                    "sources": ["src-leaflet"],
                },
            ],
            "section": [
                {"kind": "what_for", "body": "Baclofen relaxes *stiff* muscles.", "sources": ["src-leaflet"]},
                {"kind": "side_effects", "body": "Some side effects.", "sources": ["src-leaflet"]},
            ],
            "warning": [
                _warning(
                    "opioids",
                    type="interaction",
                    section="other_medicines",
                    trigger={"kind": "drug_class", "drug_class": "opioid"},
                ),
                _warning("epilepsy", trigger={"kind": "condition", "condition": "epilepsy"}),
                _warning(
                    "renal-below-30",
                    severity="dose_adjustment",
                    trigger={"kind": "renal", "crcl_max": 30, "crcl_max_inclusive": False},
                ),
                _warning(
                    "se-drowsiness",
                    type="undesirable_effect",
                    severity="info",
                    section="side_effects",
                    frequency="very_common",
                    frequency_note="10–63%",
                ),
            ],
        },
    }


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(value)


def to_toml(tables: dict) -> str:
    blocks = []
    for name, value in tables.items():
        for table in [value] if isinstance(value, dict) else value:
            header = f"[{name}]" if isinstance(value, dict) else f"[[{name}]]"
            blocks.append("\n".join([header, *(f"{k} = {_toml_value(v)}" for k, v in table.items())]))
    return "# Written by the test.\n\n" + "\n\n".join(blocks) + "\n"


def write_tree(tmp_path: Path, files: dict) -> Path:
    """Write the tree under tmp_path/content. A value may be tables (dict), raw text (str) or raw bytes."""
    root = tmp_path / "content"
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_text(to_toml(content), encoding="utf-8")
    return root


def load_files(tmp_path: Path, files: dict):
    return load_tree(write_tree(tmp_path, files))


def find_line(path: Path, needle: str, occurrence: int = 1) -> int:
    """The 1-based number of the line holding the n-th occurrence of needle."""
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} (occurrence {occurrence}) not in {path}")


def warning(files: dict, key: str) -> dict:
    return next(w for w in files[MONO]["warning"] if w["key"] == key)


# --- Looking at the database -------------------------------------------------------------------------------------


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in CONTENT_MODELS}


def _keys(obj) -> tuple:
    return tuple(sorted(s.key for s in obj.sources.all()))


def snapshot() -> dict:
    """Every significant value of every content row, with relations by key, in a comparable form."""
    return {
        "sources": sorted((s.key, s.title, s.publisher, s.url, s.identifier, s.accessed) for s in Source.objects.all()),
        "classes": sorted((c.slug, c.name, c.description) for c in DrugClass.objects.all()),
        "conditions": sorted(
            (c.slug, c.name, tuple(c.aliases), c.description, c.description_html, c.snomed_code, _keys(c))
            for c in Condition.objects.prefetch_related("sources")
        ),
        "medications": sorted(
            (
                m.slug,
                m.name,
                m.normalised_name,
                m.summary,
                m.atc_code,
                m.rxnorm_code,
                m.status,
                m.last_reviewed,
                m.next_review_due,
                m.reviewed_by,
                tuple(sorted(c.slug for c in m.classes.all())),
                _keys(m),
            )
            for m in Medication.objects.prefetch_related("classes", "sources")
        ),
        "names": sorted(
            (n.medication.slug, n.name, n.normalised, n.kind, n.position)
            for n in MedicationName.objects.select_related("medication")
        ),
        "products": sorted(
            (p.medication.slug, p.name, p.form, p.strength, p.position)
            for p in Product.objects.select_related("medication")
        ),
        "uses": sorted(
            (u.medication.slug, u.condition.slug, u.status, u.how_it_helps, u.how_it_helps_html, u.position, _keys(u))
            for u in Use.objects.select_related("medication", "condition").prefetch_related("sources")
        ),
        "sections": sorted(
            (s.medication.slug, s.kind, s.position, s.body, s.body_html, _keys(s))
            for s in LeafletSection.objects.select_related("medication").prefetch_related("sources")
        ),
        "warnings": sorted(
            (
                w.medication.slug,
                w.key,
                w.type,
                w.severity,
                w.title,
                w.section,
                w.position,
                w.frequency,
                w.frequency_note,
                w.urgent,
                w.trigger_kind,
                w.trigger_condition.slug if w.trigger_condition else None,
                w.trigger_class.slug if w.trigger_class else None,
                w.trigger_medication.slug if w.trigger_medication else None,
                w.crcl_min,
                w.crcl_min_inclusive,
                w.crcl_max,
                w.crcl_max_inclusive,
                w.patient_text,
                w.patient_html,
                w.clinician_text,
                w.clinician_html,
                w.action,
                w.action_html,
                _keys(w),
            )
            for w in Warning.objects.select_related(
                "medication", "trigger_condition", "trigger_class", "trigger_medication"
            ).prefetch_related("sources")
        ),
    }


def delete_all_content() -> None:
    for model in CONTENT_MODELS:
        model.objects.all().delete()


@pytest.fixture(autouse=True)
def _start_from_an_empty_database(db):
    """The session starts with the shipped content loaded; these tests load their own trees into nothing."""
    delete_all_content()


def error_matching(excinfo, *parts: str):
    errors = excinfo.value.errors
    for error in errors:
        if all(part in str(error) for part in parts):
            return error
    raise AssertionError(f"no error mentions {parts!r}; errors were:\n" + "\n".join(str(e) for e in errors))


# --- The shipped tree ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_shipped_tree_loads_and_loading_it_twice_changes_nothing():
    first = load_tree(DEFAULT_CONTENT_DIR)
    assert first.changed
    assert first.created["medications"] > 60
    before_counts, before = counts(), snapshot()
    updated_at = dict(Medication.objects.values_list("slug", "updated_at"))

    second = load_tree(DEFAULT_CONTENT_DIR)

    assert second.changed is False
    assert str(second) == "Content is up to date: nothing changed."
    assert counts() == before_counts
    assert dict(Medication.objects.values_list("slug", "updated_at")) == updated_at
    assert snapshot() == before


@pytest.mark.django_db
def test_exporting_and_reloading_the_shipped_tree_round_trips_byte_for_byte(tmp_path):
    load_tree(DEFAULT_CONTENT_DIR)
    before = snapshot()
    written_a = export_tree(tmp_path / "a")
    assert (tmp_path / "a" / "medications" / "baclofen.toml") in written_a

    delete_all_content()
    assert set(counts().values()) == {0}
    load_tree(tmp_path / "a")
    assert snapshot() == before

    written_b = export_tree(tmp_path / "b")
    relative_a = sorted(p.relative_to(tmp_path / "a") for p in written_a)
    relative_b = sorted(p.relative_to(tmp_path / "b") for p in written_b)
    assert relative_a == relative_b
    assert sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.toml")) == relative_a
    for rel in relative_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


# --- Changes to the files --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_minimal_tree_loads_every_row(tmp_path):
    report = load_files(tmp_path, minimal_tree())
    assert counts() == {
        "Warning": 4,
        "LeafletSection": 2,
        "Use": 1,
        "Product": 2,
        "MedicationName": 5,
        "Medication": 2,
        "Condition": 2,
        "DrugClass": 2,
        "Source": 2,
    }
    assert report.created["medications"] == 2
    opioids = Warning.objects.get(key="opioids")
    assert opioids.trigger_class.slug == "opioid"
    assert list(
        Medication.objects.get(slug="baclofen").warnings.order_by("position").values_list("key", flat=True)
    ) == ["opioids", "epilepsy", "renal-below-30", "se-drowsiness"]
    assert MedicationName.objects.get(name="Oramorph").medication.slug == "morphine"


@pytest.mark.django_db
def test_loading_twice_changes_nothing(tmp_path):
    files = minimal_tree()
    load_files(tmp_path, files)
    before = snapshot()
    updated_at = dict(Medication.objects.values_list("slug", "updated_at"))
    report = load_files(tmp_path, files)
    assert not report.changed
    assert snapshot() == before
    assert dict(Medication.objects.values_list("slug", "updated_at")) == updated_at


@pytest.mark.django_db
def test_a_changed_section_body_updates_the_row_and_its_html(tmp_path):
    files = minimal_tree()
    load_files(tmp_path, files)
    files[MONO]["section"][0]["body"] = "Baclofen eases **tight** muscles."

    report = load_files(tmp_path, files)

    section = LeafletSection.objects.get(medication__slug="baclofen", kind="what_for")
    assert section.body == "Baclofen eases **tight** muscles."
    assert "<strong>tight</strong>" in section.body_html
    assert "stiff" not in section.body_html
    assert report.updated == {"leaflet sections": 1}
    assert not report.created and not report.deleted


@pytest.mark.django_db
def test_a_warning_removed_from_the_file_is_deleted(tmp_path):
    files = minimal_tree()
    load_files(tmp_path, files)
    files[MONO]["warning"] = [w for w in files[MONO]["warning"] if w["key"] != "epilepsy"]

    report = load_files(tmp_path, files)

    assert report.deleted == {"warnings (clinical-use facts)": 1}
    assert not Warning.objects.filter(key="epilepsy").exists()
    assert Warning.objects.count() == 3


@pytest.mark.django_db
def test_a_product_use_or_section_removed_from_the_file_is_deleted(tmp_path):
    files = minimal_tree()
    load_files(tmp_path, files)
    files[MONO]["product"].pop()
    files[MONO]["section"].pop()
    files[MONO]["use"][0]["condition"] = "epilepsy"

    report = load_files(tmp_path, files)

    assert report.deleted == {"products": 1, "leaflet sections": 1, "uses": 1}
    assert list(Product.objects.values_list("name", flat=True)) == ["Baclofen 10 mg tablets"]
    assert list(LeafletSection.objects.values_list("kind", flat=True)) == ["what_for"]
    assert list(Use.objects.values_list("condition__slug", flat=True)) == ["epilepsy"]


@pytest.mark.django_db
def test_a_catalogue_medication_removed_from_the_file_is_deleted(tmp_path):
    files = minimal_tree()
    load_files(tmp_path / "one", files)
    files[REF]["medication"] = []
    report = load_files(tmp_path / "two", files)
    assert report.deleted.get("medications") == 1
    assert not Medication.objects.filter(slug="morphine").exists()


@pytest.mark.django_db
def test_reordering_warnings_in_the_file_reorders_them_on_the_page(tmp_path):
    files = minimal_tree()
    load_files(tmp_path, files)
    files[MONO]["warning"].reverse()
    load_files(tmp_path, files)
    keys = Warning.objects.filter(medication__slug="baclofen").order_by("position").values_list("key", flat=True)
    assert list(keys) == ["se-drowsiness", "renal-below-30", "epilepsy", "opioids"]


@pytest.mark.django_db
def test_a_brand_name_moved_from_one_medication_to_another_follows_it(tmp_path):
    files = minimal_tree()
    load_files(tmp_path, files)
    files[REF]["medication"][0]["brands"].remove("Oramorph")
    files[MONO]["medication"]["brands"].append("Oramorph")

    load_files(tmp_path, files)

    oramorph = MedicationName.objects.get(normalised="oramorph")
    assert oramorph.medication.slug == "baclofen"
    assert oramorph.position == 2
    assert MedicationName.objects.count() == 5
    assert list(Medication.objects.get(slug="morphine").names.values_list("name", flat=True)) == [
        "MST Continus",
        "morphine sulfate",
    ]


@pytest.mark.django_db
def test_a_changed_trigger_and_class_list_update_the_rows(tmp_path):
    files = minimal_tree()
    load_files(tmp_path, files)
    warning(files, "renal-below-30")["trigger"] = {"kind": "renal", "crcl_min": 30, "crcl_max": 50.5}
    files[MONO]["medication"]["classes"] = ["muscle-relaxant", "opioid"]
    load_files(tmp_path, files)
    renal = Warning.objects.get(key="renal-below-30")
    assert (float(renal.crcl_min), float(renal.crcl_max)) == (30.0, 50.5)
    assert set(Medication.objects.get(slug="baclofen").classes.values_list("slug", flat=True)) == {
        "muscle-relaxant",
        "opioid",
    }


# --- Bad files are rejected whole --------------------------------------------------------------------------------


def _break_toml(files):
    files[MONO] = to_toml(files[MONO]).replace('title = "Opioids"', 'title = = "Opioids"')


def _rename_key(table: dict, old: str, new: str) -> None:
    table[new] = table.pop(old)


def _set(path_getter, key, value):
    def mutate(files):
        path_getter(files)[key] = value

    return mutate


def _opioids(files):
    return warning(files, "opioids")


def _epilepsy(files):
    return warning(files, "epilepsy")


def _renal(files):
    return warning(files, "renal-below-30")


def _medication(files):
    return files[MONO]["medication"]


def _not_utf8(files):
    files[MONO] = to_toml(files[MONO]).encode("utf-8").replace(b"Lioresal", b"Lior\xe9sal")


RELATIVE_MONO = f"content/{MONO}"
RELATIVE_REF = f"content/{REF}"

# (mutation, file with the error, text on the line the error must point at (or (text, occurrence)), message parts)
BAD_FILES = [
    pytest.param(
        _break_toml,
        MONO,
        'title = = "Opioids"',
        ["not valid TOML"],
        id="invalid-toml-syntax",
    ),
    pytest.param(
        lambda f: _rename_key(_opioids(f), "severity", "severty"),
        MONO,
        "severty =",
        ["unknown key", "'severty'", "expected one of: key, type, severity"],
        id="unknown-key-typo",
    ),
    pytest.param(
        lambda f: _rename_key(f[REF]["condition"][0], "description", "descripton"),
        REF,
        "descripton =",
        ["[condition] 'epilepsy', 'descripton'", "unknown key"],
        id="unknown-key-in-reference",
    ),
    pytest.param(
        _set(_opioids, "urgent", "yes"),
        MONO,
        'urgent = "yes"',
        ["expected true or false, got 'yes'"],
        id="wrong-type-bool",
    ),
    pytest.param(
        _set(_medication, "classes", "muscle-relaxant"),
        MONO,
        'classes = "muscle-relaxant"',
        ["'classes'", "expected a list of non-empty texts"],
        id="wrong-type-list",
    ),
    pytest.param(
        _set(_medication, "last_reviewed", "2026-11-29"),
        MONO,
        'last_reviewed = "2026-11-29"',
        ["expected a date like 2026-11-29"],
        id="wrong-type-date",
    ),
    pytest.param(
        _set(_opioids, "severity", "severe"),
        MONO,
        'severity = "severe"',
        ["'severe' is not one of: info, caution, dose_adjustment, avoid, contraindicated"],
        id="bad-choice-severity",
    ),
    pytest.param(
        _set(lambda files: files[MONO]["product"][0], "form", "injection"),
        MONO,
        'form = "injection"',
        ["'injection' is not one of: tablet"],
        id="bad-choice-product-form",
    ),
    pytest.param(
        _set(_medication, "status", "live"),
        MONO,
        'status = "live"',
        ["'live' is not one of: draft"],
        id="bad-choice-status",
    ),
    pytest.param(
        _set(lambda files: files[MONO]["use"][0], "condition", "gout"),
        MONO,
        'condition = "gout"',
        ["no condition 'gout' is defined"],
        id="unknown-condition-in-use",
    ),
    pytest.param(
        _set(_epilepsy, "trigger", {"kind": "condition", "condition": "gout"}),
        MONO,
        'condition = "gout"',
        ["no condition 'gout' is defined"],
        id="unknown-condition-in-trigger",
    ),
    pytest.param(
        _set(_opioids, "trigger", {"kind": "drug_class", "drug_class": "opiate"}),
        MONO,
        'drug_class = "opiate"',
        ["no drug class 'opiate' is defined"],
        id="unknown-class-in-trigger",
    ),
    pytest.param(
        _set(_medication, "classes", ["muscle-relaxant", "muscle-relaxer"]),
        MONO,
        "classes = ",
        ["no drug class 'muscle-relaxer' is defined"],
        id="unknown-class-of-medication",
    ),
    pytest.param(
        _set(_opioids, "trigger", {"kind": "medication", "medication": "levodopa"}),
        MONO,
        'medication = "levodopa"',
        ["no medication 'levodopa' is defined"],
        id="unknown-medication-in-trigger",
    ),
    pytest.param(
        _set(lambda files: files[MONO]["section"][1], "sources", ["src-leaflet", "nice-cks"]),
        MONO,
        '"nice-cks"',
        ["[section] 'side_effects', 'sources'", "no source 'nice-cks' is defined"],
        id="unknown-source-in-section",
    ),
    pytest.param(
        _set(lambda files: files[REF]["condition"][0], "sources", ["nhs-epilepsy"]),
        REF,
        '"nhs-epilepsy"',
        ["no source 'nhs-epilepsy' is defined"],
        id="unknown-source-in-condition",
    ),
    pytest.param(
        _set(_opioids, "trigger", {"kind": "drug_class"}),
        MONO,
        'trigger = { kind = "drug_class" }',
        ["a 'drug_class' trigger needs drug_class"],
        id="class-trigger-without-class",
    ),
    pytest.param(
        _set(_opioids, "trigger", {"kind": "none", "drug_class": "opioid"}),
        MONO,
        'trigger = { kind = "none", drug_class',
        ["'drug_class' is only used by a 'drug_class' trigger"],
        id="class-given-to-another-trigger-kind",
    ),
    pytest.param(
        _set(_renal, "trigger", {"kind": "renal"}),
        MONO,
        'trigger = { kind = "renal" }',
        ["a renal trigger needs crcl_min, crcl_max or both"],
        id="renal-trigger-without-bounds",
    ),
    pytest.param(
        _set(_renal, "trigger", {"kind": "renal", "crcl_max": -5}),
        MONO,
        ("[[warning]]", 3),
        ["'crcl_max': must not be negative"],
        id="renal-trigger-negative-bound",
    ),
    pytest.param(
        _set(_opioids, "trigger", {"kind": "kidneys"}),
        MONO,
        'kind = "kidneys"',
        ["kind 'kidneys' is not one of: none, condition"],
        id="unknown-trigger-kind",
    ),
    pytest.param(
        _set(_epilepsy, "key", "opioids"),
        MONO,
        ('key = "opioids"', 2),
        ["warning key 'opioids' is already defined in " + RELATIVE_MONO + ":"],
        id="duplicate-warning-key",
    ),
    pytest.param(
        lambda f: f[REF]["medication"][0]["brands"].append("LIORESAL 10 mg"),
        MONO,
        "brands = ",
        ["'Lioresal' is the same name as 'LIORESAL 10 mg' of [medication] 'morphine'"],
        id="brand-clashes-with-another-medications-brand",
    ),
    pytest.param(
        lambda f: f[REF]["medication"][0]["synonyms"].append("BACLOFEN 10mg tablets"),
        MONO,
        'name = "Baclofen"',
        ["'Baclofen' is the same name as 'BACLOFEN 10mg tablets'"],
        id="name-clashes-with-another-medications-synonym",
    ),
    pytest.param(
        _set(_medication, "slug", "baclofen-tablets"),
        MONO,
        'slug = "baclofen-tablets"',
        ["must match the file name ('baclofen')"],
        id="slug-not-matching-file-name",
    ),
    pytest.param(
        lambda f: _opioids(f).pop("title"),
        MONO,
        "[[warning]]",
        ["missing required key 'title'"],
        id="missing-required-key-in-warning",
    ),
    pytest.param(
        lambda f: _medication(f).pop("summary"),
        MONO,
        "[medication]",
        ["missing required key 'summary'"],
        id="missing-required-key-in-medication",
    ),
    pytest.param(
        lambda f: f[MONO]["section"].append({"kind": "what_for", "body": "Again.", "sources": ["src-leaflet"]}),
        MONO,
        ('kind = "what_for"', 2),
        ["section 'what_for' is already defined in " + RELATIVE_MONO + ":"],
        id="section-kind-twice",
    ),
    pytest.param(
        _set(lambda files: files[MONO]["section"][0], "kind", "dosage"),
        MONO,
        'kind = "dosage"',
        ["'dosage' is not one of: what_for"],
        id="unknown-section-kind",
    ),
    pytest.param(
        _set(lambda files: files[MONO]["section"][0], "sources", []),
        MONO,
        "sources = []",
        ["must list at least one entry"],
        id="section-citing-nothing",
    ),
    pytest.param(
        lambda f: f[MONO].update(warnings=f[MONO].pop("warning")),
        MONO,
        None,
        ["[warnings]", "unknown table"],
        id="unknown-table",
    ),
    pytest.param(_not_utf8, MONO, None, ["not UTF-8 text"], id="non-utf8-bytes"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("mutate", "file", "needle", "messages"), BAD_FILES)
def test_a_bad_file_is_rejected_whole_naming_the_file_the_line_and_the_problem(
    tmp_path, mutate, file, needle, messages
):
    files = minimal_tree()
    mutate(files)
    root = write_tree(tmp_path, files)

    with pytest.raises(ContentInvalid) as excinfo:
        load_tree(root)

    assert set(counts().values()) == {0}
    error = error_matching(excinfo, *messages)
    relative = f"content/{file}"
    assert error.file == relative
    assert str(error).startswith(relative)
    assert str(error) in str(excinfo.value)
    if needle is not None:
        text, occurrence = needle if isinstance(needle, tuple) else (needle, 1)
        line = find_line(root / file, text, occurrence)
        assert error.line == line
        assert f"{relative}:{line}: " in str(error)


@pytest.mark.django_db
def test_a_shape_error_names_the_table_it_is_in(tmp_path):
    files = minimal_tree()
    _opioids(files)["severity"] = "severe"
    _epilepsy(files)["urgent"] = "no"
    with pytest.raises(ContentInvalid) as excinfo:
        load_files(tmp_path, files)
    error_matching(excinfo, "[warning] 'epilepsy', 'urgent'", "got 'no'")


@pytest.mark.django_db
def test_every_shape_problem_is_reported_not_just_the_first(tmp_path):
    files = minimal_tree()
    _epilepsy(files)["urgent"] = "no"
    _medication(files)["last_reviewed"] = "yesterday"
    files[REF]["condition"][1]["snomed_code"] = 24700007
    with pytest.raises(ContentInvalid) as excinfo:
        load_files(tmp_path, files)
    messages = [str(e) for e in excinfo.value.errors]
    assert len(messages) == 3, messages
    assert any("got 'no'" in m for m in messages)
    assert any("expected a date like 2026-11-29, got 'yesterday'" in m for m in messages)
    assert any(m.startswith(RELATIVE_REF) and "expected text, got int" in m for m in messages)


@pytest.mark.django_db
def test_every_reference_problem_is_reported_not_just_the_first(tmp_path):
    files = minimal_tree()
    _opioids(files)["severity"] = "severe"
    files[MONO]["use"][0]["condition"] = "gout"
    files[REF]["condition"][1]["sources"] = ["missing-source"]
    with pytest.raises(ContentInvalid) as excinfo:
        load_files(tmp_path, files)
    messages = [str(e) for e in excinfo.value.errors]
    assert len(messages) == 3, messages
    assert any("'severe' is not one of" in m for m in messages)
    assert any("no condition 'gout' is defined" in m for m in messages)
    assert any("no source 'missing-source' is defined" in m for m in messages)


@pytest.mark.django_db
def test_a_source_defined_twice_across_two_files_names_both_places(tmp_path):
    files = minimal_tree()
    files[MONO]["source"].append(_source("src-ref"))
    root = write_tree(tmp_path, files)

    with pytest.raises(ContentInvalid) as excinfo:
        load_tree(root)

    error = error_matching(excinfo, "source key 'src-ref' is already defined in")
    first_line = find_line(root / REF, "[[source]]")
    second_line = find_line(root / MONO, 'key = "src-ref"')
    assert f"{RELATIVE_MONO}:{second_line}: " in str(error)
    assert f"{RELATIVE_REF}:{first_line}" in str(error)
    assert set(counts().values()) == {0}


# Errors that pass the shape and reference checks and are found only by the models' validation while writing.


def _long_summary(files):
    _medication(files)["summary"] = "x" * 301


def _bad_url_in_monograph_source(files):
    files[MONO]["source"][0]["url"] = "not a url"


def _bad_url_in_reference_source(files):
    files[REF]["source"][0]["url"] = "not a url"


def _review_due_before_review(files):
    _medication(files)["next_review_due"] = datetime.date(2025, 1, 1)


def _long_product_strength(files):
    files[MONO]["product"][1]["strength"] = "2" * 51


def _renal_bounds_reversed(files):
    _renal(files)["trigger"] = {"kind": "renal", "crcl_min": 50, "crcl_max": 30}


def _frequency_on_an_interaction(files):
    _opioids(files)["frequency"] = "common"


def _side_effect_without_frequency(files):
    del warning(files, "se-drowsiness")["frequency"]


def _duplicate_class_name(files):
    files[REF]["drug_class"][1]["name"] = "Opioid"


def _catalogue_name_too_long(files):
    files[REF]["medication"][0]["brands"].append("B" * 151)


WRITE_PHASE_ERRORS = [
    pytest.param(
        _long_summary,
        MONO,
        "[medication]",
        "summary: Ensure this value has at most 300 characters",
        id="summary-over-300-characters",
    ),
    pytest.param(
        _bad_url_in_monograph_source,
        MONO,
        "[[source]]",
        "url: Enter a valid URL.",
        id="invalid-url-in-a-monograph-source",
    ),
    pytest.param(
        _bad_url_in_reference_source,
        REF,
        "[[source]]",
        "url: Enter a valid URL.",
        id="invalid-url-in-a-source-cited-by-a-condition",
    ),
    pytest.param(
        _review_due_before_review,
        MONO,
        "[medication]",
        "next_review_due",
        id="next-review-due-before-last-review",
    ),
    pytest.param(
        _long_product_strength,
        MONO,
        "[[product]]",
        "strength: Ensure this value has at most 50",
        id="product-strength-too-long",
    ),
    pytest.param(
        _renal_bounds_reversed,
        MONO,
        "[[warning]]",
        "The upper bound must be above the lower bound",
        id="renal-bounds-reversed",
    ),
    pytest.param(
        _frequency_on_an_interaction,
        MONO,
        "[[warning]]",
        "Only side effects have a frequency",
        id="frequency-on-an-interaction",
    ),
    pytest.param(
        _side_effect_without_frequency,
        MONO,
        "[[warning]]",
        "Give how often this side effect happens",
        id="side-effect-without-frequency",
    ),
    pytest.param(
        _duplicate_class_name,
        REF,
        "[[drug_class]]",
        "name: Drug class with this Name already exists",
        id="two-classes-with-one-name",
    ),
    pytest.param(
        _catalogue_name_too_long,
        REF,
        "[[medication]]",
        "name: Ensure this value has at most 150",
        id="brand-name-too-long",
    ),
]


def _header_line(root: Path, file: str, header: str, message_error) -> int:
    """The line of the header of the table the error is about (the n-th header of that name in the file)."""
    lines = (root / file).read_text(encoding="utf-8").splitlines()
    candidates = [n for n, line in enumerate(lines, start=1) if line.strip() == header]
    assert message_error.line in candidates, (message_error.line, candidates)
    return message_error.line


@pytest.mark.django_db
@pytest.mark.parametrize("previous", ["empty-database", "after-a-good-load"])
@pytest.mark.parametrize(("mutate", "file", "header", "message"), WRITE_PHASE_ERRORS)
def test_an_error_found_while_writing_rolls_the_whole_load_back(tmp_path, previous, mutate, file, header, message):
    files = minimal_tree()
    if previous == "after-a-good-load":
        load_files(tmp_path / "good", files)
        files[MONO]["section"][0]["body"] = "A change that must not be saved."
        files[REF]["drug_class"][0]["description"] = "A change that must not be saved."
    before_counts, before = counts(), snapshot()
    updated_at = dict(Medication.objects.values_list("slug", "updated_at"))
    mutate(files)
    root = write_tree(tmp_path / "bad", files)

    try:
        with pytest.raises(ContentInvalid) as excinfo:
            load_tree(root)
    finally:
        assert counts() == before_counts
        assert snapshot() == before
        assert dict(Medication.objects.values_list("slug", "updated_at")) == updated_at

    error = error_matching(excinfo, message)
    assert error.file == f"content/{file}"
    line = _header_line(root, file, header, error)
    assert f"content/{file}:{line}: " in str(error)


@pytest.mark.django_db
def test_an_error_after_a_markdown_link_in_a_body_still_points_at_its_key(tmp_path):
    files = minimal_tree()
    files[MONO]["section"][0]["sources"] = ["src-leaflet", "nice-cks"]
    files[MONO] = to_toml(files[MONO]).replace(
        'body = "Baclofen relaxes *stiff* muscles."',
        'body = """Baclofen relaxes stiff muscles.\n[NHS: baclofen](https://www.nhs.uk/medicines/baclofen/)\n"""',
    )
    root = write_tree(tmp_path, files)
    with pytest.raises(ContentInvalid) as excinfo:
        load_tree(root)
    error = error_matching(excinfo, "no source 'nice-cks' is defined")
    assert error.line == find_line(root / MONO, '"nice-cks"')


@pytest.mark.django_db
def test_a_monograph_without_sections_survives_export_and_reload(tmp_path):
    files = minimal_tree()
    del files[MONO]["section"]
    load_files(tmp_path / "in", files)
    before = snapshot()
    export_tree(tmp_path / "out")
    delete_all_content()
    load_tree(tmp_path / "out")
    assert snapshot() == before


# --- The management commands ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_load_content_on_bad_content_raises_command_error_listing_the_problems(tmp_path):
    files = minimal_tree()
    _opioids(files)["severity"] = "severe"
    _medication(files)["classes"] = ["muscle-relaxer"]
    root = write_tree(tmp_path, files)

    with pytest.raises(CommandError) as excinfo:
        call_command("load_content", str(root))

    message = str(excinfo.value)
    assert message.startswith("Content rejected; nothing was loaded")
    assert "2 problem(s)" in message
    assert "'severe' is not one of" in message
    assert "no drug class 'muscle-relaxer' is defined" in message
    severity_line = find_line(root / MONO, 'severity = "severe"')
    assert f"{RELATIVE_MONO}:{severity_line}: " in message
    assert set(counts().values()) == {0}


@pytest.mark.django_db
def test_load_content_loads_and_reports_what_changed(tmp_path, capsys):
    root = write_tree(tmp_path, minimal_tree())
    call_command("load_content", str(root))
    assert "created" in capsys.readouterr().out
    call_command("load_content", str(root))
    assert "Content is up to date: nothing changed." in capsys.readouterr().out


@pytest.mark.django_db
def test_load_content_initial_does_nothing_when_medications_exist(tmp_path, capsys):
    files = minimal_tree()
    call_command("load_content", str(write_tree(tmp_path / "one", files)), "--initial")
    assert Medication.objects.count() == 2
    capsys.readouterr()
    before = snapshot()

    files[MONO]["section"][0]["body"] = "Changed in the files."
    files[REF]["medication"].append({"slug": "codeine", "name": "Codeine", "classes": ["opioid"]})
    call_command("load_content", str(write_tree(tmp_path / "two", files)), "--initial")

    assert "already has content" in capsys.readouterr().out
    assert snapshot() == before
    assert not Medication.objects.filter(slug="codeine").exists()


@pytest.mark.django_db
def test_export_content_writes_the_tree_load_content_reads(tmp_path, capsys):
    load_files(tmp_path / "in", minimal_tree())
    before = snapshot()
    call_command("export_content", str(tmp_path / "out"))
    assert "Wrote 5 files" in capsys.readouterr().out
    delete_all_content()
    load_tree(tmp_path / "out")
    assert snapshot() == before
