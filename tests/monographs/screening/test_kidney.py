"""Kidney function in the screening: bands at every edge, dialysis, and Cockcroft–Gault with known numbers."""

from decimal import Decimal

import pytest

from monographs.models import ClinicalWarning
from monographs.rules import crcl_in_band
from monographs.screening.engine import Answers, Creatinine, cockcroft_gault, kidney_function, renal_band
from tests.monographs.screening.rulebook import (
    keys,
    kidney,
    rule,
    run,
)

# --- Kidney bands at every edge ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("crcl", "expected"),
    [
        pytest.param(0, {"renal-below-30"}, id="0"),
        pytest.param(29.9, {"renal-below-30"}, id="29.9"),
        pytest.param(30, {"renal-30-50"}, id="30-lower-edge-included"),
        pytest.param(49.9, {"renal-30-50"}, id="49.9"),
        pytest.param(50, {"renal-50-80"}, id="50-upper-edge-excluded-lower-included"),
        pytest.param(80, {"renal-50-80"}, id="80-upper-edge-included"),
        pytest.param(80.1, set(), id="80.1"),
        pytest.param(250, set(), id="250"),
    ],
)
def test_crcl_falls_in_exactly_one_band_at_every_edge(crcl, expected):
    assert keys(Answers(kidney=kidney(crcl_ml_min=crcl))) == expected
    # eGFR is compared the same way, in place of CrCl.
    assert keys(Answers(kidney=kidney(egfr=crcl))) == expected


@pytest.mark.parametrize(
    ("crcl", "dialysis", "expected"),
    [
        pytest.param(None, True, {"dialysis"}, id="dialysis-without-crcl"),
        pytest.param(10, True, {"dialysis", "renal-below-30"}, id="dialysis-and-crcl"),
        pytest.param(10, False, {"renal-below-30"}, id="crcl-without-dialysis"),
    ],
)
def test_dialysis_is_its_own_trigger(crcl, dialysis, expected):
    assert keys(Answers(kidney=kidney(crcl_ml_min=crcl, dialysis=dialysis))) == expected


# Written by hand, not computed: each band, its words, and which of these CrCl values it contains.
EDGE_VALUES = (0, 29.9, 30, 30.1, 49.9, 50, 50.1, 79.9, 80, 80.1, 200)
BANDS = [
    # (low, low inclusive, high, high inclusive), words, CrCl values inside
    ((30, True, 50, False), "CrCl 30 to under 50 mL/min", {30, 30.1, 49.9}),
    ((50, True, 80, True), "CrCl 50 to 80 mL/min", {50, 50.1, 79.9, 80}),
    ((None, True, 30, False), "CrCl under 30 mL/min", {0, 29.9}),
    ((None, True, 30, True), "CrCl 30 mL/min or less", {0, 29.9, 30}),
    ((50, False, None, False), "CrCl over 50 mL/min", {50.1, 79.9, 80, 80.1, 200}),
    ((50, True, None, False), "CrCl 50 mL/min or more", {50, 50.1, 79.9, 80, 80.1, 200}),
    ((30, False, 50, True), "CrCl over 30 to 50 mL/min", {30.1, 49.9, 50}),
    ((80, False, None, True), "CrCl over 80 mL/min", {80.1, 200}),
]


@pytest.mark.parametrize(("bounds", "words", "inside"), BANDS, ids=[words for _, words, _ in BANDS])
def test_band_edges_and_words_match_the_hand_written_table(bounds, words, inside):
    low, low_inclusive, high, high_inclusive = bounds
    as_rule = rule(
        "band",
        "renal",
        crcl_min=low,
        crcl_min_inclusive=low_inclusive,
        crcl_max=high,
        crcl_max_inclusive=high_inclusive,
    )
    # The admin and the leaflet read the same band from the model row, with Decimal bounds from the database.
    as_row = ClinicalWarning(
        trigger_kind="renal",
        crcl_min=None if low is None else Decimal(low),
        crcl_min_inclusive=low_inclusive,
        crcl_max=None if high is None else Decimal(high),
        crcl_max_inclusive=high_inclusive,
    )
    assert {crcl for crcl in EDGE_VALUES if crcl_in_band(as_rule, crcl)} == inside
    assert {crcl for crcl in EDGE_VALUES if as_row.crcl_in_band(crcl)} == inside
    assert renal_band(as_rule) == as_row.renal_band == words


def test_a_renal_flag_says_which_band_and_which_crcl():
    [flag] = run(Answers(kidney=kidney(crcl_ml_min=42))).flags
    assert flag.trigger.kind == "renal"
    assert flag.trigger.detail == "CrCl 30 to under 50 mL/min (patient's CrCl 42 mL/min, as given)"


def test_dialysis_flags_are_renal_in_the_contract():
    [flag] = run(Answers(kidney=kidney(dialysis=True))).flags
    assert (flag.trigger.kind, flag.trigger.detail) == ("renal", "On dialysis")


# --- Cockcroft–Gault -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "weight", "sex", "creatinine", "expected"),
    [
        pytest.param(60, 72, "male", Creatinine(1.0, "mg/dL"), 80.0, id="male-mg-dl"),
        pytest.param(60, 72, "male", Creatinine(88.4, "umol/L"), 80.0, id="male-umol-l"),
        pytest.param(60, 72, "female", Creatinine(1.0, "mg/dL"), 68.0, id="female-mg-dl"),
        pytest.param(60, 72, "female", Creatinine(88.4, "umol/L"), 68.0, id="female-umol-l"),
        pytest.param(40, 80, "male", Creatinine(2.0, "mg/dL"), 55.6, id="rounded-half-up"),
        pytest.param(85, 60, "female", Creatinine(150, "umol/L"), 23.0, id="older-woman-umol-l"),
        pytest.param(75, 70, "female", Creatinine(1.2, "mg/dL"), 44.8, id="older-woman-mg-dl"),
    ],
)
def test_cockcroft_gault_with_known_numbers(age, weight, sex, creatinine, expected):
    answers = kidney(creatinine=creatinine, age_years=age, weight_kg=weight, sex=sex)
    result = kidney_function(answers)
    assert result.crcl_ml_min == expected
    assert result.source == "cockcroft_gault"
    assert "(140 − age) × weight × (0.85 if female) ÷ (72 × serum creatinine in mg/dL)" in result.explanation
    assert f"= {expected:.1f} mL/min" in result.explanation


def test_cockcroft_gault_shows_the_unit_conversion():
    result = kidney_function(kidney(creatinine=Creatinine(88.4, "umol/L"), age_years=60, weight_kg=72, sex="male"))
    assert "88.4 µmol/L ÷ 88.4 = 1.00 mg/dL" in result.explanation
    assert "(140 − 60) × 72 kg ÷ (72 × 1.00 mg/dL) = 80.0 mL/min" in result.explanation
    female = kidney_function(kidney(creatinine=Creatinine(1.0, "mg/dL"), age_years=60, weight_kg=72, sex="female"))
    assert "× 0.85 (female)" in female.explanation


def test_the_calculated_crcl_is_the_one_compared_with_the_bands():
    # 80.0 exactly: inside the band that includes 80.
    answers = Answers(kidney=kidney(creatinine=Creatinine(1.0, "mg/dL"), age_years=60, weight_kg=72, sex="male"))
    assert keys(answers) == {"renal-50-80"}
    assert cockcroft_gault(age_years=60, weight_kg=72, sex="male", creatinine_mg_dl=1.0) == 80.0


@pytest.mark.parametrize(
    ("answers", "value", "source"),
    [
        pytest.param(kidney(), None, None, id="not-given"),
        pytest.param(kidney(crcl_ml_min=42), 42.0, "given", id="given"),
        pytest.param(kidney(egfr=42), 42.0, "egfr", id="egfr"),
    ],
)
def test_kidney_function_source(answers, value, source):
    result = kidney_function(answers)
    assert (result.crcl_ml_min, result.source) == (value, source)


def test_kidney_function_given_two_ways_is_refused():
    with pytest.raises(ValueError, match="more than one way"):
        kidney_function(kidney(crcl_ml_min=42, egfr=40))
