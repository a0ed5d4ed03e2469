"""The engine against the shipped baclofen rules and catalogue, read from the database by selectors.py."""

import pytest

from monographs.models import ClinicalWarning, Medication, MedicationName
from monographs.names import normalise_name
from monographs.screening import selectors
from monographs.screening.engine import Answers, Creatinine, KidneyAnswers, screen
from monographs.services.content import content_save
from tests.factories import make_medication

pytestmark = pytest.mark.django_db


def screen_baclofen(**answers):
    data = selectors.screening_data(medication_slug="baclofen")
    return screen(medication=data.medication, rules=data.rules, index=data.index, answers=Answers(**answers))


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        pytest.param(
            {
                "pregnancy": "pregnant",
                "conditions": frozenset({"epilepsy"}),
                "kidney": KidneyAnswers(crcl_ml_min=42),
                "current_medications": ("Oxycodone 5 mg", "lisinopril"),
            },
            {"pregnancy", "epilepsy", "renal-crcl-30-50", "opioids", "antihypertensives"},
            id="pregnant-epilepsy-crcl-42-oxycodone-lisinopril",
        ),
        pytest.param({"pregnancy": "not_pregnant"}, set(), id="nothing-to-flag"),
        pytest.param(
            {
                "pregnancy": "not_applicable",
                "breastfeeding": True,
                "kidney": KidneyAnswers(dialysis=True),
                "current_medications": ("Lioresal 10 mg",),
            },
            {"breastfeeding", "dialysis", "duplicate-therapy"},
            id="breastfeeding-dialysis-duplicate-by-brand",
        ),
        pytest.param(
            {
                "pregnancy": "planning",
                "kidney": KidneyAnswers(creatinine=Creatinine(88.4, "umol/L"), age_years=60, weight_kg=72, sex="male"),
            },
            {"pregnancy", "renal-crcl-50-80"},
            id="planning-cockcroft-gault-80-exactly",
        ),
        pytest.param({"kidney": KidneyAnswers(egfr=29.9)}, {"renal-crcl-below-30"}, id="egfr-29.9"),
        pytest.param({"kidney": KidneyAnswers(crcl_ml_min=80.1)}, set(), id="crcl-80.1"),
        pytest.param(
            {"current_medications": ("Amitriptyline 25mg nocte", "Priadel 400mg", "Sinemet", "Nardil", "Metformin")},
            # Amitriptyline is a tricyclic and a CNS depressant: one flag, under the narrower class, with both reasons.
            {"tricyclic-antidepressants", "lithium", "levodopa", "mao-inhibitors", "antidiabetics"},
            id="each-interacting-class",
        ),
        pytest.param(
            {"conditions": frozenset({"stroke", "porphyria", "multiple-sclerosis"})},
            {"stroke", "porphyria"},
            id="conditions-only-those-with-a-rule",
        ),
    ],
)
def test_shipped_baclofen_scenarios(answers, expected):
    assert screen_baclofen(**answers).flag_keys == expected


def test_shipped_texts_and_sources_reach_the_flag():
    result = screen_baclofen(current_medications=("OxyContin 20 mg bd",))
    opioids = next(flag for flag in result.flags if flag.key == "opioids")
    warning = ClinicalWarning.objects.get(medication__slug="baclofen", key="opioids")
    assert opioids.title == warning.title
    assert opioids.rule.clinician_html == warning.clinician_html
    assert opioids.rule.action == warning.action
    assert {s.url for s in opioids.rule.sources} == set(warning.sources.values_list("url", flat=True))
    assert opioids.trigger.drug_class.slug == "opioid"


def test_unrecognised_lines_get_suggestions_from_the_catalogue():
    result = screen_baclofen(current_medications=("Oxycodon 5mg", "Zestrill", "completely unknown"))
    assert [(u.line, [s.label for s in u.suggestions]) for u in result.unrecognised] == [
        ("Oxycodon 5mg", ["Oxycodone"]),
        ("Zestrill", ["Zestril (lisinopril)"]),
        ("completely unknown", []),
    ]


def test_screening_data_is_none_for_an_unpublished_or_unknown_medication():
    draft = make_medication(status="draft")
    assert selectors.screening_data(medication_slug=draft.slug) is None
    assert selectors.screening_data(medication_slug="morphine") is None  # a catalogue entry: no leaflet
    assert selectors.screening_data(medication_slug="no-such-thing") is None


def test_screening_data_takes_a_fixed_number_of_queries(django_assert_num_queries, django_capture_on_commit_callbacks):
    # 1: the content version, read from the database by the process's first request and again after each commit.
    with django_assert_num_queries(1 + 7):
        data = selectors.screening_data(medication_slug="baclofen")
    assert len(data.rules) == ClinicalWarning.objects.filter(medication__slug="baclofen").count()
    # The catalogue (every name of every medication) and each medication's rules are read once per content version
    # in each process: then only the published medication is looked up.
    with django_assert_num_queries(1):
        selectors.screening_data(medication_slug="baclofen")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(20):
            make_medication(brands=[f"Brand A{n}", f"Brand B{n}"])
    with django_assert_num_queries(1 + 7):
        selectors.screening_data(medication_slug="baclofen")
    with django_assert_num_queries(1):
        selectors.screening_data(medication_slug="baclofen")


def test_an_edited_rule_reaches_the_next_screening(django_capture_on_commit_callbacks):
    assert selectors.screening_data(medication_slug="baclofen") is not None  # rules now remembered
    warning = ClinicalWarning.objects.get(medication__slug="baclofen", key="opioids")
    warning.action = "A corrected action."
    with django_capture_on_commit_callbacks(execute=True):
        content_save(obj=warning, reason="test edit")
    rules = selectors.screening_data(medication_slug="baclofen").rules
    assert next(rule for rule in rules if rule.key == "opioids").action == "A corrected action."


def test_a_name_added_by_an_edit_is_recognised_by_the_next_screening(django_capture_on_commit_callbacks):
    key = normalise_name("Spastonil")
    assert key not in selectors.screening_data(medication_slug="baclofen").index.names
    with django_capture_on_commit_callbacks(execute=True):
        name = MedicationName(medication=Medication.objects.get(slug="baclofen"), name="Spastonil")
        content_save(obj=name, reason="test edit")
    assert selectors.screening_data(medication_slug="baclofen").index.names[key].slug == "baclofen"


def test_a_medication_published_elsewhere_a_moment_ago_rebuilds_the_catalogue():
    selectors.screening_data(medication_slug="baclofen")  # this process's catalogue, before the new medication
    medication = make_medication()  # committed by another app server: this process has not seen a new version
    data = selectors.screening_data(medication_slug=medication.slug)
    assert data.medication.slug == medication.slug


def test_the_form_choices_come_from_the_data(django_assert_num_queries):
    with django_assert_num_queries(1):
        medications = selectors.screenable_medications()
    assert ("baclofen", "Baclofen") in medications
    with django_assert_num_queries(1):
        triggers = selectors.condition_triggers()
    assert ("baclofen", "epilepsy", "Epilepsy") in triggers
    assert not any(slug == "multiple-sclerosis" for _, slug, _ in triggers)
