"""Property tests: whatever a clinician types or a client sends, the answer is a result or field errors, never a 500."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.monographs.screening import EXAMPLE_BODY, EXAMPLE_FORM, make_user

pytestmark = pytest.mark.django_db
PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

FORM_FIELDS = [
    "medication",
    "pregnancy",
    "breastfeeding",
    "crcl_ml_min",
    "creatinine_value",
    "creatinine_unit",
    "age",
    "weight_kg",
    "sex",
    "egfr",
    "dialysis",
    "conditions",
    "current_medications",
]
API_FIELDS = [*EXAMPLE_BODY, "creatinine", "age", "weight_kg", "sex", "egfr"]

# Form values as a browser (or someone with curl) could send them: plausible, edge and nonsense.
numbers_as_text = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["", " ", "0", "29.9", "30", "80", "1e400", "4,2", "-0", "٣٠", "abc", "42 mL/min"]),
)
known_values = st.sampled_from(
    [
        "baclofen",
        "oxycodone",
        "pregnant",
        "planning",
        "not_applicable",
        "yes",
        "no",
        "on",
        "umol/L",
        "mg/dL",
        "female",
        "male",
        "epilepsy",
        "stroke",
    ]
)
form_value = st.one_of(
    known_values,
    numbers_as_text,
    st.text(max_size=40),
    st.lists(st.one_of(known_values, st.text(max_size=10)), max_size=4),
    st.lists(st.sampled_from(["Oxycodone 5 mg", "Zestril", "Lioresal", "zzz", "", "x" * 201]), max_size=8).map(
        "\n".join
    ),
)
form_data = st.dictionaries(st.sampled_from(FORM_FIELDS), form_value, max_size=len(FORM_FIELDS))

json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    known_values,
)
json_value = st.recursive(
    json_scalar,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=10,
)
api_body = st.one_of(
    st.dictionaries(st.sampled_from(API_FIELDS), json_value, max_size=len(API_FIELDS)).map(
        lambda overrides: EXAMPLE_BODY | overrides
    ),
    st.dictionaries(st.one_of(st.sampled_from(API_FIELDS), st.text(max_size=10)), json_value, max_size=6),
    json_value,
)


@pytest.fixture
def clinician_client(client, shipped_content):
    client.force_login(make_user("clinician"))
    return client


@PROPERTY_SETTINGS
@given(overrides=form_data)
def test_the_form_never_fails_whatever_is_posted(clinician_client, overrides):
    response = clinician_client.post("/screening/", EXAMPLE_FORM | overrides)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert "There is a problem" in response.content.decode()


@PROPERTY_SETTINGS
@given(body=api_body)
def test_the_api_never_fails_whatever_is_sent(clinician_client, body):
    response = clinician_client.post("/api/screenings/", json.dumps(body), content_type="application/json")
    assert response.status_code in (201, 400)
    data = response.json()
    if response.status_code == 400:
        assert data["errors"] and all(isinstance(messages, list) for messages in data["errors"].values())
    else:
        assert data["crcl_source"] in (None, "given", "cockcroft_gault", "egfr")


@PROPERTY_SETTINGS
@given(raw=st.binary(max_size=200))
def test_the_api_never_fails_whatever_bytes_are_sent(clinician_client, raw):
    response = clinician_client.post("/api/screenings/", raw, content_type="application/json")
    assert response.status_code in (201, 400)
