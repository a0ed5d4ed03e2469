"""Errors found by the models' own validation while writing roll the whole load back."""

import datetime

import pytest

from monographs.content_io import ContentInvalid, load_tree
from monographs.models import (
    Medication,
)
from tests.monographs.content_io.helpers import (
    MONO,
    REF,
    _epilepsy,
    _medication,
    _opioids,
    _renal,
    counts,
    error_matching,
    find_line,
    load_files,
    minimal_tree,
    snapshot,
    warning,
    write_tree,
)

# Errors that pass the shape and reference checks and are found by the models' own validation: their field
# validators before anything is written, or full_clean (clean(), uniqueness) while writing.


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


def _screened_warning_without_patient_text(files):
    _renal(files)["patient_text"] = ""


def _age_trigger_without_an_age(files):
    _renal(files)["trigger"] = {"kind": "age", "crcl_max": 60}


def _age_bound_on_a_condition(files):
    _epilepsy(files)["trigger"] = {"kind": "condition", "condition": "epilepsy", "age_min": 65}


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
        'summary = "xxx',
        "[medication] 'baclofen', 'summary': Ensure this value has at most 300 characters",
        id="summary-over-300-characters",
    ),
    pytest.param(
        _bad_url_in_monograph_source,
        MONO,
        'url = "not a url"',
        "[source] 'src-leaflet', 'url': Enter a valid URL.",
        id="invalid-url-in-a-monograph-source",
    ),
    pytest.param(
        _bad_url_in_reference_source,
        REF,
        'url = "not a url"',
        "[source] 'src-ref', 'url': Enter a valid URL.",
        id="invalid-url-in-a-source-cited-by-a-condition",
    ),
    pytest.param(
        _review_due_before_review,
        MONO,
        "next_review_due = 2025-01-01",
        "'next_review_due': The next review must be due after the last review.",
        id="next-review-due-before-last-review",
    ),
    pytest.param(
        _long_product_strength,
        MONO,
        'strength = "222',
        "[product] 'Baclofen 20 mg tablets', 'strength': Ensure this value has at most 50",
        id="product-strength-too-long",
    ),
    pytest.param(
        _renal_bounds_reversed,
        MONO,
        'trigger = { kind = "renal", crcl_min = 50',
        "[warning] 'renal-below-30', 'trigger.crcl_max': The upper bound must be above the lower bound",
        id="renal-bounds-reversed",
    ),
    pytest.param(
        _screened_warning_without_patient_text,
        MONO,
        'patient_text = ""',
        "[warning] 'renal-below-30', 'patient_text': Write what the patient should know",
        id="screened-warning-without-patient-text",
    ),
    pytest.param(
        _age_trigger_without_an_age,
        MONO,
        'trigger = { kind = "age"',
        "[warning] 'renal-below-30', 'trigger.age_min': An age trigger needs at least one age bound",
        id="age-trigger-without-an-age",
    ),
    pytest.param(
        _age_bound_on_a_condition,
        MONO,
        'trigger = { kind = "condition"',
        "[warning] 'epilepsy', 'trigger.age_min': Age bounds are only used by an age trigger",
        id="age-bound-on-a-condition",
    ),
    pytest.param(
        _frequency_on_an_interaction,
        MONO,
        'frequency = "common"',
        "[warning] 'opioids', 'frequency': Only side effects have a frequency",
        id="frequency-on-an-interaction",
    ),
    pytest.param(
        _side_effect_without_frequency,
        MONO,
        ("[[warning]]", 4),  # no frequency key to point at: the table's header
        "[warning] 'se-drowsiness', 'frequency': Give how often this side effect happens",
        id="side-effect-without-frequency",
    ),
    pytest.param(
        _duplicate_class_name,
        REF,
        ('name = "Opioid"', 2),
        "[drug_class] 'muscle-relaxant', 'name': Drug class with this Name already exists",
        id="two-classes-with-one-name",
    ),
    pytest.param(
        _catalogue_name_too_long,
        REF,
        "brands = ",
        "[medication] 'morphine', 'brands': Ensure this value has at most 150",
        id="brand-name-too-long",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("previous", ["empty-database", "after-a-good-load"])
@pytest.mark.parametrize(("mutate", "file", "needle", "message"), WRITE_PHASE_ERRORS)
def test_an_error_found_while_writing_rolls_the_whole_load_back(tmp_path, previous, mutate, file, needle, message):
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
    text, occurrence = needle if isinstance(needle, tuple) else (needle, 1)
    line = find_line(root / file, text, occurrence)
    assert error.line == line
    assert f"content/{file}:{line}: " in str(error)
