"""The screening pages for every role, the form's errors (GOV.UK pattern), snapshots, and fixed query counts."""

import re
import uuid

import pytest
from django.conf import settings
from django.test import Client

from monographs.models import ClinicalWarning, ScreeningRecord
from monographs.services.content import content_save
from tests.monographs.screening import EXAMPLE_FORM, EXAMPLE_KEYS, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinician(shipped_content):
    return make_user("clinician")


@pytest.fixture
def clinician_client(client, clinician):
    client.force_login(clinician)
    return client


def screen(client, **overrides) -> ScreeningRecord:
    response = client.post("/screening/", EXAMPLE_FORM | overrides)
    assert response.status_code == 302, response.content.decode()
    return ScreeningRecord.objects.get(pk=response["Location"].split("/")[2])


def h1_count(response) -> int:
    return len(re.findall(r"<h1[\s>]", response.content.decode()))


# --- Roles ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["", "handout/"])
@pytest.mark.parametrize("role", ["anonymous", "nobody", "pharmacist", "other-clinician", "owner"])
def test_result_pages_for_every_role(client, clinician, role, page):
    record = screen(_logged_in(Client(), clinician))
    url = f"/screening/{record.pk}/{page}"
    if role != "anonymous":
        groups = {"nobody": None, "pharmacist": "pharmacist", "other-clinician": "clinician"}
        user = clinician if role == "owner" else make_user(groups[role])
        client.force_login(user)
    response = client.get(url)
    expected = {"anonymous": 302, "nobody": 403, "pharmacist": 403, "other-clinician": 404, "owner": 200}[role]
    assert response.status_code == expected
    assert "no-store" in response["Cache-Control"]
    if role == "anonymous":
        assert response["Location"] == f"/accounts/login/?next=/screening/{record.pk}/{page}"
    if expected == 200:
        assert h1_count(response) == 1


def _logged_in(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize(("role", "status"), [("anonymous", 302), ("nobody", 403), ("pharmacist", 403)])
def test_only_clinicians_get_the_form(client, shipped_content, role, status):
    if role != "anonymous":
        client.force_login(make_user(None if role == "nobody" else role))
    response = client.get("/screening/")
    assert response.status_code == status
    assert "no-store" in response["Cache-Control"]
    assert client.post("/screening/", EXAMPLE_FORM).status_code == status
    assert not ScreeningRecord.objects.exists()


def test_anonymous_is_sent_to_sign_in(client, shipped_content):
    response = client.get("/screening/")
    assert response["Location"] == "/accounts/login/?next=/screening/"


def test_an_unknown_record_is_404(clinician_client):
    assert clinician_client.get(f"/screening/{uuid.uuid4()}/").status_code == 404


def test_clinician_gets_the_form_with_the_medication_preselected(clinician_client):
    response = clinician_client.get("/screening/?medication=baclofen")
    html = response.content.decode()
    assert response.status_code == 200
    assert h1_count(response) == 1
    assert "no-store" in response["Cache-Control"]
    assert '<option value="baclofen" selected>Baclofen</option>' in html
    # Radio groups are fieldsets with a legend; the conditions come from baclofen's warnings.
    assert re.search(r"<fieldset>\s*<legend[^>]*>\s*Is the patient pregnant\?", html)
    assert 'value="epilepsy"' in html and "Stomach or duodenal ulcer" in html
    assert "multiple-sclerosis" not in html
    assert "There is a problem" not in html
    assert "<title>Check precautions" in html
    # An idle sign-out would lose the answers: the page warns first and offers to stay signed in.
    assert f'data-session-seconds="{settings.SESSION_COOKIE_AGE}"' in html
    assert 'data-keep-alive-url="/accounts/keep-alive/"' in html
    assert "/static/js/session-timeout.js" in html


def test_an_unknown_medication_in_the_query_string_is_ignored(clinician_client):
    html = clinician_client.get("/screening/?medication=no-such-thing").content.decode()
    assert "selected>Baclofen" not in html


# --- A screening, end to end ----------------------------------------------------------------------------------------


def test_a_clinician_screens_a_patient_and_reads_the_result(clinician_client, clinician):
    record = screen(clinician_client)
    assert record.clinician == clinician
    assert record.medication.slug == "baclofen"
    assert record.answers == {
        "medication": "baclofen",
        "pregnancy": "pregnant",
        "breastfeeding": False,
        "crcl_ml_min": 42.0,
        "creatinine": None,
        "age": None,
        "weight_kg": None,
        "height_cm": None,
        "sex": None,
        "egfr": None,
        "dialysis": False,
        "conditions": ["epilepsy"],
        "current_medications": ["Oxycodone 5 mg", "lisinopril"],
    }
    assert {flag["key"] for flag in record.result["flags"] if flag["about"] == "baclofen"} == EXAMPLE_KEYS

    response = clinician_client.get(f"/screening/{record.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Baclofen (being considered): " in html
    severities = re.findall(r'class="screening-flag severity-(\w+)"', html)
    order = ["contraindicated", "avoid", "dose_adjustment", "caution", "info"]
    assert severities[0] == "avoid"  # the opioid, as the opioid Boxed Warning grades it
    assert severities == sorted(severities, key=order.index) or "already taken" in html
    opioids = ClinicalWarning.objects.get(medication__slug="baclofen", key="opioids")
    assert opioids.title in html
    assert "Takes a medicine of the class Opioid: Oxycodone (from “Oxycodone 5 mg”)" in html
    assert "CrCl 42 mL/min, as given." in html
    assert "not proof of safety" in html
    assert "dailymed.nlm.nih.gov" in html
    assert "data-print hidden" in html and "/static/js/screening.js" in html
    assert "/static/css/screening.css" in html

    handout = clinician_client.get(f"/screening/{record.pk}/handout/").content.decode()
    # The plain-language text of every flag that applies (the kidney flag too), never the clinician's rationale.
    assert "Taking baclofen with an opioid painkiller" in handout
    assert "If you have epilepsy" in handout
    assert "If your kidneys work less well than normal" in handout
    assert "About 70% excreted unchanged renally" not in handout  # the clinician's rationale
    assert "Trouble emptying your bladder" not in handout  # does not apply


def test_the_result_is_rendered_from_the_snapshot_not_todays_content(clinician_client):
    record = screen(clinician_client)
    warning = ClinicalWarning.objects.get(medication__slug="baclofen", key="opioids")
    title = warning.title
    warning.title = "Renamed since"
    content_save(obj=warning, reason="test edit")
    html = clinician_client.get(f"/screening/{record.pk}/").content.decode()
    assert title in html
    assert "Renamed since" not in html


def test_creatinine_answers_show_the_crcl_and_the_formula(clinician_client):
    record = screen(
        clinician_client,
        crcl_ml_min="",
        creatinine_value="88.4",
        creatinine_unit="umol/L",
        age="60",
        weight_kg="72",
        sex="male",
        pregnancy="not_applicable",
    )
    assert record.result["crcl_ml_min"] == 80.0
    assert record.result["crcl_source"] == "cockcroft_gault"
    html = clinician_client.get(f"/screening/{record.pk}/").content.decode()
    assert "Serum creatinine 88.4 µmol/L; age 60; weight 72 kg; male" in html  # the answers as given
    assert "CrCl 80.0 mL/min, calculated by Cockcroft–Gault" in html
    assert "(140 − 60) × 72 kg ÷ (72 × 1.00 mg/dL) = 80.0 mL/min" in html
    renal = ClinicalWarning.objects.get(medication__slug="baclofen", key="renal-crcl-50-80")
    assert renal.title in html


def test_egfr_and_no_kidney_answer_say_so(clinician_client):
    egfr = screen(clinician_client, crcl_ml_min="", egfr="45")
    assert egfr.result["crcl_source"] == "egfr"
    assert "eGFR was used in place of CrCl" in clinician_client.get(f"/screening/{egfr.pk}/").content.decode()
    none = screen(clinician_client, crcl_ml_min="")
    assert none.result["crcl_source"] is None
    assert not any(flag["trigger"]["kind"] == "renal" for flag in none.result["flags"])
    assert "Kidney function was not given" in clinician_client.get(f"/screening/{none.pk}/").content.decode()


def test_unrecognised_lines_are_shown_with_a_suggestion(clinician_client):
    record = screen(clinician_client, current_medications="Oxycodon 5mg\nLioresal 10 mg\n\nsomething odd")
    html = clinician_client.get(f"/screening/{record.pk}/").content.decode()
    assert "<strong>“Oxycodon 5mg”</strong>: not recognised." in html
    assert "Screen again with Oxycodone" in html
    assert "<strong>“something odd”</strong>: not recognised. No known medicine is close to it." in html
    assert "Already taking baclofen (duplicate therapy)" in html
    assert html.index("Incomplete: 2 current medications could not be checked") < html.index("duplicate therapy")


def test_the_form_lists_the_clinicians_ten_most_recent_screenings_only(clinician_client):
    other = make_user("clinician")
    other_record = screen(_logged_in(Client(), other))
    mine = [screen(clinician_client) for _ in range(11)]
    html = clinician_client.get("/screening/").content.decode()
    links = re.findall(r'href="/screening/([0-9a-f-]{36})/"', html)
    assert links == [str(r.pk) for r in reversed(mine)][:10]
    assert str(other_record.pk) not in html


# --- Errors: the GOV.UK pattern, answers kept ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        pytest.param({"medication": ""}, "medication", "Choose the medication being considered.", id="no-medication"),
        pytest.param(
            {"medication": "morphine"}, "medication", "is not a published medication", id="unpublished-medication"
        ),
        pytest.param({"pregnancy": ""}, "pregnancy_0", "Choose whether the patient is pregnant", id="no-pregnancy"),
        pytest.param({"breastfeeding": "maybe"}, "breastfeeding_0", "Answer yes or no.", id="bad-breastfeeding"),
        pytest.param({"crcl_ml_min": "-1"}, "crcl_ml_min", "Enter a CrCl from 0 to 250 mL/min.", id="negative-crcl"),
        pytest.param({"crcl_ml_min": "900"}, "crcl_ml_min", "Enter a CrCl from 0 to 250 mL/min.", id="absurd-crcl"),
        pytest.param({"crcl_ml_min": "abc"}, "crcl_ml_min", "Enter a CrCl as a number", id="crcl-not-a-number"),
        pytest.param({"egfr": "40"}, "crcl_ml_min", "Give kidney function one way only", id="two-kidney-methods"),
        pytest.param({"egfr": "201", "crcl_ml_min": ""}, "egfr", "Enter an eGFR from 0 to 200", id="absurd-egfr"),
        pytest.param(
            {"crcl_ml_min": "", "creatinine_value": "150"},
            "creatinine_unit_0",
            "Choose the unit of the serum creatinine",
            id="creatinine-without-unit",
        ),
        pytest.param(
            {"crcl_ml_min": "", "creatinine_value": "150", "creatinine_unit": "umol/L"},
            "age",
            "Enter the patient’s age",
            id="creatinine-without-age",
        ),
        pytest.param(
            {"crcl_ml_min": "", "creatinine_value": "3000", "creatinine_unit": "umol/L", "age": "50"},
            "creatinine_value",
            "Enter a serum creatinine from 10 to 2000 µmol/L.",
            id="absurd-creatinine-umol",
        ),
        pytest.param(
            {"crcl_ml_min": "", "creatinine_value": "150", "creatinine_unit": "mg/dL"},
            "creatinine_value",
            "Enter a serum creatinine from 0.1 to 25 mg/dL.",
            id="creatinine-in-the-wrong-unit",
        ),
        pytest.param(
            {"crcl_ml_min": "", "creatinine_value": "0"},
            "creatinine_value",
            "Enter a serum creatinine above 0.",
            id="zero-creatinine",
        ),
        pytest.param(
            {"crcl_ml_min": "", "creatinine_value": "1", "creatinine_unit": "mg/dL", "age": "12", "weight_kg": "40"},
            "age",
            "Cockcroft–Gault is for adults (18 or over)",
            id="child",
        ),
        pytest.param({"weight_kg": "5"}, "weight_kg", "Enter a weight from 20 to 350 kg.", id="absurd-weight"),
        pytest.param(
            {"crcl_ml_min": "", "age": "60", "weight_kg": "70"},
            "creatinine_value",
            "Enter the serum creatinine to calculate CrCl from the weight given",
            id="weight-without-creatinine",
        ),
        pytest.param(
            {"conditions": ["epilepsy", "no-such-condition"]},
            "conditions_0",
            "is not a condition any precaution depends on",
            id="unknown-condition",
        ),
        pytest.param(
            {"current_medications": "\n".join(f"Medicine {n}" for n in range(101))},
            "current_medications",
            "Enter at most 100 medications",
            id="too-many-lines",
        ),
        pytest.param(
            {"current_medications": "Zestril\n" + "x" * 201},
            "current_medications",
            "Line 2: keep each line to 200 characters or fewer.",
            id="line-too-long",
        ),
    ],
)
def test_bad_answers_are_shown_in_the_error_summary_and_kept(clinician_client, overrides, field, message):
    response = clinician_client.post("/screening/", EXAMPLE_FORM | overrides)
    html = response.content.decode()
    assert response.status_code == 200
    assert not ScreeningRecord.objects.exists()
    assert "<title>Error: Check precautions" in html
    summary = html[html.index("There is a problem") : html.index("</ul>", html.index("There is a problem"))]
    assert f'href="#id_{field}"' in summary
    assert message in summary
    assert f'id="id_{field}"' in html  # the link has a target
    assert html.count(message) >= 2  # in the summary and next to the field
    assert h1_count(response) == 1
    # What was typed is kept.
    assert 'value="pregnant"' in html
    assert "Oxycodone 5 mg" in html or "current_medications" in overrides


def test_two_kidney_methods_mark_both_fields(clinician_client):
    html = clinician_client.post("/screening/", EXAMPLE_FORM | {"egfr": "40"}).content.decode()
    assert 'href="#id_crcl_ml_min"' in html and 'href="#id_egfr"' in html
    assert "(you gave CrCl and eGFR)" in html


def test_partial_creatinine_names_everything_missing(clinician_client):
    html = clinician_client.post(
        "/screening/", EXAMPLE_FORM | {"crcl_ml_min": "", "creatinine_value": "150"}
    ).content.decode()
    for anchor in ("creatinine_unit_0", "age", "weight_kg", "sex_0"):
        assert f'href="#id_{anchor}"' in html
    assert 'value="150"' in html


def test_the_csrf_token_is_required_for_the_form(shipped_content, clinician):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clinician)
    assert client.post("/screening/", EXAMPLE_FORM).status_code == 403
    client.get("/screening/")
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post("/screening/", EXAMPLE_FORM | {"csrfmiddlewaretoken": token})
    assert response.status_code == 302


# --- Query counts: fixed whatever the number of current medications -------------------------------------------------


# Every signed-in request also renews the session (SESSION_SAVE_EVERY_REQUEST): savepoint, update, release.
SESSION_RENEWAL = 3


@pytest.mark.parametrize("lines", [1, 30])
def test_queries_are_fixed_for_the_form_the_post_and_the_result(clinician_client, lines, django_assert_num_queries):
    names = ["Oxycodone 5 mg", "Zestril", "Amitriptyline 10 mg", "Sinemet", "Lioresal", "mystery pill"]
    text = "\n".join(f"{names[n % len(names)]}" for n in range(lines))
    screen(clinician_client, current_medications=text)  # at least one record in the recent list
    # session, user, the user's and the groups' permissions, medications, conditions, recent records
    with django_assert_num_queries(7 + SESSION_RENEWAL):
        assert clinician_client.get("/screening/?medication=baclofen").status_code == 200
    # session, user, permissions (2), form choices (2), screening data (1: the catalogue of names and baclofen's rules
    # were read by the screening above, for this content version), insert
    with django_assert_num_queries(8 + SESSION_RENEWAL):
        response = clinician_client.post("/screening/", EXAMPLE_FORM | {"current_medications": text})
    assert response.status_code == 302
    # session, user, permissions (2), the record
    with django_assert_num_queries(5 + SESSION_RENEWAL):
        assert clinician_client.get(response["Location"]).status_code == 200
    with django_assert_num_queries(5 + SESSION_RENEWAL):
        assert clinician_client.get(response["Location"] + "handout/").status_code == 200
