"""The reader: TOML syntax, table shapes and types, and errors that name the file, the line and the problem."""

import pytest

from monographs.content_io import ContentInvalid, load_tree
from tests.monographs.content_io.helpers import (
    MONO,
    REF,
    RELATIVE_MONO,
    RELATIVE_REF,
    _epilepsy,
    _medication,
    _opioids,
    _renal,
    counts,
    error_matching,
    find_line,
    load_files,
    minimal_tree,
    to_toml,
    write_tree,
)

# --- Bad files are rejected whole --------------------------------------------------------------------------------


def _break_toml(files):
    files[MONO] = to_toml(files[MONO]).replace('title = "Opioids"', 'title = = "Opioids"')


def _rename_key(table: dict, old: str, new: str) -> None:
    table[new] = table.pop(old)


def _set(path_getter, key, value):
    def mutate(files):
        path_getter(files)[key] = value

    return mutate


def _not_utf8(files):
    files[MONO] = to_toml(files[MONO]).encode("utf-8").replace(b"Lioresal", b"Lior\xe9sal")


def _in_text(old: str, new: str):
    """Edit the monograph's TOML text (for what the tables cannot express: raw characters, huge literals)."""

    def mutate(files):
        text = to_toml(files[MONO])
        assert old in text
        files[MONO] = text.replace(old, new)

    return mutate


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
        ["'severity': Value 'severe' is not a valid choice; expected one of: info, caution, dose_adjustment, avoid"],
        id="bad-choice-severity",
    ),
    pytest.param(
        _set(lambda files: files[MONO]["product"][0], "form", "injection"),
        MONO,
        'form = "injection"',
        ["'form': Value 'injection' is not a valid choice; expected one of: tablet"],
        id="bad-choice-product-form",
    ),
    pytest.param(
        _set(_medication, "status", "live"),
        MONO,
        'status = "live"',
        ["'status': Value 'live' is not a valid choice; expected one of: draft"],
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
        ["[warning] 'opioids', 'trigger.drug_class': Choose one: the trigger needs it."],
        id="class-trigger-without-class",
    ),
    pytest.param(
        _set(_opioids, "trigger", {"kind": "none", "drug_class": "opioid"}),
        MONO,
        'trigger = { kind = "none", drug_class',
        ["'trigger.drug_class': Leave this empty: it is only used by a different kind of trigger."],
        id="class-given-to-another-trigger-kind",
    ),
    pytest.param(
        _set(_renal, "trigger", {"kind": "renal"}),
        MONO,
        'trigger = { kind = "renal" }',
        ["'trigger.crcl_min': A kidney-function trigger needs at least one CrCl bound."],
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
        ["'trigger.kind': Value 'kidneys' is not a valid choice; expected one of: none, condition"],
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
        ["'kind': Value 'dosage' is not a valid choice; expected one of: what_for"],
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
    pytest.param(
        _in_text('title = "Opioids"', 'title = "Opi\x00oids"'),
        MONO,
        'title = "Opi',
        ["not valid TOML: control character '\\x00'"],
        id="nul-character",
    ),
    pytest.param(
        _in_text('title = "Opioids"', 'title = "Opi\\u0007oids"'),
        MONO,
        'title = "Opi',
        ["[warning] 'opioids', 'title': contains the control character '\\x07'"],
        id="control-character-written-as-an-escape",
    ),
    pytest.param(
        _in_text("crcl_max = 30,", "crcl_max = " + "1" * 5000 + ","),
        MONO,
        "crcl_max = 1111",
        ["a number far too long to read"],
        id="5000-digit-integer",
    ),
    pytest.param(
        _in_text("synonyms = []", "synonyms = " + "[" * 2000 + "]" * 2000),
        MONO,
        "synonyms = [[[",
        ["nested far too deep"],
        id="arrays-nested-2000-deep",
    ),
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
