"""Never reassure falsely, end to end (issue 10): the form's answers, the API's `complete` and `suggestions`, the
result and handout of an incomplete screening, one-click re-screening, and the shipped rules' grading."""

import json

import pytest

from monographs.models import ClinicalWarning, ScreeningRecord
from monographs.screening.forms import ScreeningForm
from tests.monographs.screening import EXAMPLE_BODY, EXAMPLE_FORM, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinician_client(client, shipped_content):
    client.force_login(make_user("clinician"))
    return client


def api(client, **overrides):
    body = json.dumps(EXAMPLE_BODY | overrides)
    return client.post("/api/screenings/", body, content_type="application/json")


def screen(client, **overrides) -> ScreeningRecord:
    response = client.post("/screening/", EXAMPLE_FORM | overrides)
    assert response.status_code == 302, response.content.decode()
    return ScreeningRecord.objects.get(pk=response["Location"].split("/")[2])


# --- The form's answers --------------------------------------------------------------------------------------------


def form(**overrides) -> ScreeningForm:
    data = {"medication": "baclofen", "pregnancy": "not_pregnant", "breastfeeding": "no"} | overrides
    bound = ScreeningForm({k: v for k, v in data.items() if v is not None})
    bound.is_valid()
    return bound


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        pytest.param({"sex": "male", "pregnancy": "pregnant"}, "pregnancy", "cannot be pregnant", id="male-pregnant"),
        pytest.param({"sex": "male", "pregnancy": "planning"}, "pregnancy", "cannot be pregnant", id="male-planning"),
        pytest.param({"sex": "male", "breastfeeding": "yes"}, "breastfeeding", "cannot be breastfeeding", id="male-bf"),
        pytest.param({"sex": "female", "pregnancy": None}, "pregnancy", "Choose whether", id="female-unanswered"),
        pytest.param({"pregnancy": None}, "pregnancy", "Choose whether", id="sex-not-given-unanswered"),
        pytest.param(
            {"creatinine_value": "90", "creatinine_unit": "umol/L", "weight_kg": "154 lb", "age": "70", "sex": "male"},
            "weight_kg",
            "“lb” is not kg",
            id="weight-in-pounds",
        ),
        pytest.param(
            {"creatinine_value": "90", "creatinine_unit": "umol/L", "weight_kg": "40", "age": "15", "sex": "male"},
            "age",
            "Cockcroft–Gault is for adults",
            id="child-cockcroft-gault",
        ),
    ],
)
def test_contradictory_or_unreadable_answers_are_field_errors(shipped_content, answers, field, message):
    bound = form(**answers)
    assert message in " ".join(bound.errors.get(field, [])), bound.errors


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        pytest.param({"sex": "male", "pregnancy": None}, {}, id="male-not-asked-about-pregnancy"),
        pytest.param({"weight_kg": "45,5"}, {"weight_kg": 45.5}, id="decimal-comma"),
        pytest.param({"weight_kg": "70kg"}, {"weight_kg": 70.0}, id="weight-with-its-unit"),
        pytest.param({"weight_kg": "70 KG"}, {"weight_kg": 70.0}, id="weight-with-its-unit-in-capitals"),
        pytest.param({"age": "64 years"}, {"age": 64}, id="age-in-years"),
        pytest.param({"height_cm": "172,5 cm"}, {"height_cm": 172.5}, id="height"),
    ],
)
def test_numbers_as_clinicians_type_them_are_read(shipped_content, answers, expected):
    base = {"creatinine_value": "90", "creatinine_unit": "umol/L", "age": "60", "sex": "female", "weight_kg": "70"}
    bound = form(**(base | answers))
    assert bound.is_valid(), bound.errors
    for name, value in expected.items():
        assert bound.cleaned_data[name] == value


def test_age_is_asked_at_the_top_of_the_form_and_the_scope_is_stated(clinician_client):
    page = clinician_client.get("/screening/").content.decode()
    assert page.index('name="age"') < page.index('name="pregnancy"') < page.index('name="crcl_ml_min"')
    assert "and for each current medicine that has a leaflet here" in page


# --- The API ---------------------------------------------------------------------------------------------------------


def test_the_api_says_incomplete_and_lists_each_unrecognised_line_with_its_suggestions(clinician_client):
    response = api(clinician_client, current_medications=["oxycodon", "xq-7 unknown thing", "lisinopril"])
    assert response.status_code == 201
    data = response.json()
    assert data["complete"] is False
    assert data["unrecognised_medications"] == ["oxycodon", "xq-7 unknown thing"]
    assert data["suggestions"] == {"oxycodon": ["Oxycodone"], "xq-7 unknown thing": []}
    assert data["notes"][0].startswith("Incomplete:")
    assert data["age"] == 34
    assert "baclofen" in {flag["about"] for flag in data["flags"]}


def test_the_api_is_complete_when_every_line_is_recognised(clinician_client):
    data = api(clinician_client).json()
    assert data["complete"] is True
    assert data["unrecognised_medications"] == []
    assert data["suggestions"] == {}


def test_the_api_refuses_a_male_patient_marked_pregnant(clinician_client):
    response = api(clinician_client, sex="male", pregnancy="pregnant")
    assert response.status_code == 400
    assert "cannot be pregnant" in response.json()["errors"]["pregnancy"][0]


# --- The result and the handout of an incomplete screening ------------------------------------------------------


def test_an_incomplete_result_says_so_before_any_precaution(clinician_client):
    record = screen(clinician_client, current_medications="oxycodon\nlisinopril")
    page = clinician_client.get(f"/screening/{record.pk}/").content.decode()
    assert page.index("Incomplete: 1 current medication could not be checked") < page.index('id="flags-heading"')
    assert "Screen again with Oxycodone" in page
    assert "Precautions found in what could be checked" in page


def test_one_click_screens_again_with_the_suggestion_and_nothing_else(clinician_client):
    record = screen(clinician_client, current_medications="oxycodon\nlisinopril")
    url = f"/screening/{record.pk}/rescreen/"
    response = clinician_client.post(url, {"line": "oxycodon", "use": "Oxycodone"})
    assert response.status_code == 302
    again = ScreeningRecord.objects.get(pk=response["Location"].split("/")[2])
    assert again.answers["current_medications"] == ["Oxycodone", "lisinopril"]
    assert again.result["complete"] is True
    assert "opioids" in {flag["key"] for flag in again.result["flags"]}
    # Only a suggestion the screening offered for that line: anything else is refused and nothing is stored.
    before = ScreeningRecord.objects.count()
    assert clinician_client.post(url, {"line": "oxycodon", "use": "Morphine"}).status_code == 400
    assert clinician_client.post(url, {"line": "lisinopril", "use": "Oxycodone"}).status_code == 400
    assert ScreeningRecord.objects.count() == before


def test_another_clinician_cannot_screen_again_from_someone_elses_record(client, clinician_client):
    record = screen(clinician_client, current_medications="oxycodon")
    client.force_login(make_user("clinician", "someone-else"))
    assert client.post(f"/screening/{record.pk}/rescreen/", {"line": "oxycodon", "use": "Oxycodone"}).status_code == 404


def test_the_handout_carries_every_flag_and_tells_the_patient_what_was_not_checked(clinician_client):
    record = screen(
        clinician_client,
        crcl_ml_min="",
        dialysis="on",
        current_medications="oxycodon\nlisinopril",
        pregnancy="pregnant",
    )
    page = clinician_client.get(f"/screening/{record.pk}/handout/").content.decode()
    for flag in record.result["flags"]:
        assert flag["title"] in page
    assert "None of the things your doctor checked" not in page
    assert "We could not check “oxycodon”" in page
    assert "screening-clinician-only" in page


def test_a_stored_flag_without_patient_text_still_reaches_the_handout(clinician_client):
    record = screen(clinician_client)
    record.result["flags"][0]["patient_text"] = record.result["flags"][0]["patient_html"] = ""
    record.save(update_fields=["result"])
    page = clinician_client.get(f"/screening/{record.pk}/handout/").content.decode()
    assert record.result["flags"][0]["title"] in page
    assert "Ask them what it means for you" in page


# --- The model refuses a warning the screening can flag without patient text -------------------------------------


def test_a_triggered_warning_without_patient_text_is_refused(shipped_content):
    warning = ClinicalWarning.objects.exclude(trigger_kind="none").first()
    warning.patient_text = "  "
    with pytest.raises(Exception) as raised:
        warning.full_clean()
    assert "patient_text" in raised.value.message_dict
