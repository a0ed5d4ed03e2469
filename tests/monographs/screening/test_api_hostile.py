"""The JSON API on hostile bodies: control characters, line separators inside a medication line, patient identifiers,
bodies over the size limit and numbers too long to read. Each answer is JSON with a message that says what is wrong;
nothing is stored."""

import json

import pytest

from monographs.models import ScreeningRecord
from tests.monographs.screening import EXAMPLE_BODY, EXAMPLE_FORM, make_user

pytestmark = pytest.mark.django_db
URL = "/api/screenings/"


@pytest.fixture
def api(client, shipped_content):
    client.force_login(make_user("clinician"))
    return client


def post(client, body):
    data = body if isinstance(body, bytes) else json.dumps(body)
    return client.post(URL, data, content_type="application/json")


def refused(response) -> dict[str, list[str]]:
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert not ScreeningRecord.objects.exists()
    return response.json()["errors"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param(EXAMPLE_BODY | {"medication": "baclofen\x00"}, "medication", id="nul-in-medication"),
        pytest.param(EXAMPLE_BODY | {"conditions": ["epilepsy\x07"]}, "conditions", id="bell-in-a-condition"),
        pytest.param(EXAMPLE_BODY | {"unknown\x00": 1}, "unknown\x00", id="nul-in-a-key"),
    ],
)
def test_a_control_character_anywhere_is_a_field_error(api, body, field):
    errors = refused(post(api, body))
    assert "invisible control character" in errors[field][0]


@pytest.mark.parametrize("separator", ["\x0b", "\x0c", "\x1c", "\x85"])
def test_a_medication_line_with_a_control_separator_is_refused_not_split(api, separator):
    errors = refused(post(api, EXAMPLE_BODY | {"current_medications": [f"oxycodone{separator}lisinopril"]}))
    assert list(errors) == ["current_medications"]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029"])
def test_a_medication_line_with_a_unicode_line_separator_stays_one_line(api, separator):
    response = post(api, EXAMPLE_BODY | {"current_medications": [f"oxycodone{separator}lisinopril"]})
    assert response.status_code == 201, response.json()
    assert ScreeningRecord.objects.get().answers["current_medications"] == ["oxycodone lisinopril"]


def test_a_medication_line_holding_a_name_and_an_nhs_number_is_refused(api):
    body = EXAMPLE_BODY | {"current_medications": ["lisinopril", "John Smith NHS 943 476 5919 oxycodone"]}
    [message] = refused(post(api, body))["current_medications"]
    assert message.startswith("Line 2: remove “John Smith” (a name) and “NHS 943 476 5919” (an identifier)")
    assert "screening records must not hold patient identifiers" in message


def test_the_form_refuses_identifiers_too_and_keeps_what_was_typed(client, shipped_content):
    client.force_login(make_user("clinician"))
    form = EXAMPLE_FORM | {"current_medications": "Oxycodone 5 mg\nJohn Smith DOB 12/03/1961 tramadol"}
    response = client.post("/screening/", form)
    assert response.status_code == 200
    assert "screening records must not hold patient identifiers" in response.content.decode()
    assert "John Smith DOB 12/03/1961 tramadol" in response.content.decode()  # in the textarea, to correct
    assert not ScreeningRecord.objects.exists()


def test_strengths_are_not_identifiers_on_the_way_in(api):
    lines = ["oxycodone 5 mg", "co-codamol 30/500", "Tylenol #3", "fentanyl 25 mcg/hr"]
    assert post(api, EXAMPLE_BODY | {"current_medications": lines}).status_code == 201


def test_a_body_over_the_size_limit_is_json_that_says_so(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = EXAMPLE_BODY | {"current_medications": ["x" * 100] * 20}
    [message] = refused(post(api, body))["__all__"]
    assert message.startswith("The request is too large: send at most 1,000 bytes")


def test_a_5000_digit_integer_is_named_as_such(api):
    raw = json.dumps(EXAMPLE_BODY).encode()[:-1] + b', "age": ' + b"1" * 5000 + b"}"
    [message] = refused(post(api, raw))["__all__"]
    assert "A number in the body is too long" in message


def test_malformed_json_says_where(api):
    [message] = refused(post(api, b'{"medication": }'))["__all__"]
    assert message.startswith("The body is not valid JSON: Expecting value")
