"""The shipped content after the independent pharmacist review (issue 10): every screening flag can reach the
patient, baclofen graded as the labels say, the catalogue recognises what people take, and the leaflet's copy is
consistent. Expectations are written by hand from the labels, not read back from the files."""

import re

import pytest
from django.db.models import Q

from monographs.leaflet import patient_heading
from monographs.models import ClinicalWarning, Condition, Medication, MedicationName, Source, Use
from monographs.names import normalise_name
from monographs.readability import TARGET_GRADE, measure
from monographs.rules import ConditionRef, Rule

from .test_shipped_content import page_text

pytestmark = pytest.mark.django_db

Severity = ClinicalWarning.Severity
Trigger = ClinicalWarning.TriggerKind


def rule(key: str) -> ClinicalWarning:
    return ClinicalWarning.objects.prefetch_related("sources").get(medication__slug="baclofen", key=key)


def medication_named(text: str) -> Medication:
    key = normalise_name(text)
    found = Medication.objects.filter(normalised_name=key).first()
    return found or MedicationName.objects.select_related("medication").get(normalised=key).medication


def ingredient_slugs(text: str) -> set[str]:
    medication = medication_named(text)
    return {m.slug for m in medication.ingredients.all()} or {medication.slug}


@pytest.fixture
def leaflet(client, shipped_content) -> tuple[str, str]:
    response = client.get("/medicines/baclofen/")
    assert response.status_code == 200
    return response.content.decode(), page_text(response)


# --- Every flag reaches the patient ---------------------------------------------------------------------------------


def test_every_warning_the_screening_can_raise_has_plain_patient_text_without_crcl(shipped_content):
    triggered = ClinicalWarning.objects.exclude(trigger_kind=Trigger.NONE)
    assert triggered.count() >= 30
    assert list(triggered.filter(patient_text="").values_list("medication__slug", "key")) == []
    baclofen = ClinicalWarning.objects.filter(medication__slug="baclofen")
    jargon = [w.key for w in baclofen if re.search(r"CrCl|eGFR|mL/min", w.patient_text)]
    assert jargon == []


# --- Baclofen graded like a pharmacist ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "severity"),
    [
        ("renal-crcl-50-80", Severity.CAUTION),
        ("renal-crcl-30-50", Severity.DOSE_ADJUSTMENT),
        ("renal-crcl-below-30", Severity.AVOID),
        ("dialysis", Severity.AVOID),
        ("opioids", Severity.AVOID),
        ("cns-depressants", Severity.CAUTION),
        ("older-adults-kidney-function", Severity.AVOID),
        ("older-adults", Severity.CAUTION),
    ],
)
def test_baclofen_rule_is_graded_as_the_labels_and_guidelines_say(shipped_content, key, severity):
    assert rule(key).severity == severity


def test_severe_renal_impairment_and_dialysis_give_the_label_dose_of_about_5_mg_a_day(shipped_content):
    for key in ("renal-crcl-below-30", "dialysis"):
        warning = rule(key)
        assert "approximately 5 mg daily" in warning.action, key
        assert "about 5 mg a day" in warning.patient_text, key
        assert {"emc-baclofen-tablets-smpc", "pms-baclofen-monograph"} <= {s.key for s in warning.sources.all()}


def test_opioids_carry_the_boxed_warning_action_sourced_to_an_opioid_label_by_set_id(shipped_content):
    warning = rule("opioids")
    assert "alternative treatment options are inadequate" in warning.action
    assert "minimum required" in warning.action
    assert "respiratory depression and sedation" in warning.action
    identifiers = {s.identifier for s in warning.sources.all()}
    assert "DailyMed set id 17f7946d-e889-b736-e063-6394a90a42e0" in identifiers


def test_older_adults_follow_ags_beers_2023_at_65_with_kidney_function_under_60(shipped_content):
    beers = rule("older-adults-kidney-function")
    assert beers.trigger_kind == Trigger.AGE
    assert (beers.age_min, beers.age_max) == (65, None)
    assert (beers.crcl_min, float(beers.crcl_max), beers.crcl_max_inclusive) == (None, 60.0, False)
    assert [s.key for s in beers.sources.all()] == ["ags-beers-2023"]
    general = rule("older-adults")
    assert (general.trigger_kind, general.age_min, general.crcl_max) == (Trigger.AGE, 65, None)


@pytest.mark.parametrize(
    ("trigger", "target"),
    [
        ("condition", "parkinsons-disease"),
        ("condition", "liver-disease"),
        ("condition", "suicidal-thoughts"),
        ("drug_class", "nsaid"),
    ],
)
def test_the_non_us_label_cautions_are_screened_and_say_whose_label(shipped_content, trigger, target):
    field = "trigger_condition__slug" if trigger == "condition" else "trigger_class__slug"
    warning = ClinicalWarning.objects.get(Q(**{field: target}), medication__slug="baclofen")
    assert "UK label" in warning.patient_text
    assert "emc-baclofen-tablets-smpc" in {s.key for s in warning.sources.all()}


def test_anaesthesia_allergy_suicidal_thoughts_and_breastfeeding_follow_the_uk_smpc_and_nhs(shipped_content):
    assert "anaesthetic" in rule("anaesthesia").patient_text
    assert rule("se-allergic-reaction").urgent and rule("se-suicidal-thoughts").urgent
    breastfeeding = rule("breastfeeding").patient_text
    assert "so small" in breastfeeding and "do not stop either one suddenly" in breastfeeding
    assert "encephalopathy" in rule("se-hallucinations-severe-confusion").patient_text


def test_each_rule_cites_the_tablets_label_rather_than_every_formulation(shipped_content):
    formulations = {"dailymed-lyvispah", "dailymed-fleqsuvy"}
    warnings = ClinicalWarning.objects.filter(medication__slug="baclofen").prefetch_related("sources")
    over_cited = [w.key for w in warnings if formulations & {s.key for s in w.sources.all()}]
    assert over_cited == []


# --- The catalogue recognises what people take ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "ingredients"),
    [
        ("Percocet", {"oxycodone", "paracetamol"}),
        ("Endocet", {"oxycodone", "paracetamol"}),
        ("Norco", {"hydrocodone", "paracetamol"}),
        ("Vicodin", {"hydrocodone", "paracetamol"}),
        ("Lortab", {"hydrocodone", "paracetamol"}),
        ("Tylenol with Codeine", {"codeine", "paracetamol"}),
        ("Tylenol #3", {"codeine", "paracetamol"}),
        ("Tylenol 3", {"codeine", "paracetamol"}),
        ("Tylenol #4", {"codeine", "paracetamol"}),
        ("co-codamol 30/500", {"codeine", "paracetamol"}),
        ("co-dydramol", {"dihydrocodeine", "paracetamol"}),
        ("Suboxone", {"buprenorphine", "naloxone"}),
        ("Nurofen Plus", {"ibuprofen", "codeine"}),
        ("NyQuil", {"paracetamol", "dextromethorphan", "doxylamine"}),
        ("Advil PM", {"ibuprofen", "diphenhydramine"}),
        ("Advil Night", {"ibuprofen", "diphenhydramine"}),
        ("Tylenol PM", {"paracetamol", "diphenhydramine"}),
        ("Panadol Night", {"paracetamol", "diphenhydramine"}),
        ("Solpadeine Plus", {"paracetamol", "codeine", "caffeine"}),
        ("Tylenol", {"paracetamol"}),
        ("Panadol", {"paracetamol"}),
        ("acetaminophen", {"paracetamol"}),
        ("Sativex", {"nabiximols"}),
        ("Gablofen", {"baclofen"}),
        ("Lioresal Intrathecal", {"baclofen"}),
        ("Kemstro", {"baclofen"}),
    ],
)
def test_a_product_name_maps_to_every_ingredient(shipped_content, typed, ingredients):
    assert ingredient_slugs(typed) == ingredients


@pytest.mark.parametrize(
    "typed",
    [
        "alcohol",
        "cannabis",
        "Sativex",
        "dronabinol",
        "nabilone",
        "phenobarbital",
        "clobazam",
        "doxylamine",
        "cyclizine",
        "meclizine",
        "sodium oxybate",
        "clozapine",
        "dihydrocodeine",
        "levetiracetam",
        "carbamazepine",
        "lamotrigine",
        "valproate",
        "phenytoin",
    ],
)
def test_substances_that_slow_the_brain_are_cns_depressants(shipped_content, typed):
    assert "cns-depressant" in {c.slug for c in medication_named(typed).classes.all()}


def test_every_ingredient_is_its_own_single_medicine_and_nsaids_carry_their_class(shipped_content):
    combinations = Medication.objects.filter(ingredients__isnull=False).distinct().prefetch_related("ingredients")
    assert combinations.count() >= 10
    for combination in combinations:
        assert len(combination.ingredients.all()) >= 2, combination.slug
        assert not any(i.ingredients.exists() for i in combination.ingredients.all()), combination.slug
    assert {"ibuprofen", "naproxen", "diclofenac"} <= set(
        Medication.objects.filter(classes__slug="nsaid").values_list("slug", flat=True)
    )
    assert medication_named("St John's wort").slug == "st-johns-wort"


# --- The leaflet's copy ---------------------------------------------------------------------------------------------


def test_side_effects_show_figures_people_read_correctly_with_a_100_dot_picture(leaflet):
    html, text = leaflet
    assert "About 5 to 15 in every 100 people" in text
    assert "About 10 to 63 in every 100 people" in text
    assert "Up to 9 in every 100 people" in text
    assert "up to 1 in 10 people" not in text  # the band that contradicted 5–15%
    pictures = re.findall(r'<span class="icon-array" aria-hidden="true">(.*?)</span>', html, re.S)
    assert len(pictures) == 11
    assert all(picture.count("<i") == 100 for picture in pictures)
    assert pictures[0].count('class="seen"') == 10 and pictures[0].count('class="upto"') == 53


def test_no_heading_is_repeated_as_its_own_text(shipped_content):
    for warning in ClinicalWarning.objects.filter(medication__slug="baclofen"):
        first_words = warning.patient_text.split(".")[0].strip().lower()
        assert first_words != warning.title.lower(), warning.key
        assert not first_words.startswith(warning.title.lower()), warning.key


def test_copy_is_consistent_uk_english_with_one_set_of_emergency_numbers(leaflet):
    html, text = leaflet
    for wrong in ("see below", "Call 911", "emergency room", "((", "))", "CrCl"):
        assert wrong not in text, wrong
    assert "Kidney problems" in text and "Older adults" in text
    assert re.search(r"Call 999 for an ambulance.*In the US, call 911", text)
    # One convention site-wide: 999 first, 911 as the note for US readers, in the help box and the footer only.
    assert text.count("911") == 2
    assert all("999" in text[max(0, m.start() - 120) : m.start()] for m in re.finditer("911", text))


def test_every_listed_source_is_cited_where_it_supports_the_page(leaflet):
    html, _ = leaflet
    listed = re.findall(r'<li id="source-(\d+)">', html)
    assert len(listed) >= 12
    uncited = [n for n in listed if f'href="#source-{n}"' not in html]
    assert uncited == []


def test_condition_pages_show_their_sources(client, shipped_content):
    for condition in Condition.objects.filter(uses__medication__slug="baclofen").distinct():
        assert condition.sources.exists(), condition.slug
        page = client.get(condition.get_absolute_url()).content.decode()
        assert "<h2>Sources</h2>" in page, condition.slug
    unsourced = list(Condition.objects.filter(sources__isnull=True).values_list("slug", flat=True))
    assert unsourced == []


def test_the_whole_leaflet_reads_at_grade_8_or_lower(shipped_content):
    texts = [s.body for s in Medication.objects.get(slug="baclofen").sections.all()]
    texts += list(Use.objects.filter(medication__slug="baclofen").values_list("how_it_helps", flat=True))
    texts += list(ClinicalWarning.objects.filter(medication__slug="baclofen").values_list("patient_text", flat=True))
    assert measure("\n\n".join(t for t in texts if t)).grade <= TARGET_GRADE
    assert Source.objects.filter(key="ags-beers-2023").exists()


@pytest.mark.parametrize(
    ("fields", "heading"),
    [
        ({"trigger_kind": "renal", "crcl_max": 30}, "Kidney problems"),
        ({"trigger_kind": "dialysis"}, "Kidney problems"),
        ({"trigger_kind": "age", "age_min": 65, "crcl_max": 60}, "Older adults"),
        ({"trigger_kind": "condition", "condition": ConditionRef("liver-disease", "Liver disease")}, "Liver disease"),
        ({"trigger_kind": "drug_class"}, "Clinician title"),
    ],
)
def test_a_patient_reads_a_plain_heading_not_the_clinician_title(fields, heading):
    clinician_rule = Rule(key="k", title="Clinician title", type="warning", severity="avoid", **fields)
    assert patient_heading(clinician_rule) == heading
