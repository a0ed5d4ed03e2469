"""POST /api/screenings/: the JSON contract (ARCHITECTURE.md), roles, and 400 field errors for every bad input."""

import json

import pytest
from django.conf import settings
from django.test import Client

from monographs.models import ScreeningRecord
from tests.monographs.screening import CONTRACT_BODY, EXAMPLE_BODY, EXAMPLE_KEYS, make_user

pytestmark = pytest.mark.django_db
URL = "/api/screenings/"
FLAG_FIELDS = {
    "title",
    "severity",
    "type",
    "about",
    "trigger",
    "patient_text",
    "clinician_text",
    "action",
    "also",
    "sources",
}
RESULT_FIELDS = {
    "id",
    "medication",
    "complete",
    "age",
    "crcl_ml_min",
    "crcl_source",
    "flags",
    "unrecognised_medications",
    "suggestions",
    "not_checked",
    "notes",
}


@pytest.fixture
def clinician(shipped_content):
    return make_user("clinician")


@pytest.fixture
def api(client, clinician):
    client.force_login(clinician)
    return client


def post(client, body, **kwargs):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(URL, data, content_type="application/json", **kwargs)


# --- Roles ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [("anonymous", 401), ("nobody", 403), ("pharmacist", 403)])
def test_only_clinicians_may_screen(client, shipped_content, role, status):
    if role != "anonymous":
        client.force_login(make_user(None if role == "nobody" else role))
    response = post(client, EXAMPLE_BODY)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["errors"]["__all__"]
    assert "no-store" in response["Cache-Control"]
    assert not ScreeningRecord.objects.exists()


def test_other_methods_are_405_json(api):
    response = api.get(URL)
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json() == {"errors": {"__all__": ["Use POST."]}}


def test_the_csrf_token_is_checked_as_django_does(shipped_content, clinician):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clinician)
    assert post(client, EXAMPLE_BODY).status_code == 403
    client.get("/screening/")
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = post(client, EXAMPLE_BODY, headers={"X-CSRFToken": token})
    assert response.status_code == 201


# --- The contract ---------------------------------------------------------------------------------------------------


def test_the_contract_example_answers_201_in_the_documented_shape(api, clinician):
    response = post(api, CONTRACT_BODY)
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    data = response.json()
    assert set(data) == RESULT_FIELDS
    assert data["complete"] is True
    assert data["age"] == 34
    assert data["suggestions"] == {}
    record = ScreeningRecord.objects.get(pk=data["id"])
    assert record.clinician == clinician
    assert response["Location"] == f"/screening/{record.pk}/"
    assert data["medication"] == "baclofen"
    assert data["crcl_ml_min"] == 42.0
    assert data["crcl_source"] == "given"
    assert data["unrecognised_medications"] == []
    assert any("not proof of safety" in note for note in data["notes"])
    for flag in data["flags"]:
        assert set(flag) == FLAG_FIELDS
        assert flag["severity"] in {"info", "caution", "dose_adjustment", "avoid", "contraindicated"}
        assert flag["trigger"]["kind"] in {
            "condition",
            "pregnancy",
            "breastfeeding",
            "renal",
            "age",
            "medication",
            "duplicate",
        }
        assert flag["trigger"]["detail"]
        assert all(set(source) == {"title", "url"} for source in flag["sources"])
        assert "<p>" not in flag["clinician_text"] + flag["action"]  # text, not HTML
    titles = {flag["title"] for flag in data["flags"]}
    assert titles == {flag["title"] for flag in record.result["flags"]}
    assert {flag["key"] for flag in record.result["flags"] if flag["about"] == "baclofen"} == EXAMPLE_KEYS
    severities = [flag["severity"] for flag in data["flags"]]
    order = ["contraindicated", "avoid", "dose_adjustment", "caution", "info"]
    assert severities == sorted(severities, key=order.index)
    renal = next(flag for flag in data["flags"] if flag["trigger"]["kind"] == "renal")
    assert renal["trigger"] == {
        "kind": "renal",
        "detail": "CrCl 30 to under 50 mL/min (patient's CrCl 42 mL/min, as given)",
    }
    opioids = next(flag for flag in record.result["flags"] if flag["key"] == "opioids")
    assert opioids["severity"] == "avoid"
    assert opioids["trigger"]["drug_class"] == {"slug": "opioid", "name": "Opioid"}
    assert "cns-depressants" in {also["key"] for also in opioids["also"]}
    assert opioids["trigger"]["medications"] == [
        {"slug": "oxycodone", "name": "Oxycodone", "lines": ["Oxycodone 5 mg"]}
    ]
    # The record keeps the answers as given, in this same shape.
    assert record.answers["current_medications"] == EXAMPLE_BODY["current_medications"]
    assert record.answers["crcl_ml_min"] == 42.0
    assert (record.answers["weight_kg"], record.answers["height_cm"]) == (62, 165)


@pytest.mark.parametrize(
    ("kidney", "crcl", "source"),
    [
        pytest.param({"crcl_ml_min": 42}, 42.0, "given", id="given"),
        pytest.param(
            {"creatinine": {"value": 1.0, "unit": "mg/dL"}, "age": 60, "weight_kg": 72, "sex": "male"},
            80.0,
            "cockcroft_gault",
            id="cockcroft-gault-mg-dl",
        ),
        pytest.param(
            {"creatinine": {"value": 88.4, "unit": "umol/L"}, "age": 60, "weight_kg": 72, "sex": "female"},
            68.0,
            "cockcroft_gault",
            id="cockcroft-gault-umol-l-female",
        ),
        pytest.param({"egfr": 55}, 55.0, "egfr", id="egfr"),
        pytest.param({}, None, None, id="none"),
        pytest.param({"crcl_ml_min": None, "creatinine": None, "egfr": None}, None, None, id="nulls"),
    ],
)
def test_kidney_function_and_where_it_came_from(api, kidney, crcl, source):
    body = {k: v for k, v in EXAMPLE_BODY.items() if k != "crcl_ml_min"} | kidney
    if body.get("sex") == "male":
        body["pregnancy"] = "not_applicable"
    data = post(api, body).json()
    assert (data["crcl_ml_min"], data["crcl_source"]) == (crcl, source)
    if source is None:
        assert any("Kidney function was not given" in note for note in data["notes"])
        assert not any(flag["trigger"]["kind"] == "renal" for flag in data["flags"])
    if source == "cockcroft_gault":
        assert any("Cockcroft–Gault" in note and f"{crcl:.1f} mL/min" in note for note in data["notes"])


def test_optional_answers_may_be_left_out(api):
    response = post(api, {"medication": "baclofen", "pregnancy": "not_applicable", "breastfeeding": False})
    assert response.status_code == 201
    assert response.json()["flags"] == []


def test_unrecognised_lines_come_back_with_suggestions(api):
    body = EXAMPLE_BODY | {"current_medications": ["Oxycodon 5 mg", "Lioresal 10 mg", "zzz"]}
    data = post(api, body).json()
    assert data["complete"] is False
    assert data["unrecognised_medications"] == ["Oxycodon 5 mg", "zzz"]
    assert data["suggestions"] == {"Oxycodon 5 mg": ["Oxycodone"], "zzz": []}
    duplicate = next(flag for flag in data["flags"] if flag["trigger"]["kind"] == "duplicate")
    assert duplicate["severity"] == "avoid"


# --- Bad input: 400 with field errors, never a 500 ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        pytest.param(EXAMPLE_BODY | {"medication": "no-such-medicine"}, {"medication"}, id="unknown-medication"),
        pytest.param(EXAMPLE_BODY | {"medication": "morphine"}, {"medication"}, id="medication-without-leaflet"),
        pytest.param(EXAMPLE_BODY | {"medication": 7}, {"medication"}, id="medication-not-a-string"),
        pytest.param({k: v for k, v in EXAMPLE_BODY.items() if k != "medication"}, {"medication"}, id="no-medication"),
        pytest.param(EXAMPLE_BODY | {"conditions": ["epilepsy", "gout"]}, {"conditions"}, id="unknown-condition"),
        pytest.param(EXAMPLE_BODY | {"conditions": "epilepsy"}, {"conditions"}, id="conditions-not-a-list"),
        pytest.param(EXAMPLE_BODY | {"conditions": [1]}, {"conditions"}, id="conditions-not-strings"),
        pytest.param(EXAMPLE_BODY | {"pregnancy": "yes"}, {"pregnancy"}, id="unknown-pregnancy-answer"),
        pytest.param(EXAMPLE_BODY | {"pregnancy": None}, {"pregnancy"}, id="pregnancy-missing"),
        pytest.param(EXAMPLE_BODY | {"breastfeeding": "no"}, {"breastfeeding"}, id="breastfeeding-not-a-boolean"),
        pytest.param(EXAMPLE_BODY | {"dialysis": 1}, {"dialysis"}, id="dialysis-not-a-boolean"),
        pytest.param(EXAMPLE_BODY | {"crcl_ml_min": -5}, {"crcl_ml_min"}, id="negative-crcl"),
        pytest.param(EXAMPLE_BODY | {"crcl_ml_min": 1e9}, {"crcl_ml_min"}, id="absurd-crcl"),
        pytest.param(EXAMPLE_BODY | {"crcl_ml_min": "abc"}, {"crcl_ml_min"}, id="crcl-text"),
        pytest.param(EXAMPLE_BODY | {"crcl_ml_min": "42"}, {"crcl_ml_min"}, id="crcl-number-as-text"),
        pytest.param(EXAMPLE_BODY | {"crcl_ml_min": True}, {"crcl_ml_min"}, id="crcl-true"),
        pytest.param(EXAMPLE_BODY | {"crcl_ml_min": [42]}, {"crcl_ml_min"}, id="crcl-list"),
        pytest.param(EXAMPLE_BODY | {"egfr": 40}, {"crcl_ml_min", "egfr"}, id="two-kidney-methods"),
        pytest.param(
            EXAMPLE_BODY | {"crcl_ml_min": None, "creatinine": {"value": 150}, "age": None, "sex": None},
            {"creatinine", "age", "weight_kg", "sex"},
            id="creatinine-without-unit-age-weight-sex",
        ),
        pytest.param(
            EXAMPLE_BODY | {"crcl_ml_min": None, "creatinine": 150}, {"creatinine"}, id="creatinine-not-an-object"
        ),
        pytest.param(
            EXAMPLE_BODY | {"crcl_ml_min": None, "creatinine": {"value": 150, "unit": "mmol/L"}},
            {"creatinine", "weight_kg"},
            id="unknown-creatinine-unit",
        ),
        pytest.param(
            EXAMPLE_BODY | {"crcl_ml_min": None, "creatinine": {"value": 1, "unit": "mg/dL", "when": "today"}},
            {"creatinine"},
            id="creatinine-unknown-key",
        ),
        pytest.param(
            EXAMPLE_BODY
            | {"crcl_ml_min": None, "creatinine": {"value": 0.1, "unit": "mg/dL"}, "age": 18, "weight_kg": 300}
            | {"sex": "male", "pregnancy": "not_applicable"},
            {"creatinine"},
            id="implausible-calculated-crcl",
        ),
        pytest.param(
            EXAMPLE_BODY
            | {"crcl_ml_min": None, "creatinine": {"value": 1, "unit": "mg/dL"}, "age": 17, "weight_kg": 40},
            {"age"},
            id="child-cockcroft-gault",
        ),
        pytest.param(EXAMPLE_BODY | {"sex": "male"}, {"pregnancy"}, id="male-pregnant"),
        pytest.param(EXAMPLE_BODY | {"age": 121}, {"age"}, id="age-over-120"),
        pytest.param(EXAMPLE_BODY | {"age": 40.5}, {"age"}, id="age-not-whole"),
        pytest.param(EXAMPLE_BODY | {"weight_kg": 0}, {"weight_kg"}, id="absurd-weight"),
        pytest.param(EXAMPLE_BODY | {"sex": "other"}, {"sex"}, id="unknown-sex"),
        pytest.param(EXAMPLE_BODY | {"egfr": -1, "crcl_ml_min": None}, {"egfr"}, id="negative-egfr"),
        pytest.param(EXAMPLE_BODY | {"current_medications": "Zestril"}, {"current_medications"}, id="lines-not-list"),
        pytest.param(
            EXAMPLE_BODY | {"current_medications": ["Zestril\nOxycodone"]},
            {"current_medications"},
            id="line-with-a-line-break",
        ),
        pytest.param(
            EXAMPLE_BODY | {"current_medications": [f"Medicine {n}" for n in range(101)]},
            {"current_medications"},
            id="too-many-lines",
        ),
        pytest.param(EXAMPLE_BODY | {"current_medications": ["x" * 201]}, {"current_medications"}, id="line-too-long"),
        pytest.param(EXAMPLE_BODY | {"crcl": 42}, {"crcl"}, id="unknown-field"),
    ],
)
def test_bad_answers_are_400_with_field_errors(api, body, fields):
    response = post(api, body)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == fields
    assert all(isinstance(m, str) and m for messages in errors.values() for m in messages)
    assert not ScreeningRecord.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"", id="missing-body"),
        pytest.param(b"{", id="not-json"),
        pytest.param(b"[]", id="a-list"),
        pytest.param(b'"baclofen"', id="a-string"),
        pytest.param(b"null", id="null"),
        pytest.param(b"\xff\xfe\x00", id="not-utf-8"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="deeply-nested"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_400(api, raw):
    response = post(api, raw)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["__all__"]


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(
            b'{"medication": "baclofen", "pregnancy": "pregnant", "breastfeeding": false, "crcl_ml_min": NaN}'
        ),
        pytest.param(b'{"medication": "baclofen", "pregnancy": "pregnant", "breastfeeding": false, "egfr": Infinity}'),
        pytest.param(
            b'{"medication": "baclofen", "pregnancy": "pregnant", "breastfeeding": false, "age": 1' + b"0" * 400 + b"}"
        ),
        pytest.param(
            b'{"medication": "baclofen", "pregnancy": "pregnant", "breastfeeding": false, '
            b'"current_medications": ["\\ud800"]}'
        ),
        pytest.param(
            b'{"medication": "baclofen", "pregnancy": "pregnant", "breastfeeding": false, '
            b'"current_medications": ["nul\\u0000byte"]}'
        ),
    ],
    ids=["nan", "infinity", "huge-integer", "lone-surrogate", "nul-character"],
)
def test_numbers_and_text_json_allows_but_no_database_stores_are_400(api, raw):
    response = post(api, raw)
    assert response.status_code == 400
