"""POST /api/screenings/: the screening as JSON, for a signed-in clinician (session and CSRF as Django does them).

The JSON is checked for types here and then bound to the same ScreeningForm as the HTML page, so every rule about
the answers is written once. Errors are {"errors": {field: [messages]}}, keyed by the API's own field names.
"""

import json
import math
import sys

from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from monographs.models import ScreeningRecord
from monographs.services.screening import MedicationNotScreenable, screening_create
from monographs.text import control_character_in, control_character_message

from .forms import ScreeningForm
from .snapshot import upgraded

NON_FIELD = "__all__"
# API field → the form fields it is bound to (errors on those fields are reported under the API's name).
FORM_FIELDS = {
    "medication": ("medication",),
    "pregnancy": ("pregnancy",),
    "breastfeeding": ("breastfeeding",),
    "crcl_ml_min": ("crcl_ml_min",),
    "creatinine": ("creatinine_value", "creatinine_unit"),
    "age": ("age",),
    "weight_kg": ("weight_kg",),
    "height_cm": ("height_cm",),
    "sex": ("sex",),
    "egfr": ("egfr",),
    "dialysis": ("dialysis",),
    "conditions": ("conditions",),
    "current_medications": ("current_medications",),
}
API_FIELD_FOR = {form_field: api_field for api_field, names in FORM_FIELDS.items() for form_field in names}
NUMBER_FIELDS = ("crcl_ml_min", "age", "weight_kg", "height_cm", "egfr")
TEXT_FIELDS = ("medication", "pregnancy", "sex")


def error_response(status: int, errors: dict[str, list[str]], **headers) -> JsonResponse:
    response = JsonResponse({"errors": errors}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _is_number(value) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def form_data(payload: dict) -> tuple[dict, dict[str, list[str]]]:
    """The JSON answers as form data, and the errors of the values whose JSON type is wrong."""
    data: dict = {}
    errors: dict[str, list[str]] = {}
    for name in sorted(set(payload) - set(FORM_FIELDS), key=str):
        errors[name] = [f"Unknown field. Known fields: {', '.join(FORM_FIELDS)}."]
    for name in TEXT_FIELDS:
        value = payload.get(name)
        if isinstance(value, str):
            data[name] = value
        elif value is not None:
            errors[name] = ["Give a string."]
    for name in NUMBER_FIELDS:
        value = payload.get(name)
        if _is_number(value):
            data[name] = repr(value)
        elif value is not None:
            errors[name] = ["Give a number (not text, true or false)."]
    for name in ("breastfeeding", "dialysis"):
        value = payload.get(name)
        if isinstance(value, bool):
            data[name] = ("yes" if value else "no") if name == "breastfeeding" else ("on" if value else "")
        elif value is not None:
            errors[name] = ["Give true or false."]
    creatinine = payload.get("creatinine")
    if isinstance(creatinine, dict) and set(creatinine) <= {"value", "unit"}:
        value, unit = creatinine.get("value"), creatinine.get("unit")
        if _is_number(value) and (unit is None or isinstance(unit, str)):
            data["creatinine_value"] = repr(value)
            data["creatinine_unit"] = unit or ""
        else:
            errors["creatinine"] = ['Give {"value": a number, "unit": "umol/L" or "mg/dL"}.']
    elif creatinine is not None:
        errors["creatinine"] = ['Give an object: {"value": 150, "unit": "umol/L"} (or "mg/dL").']
    conditions = payload.get("conditions")
    if isinstance(conditions, list) and all(isinstance(c, str) for c in conditions):
        data["conditions"] = conditions
    elif conditions is not None:
        errors["conditions"] = ["Give a list of condition slugs (strings)."]
    lines = payload.get("current_medications")
    if isinstance(lines, list) and all(
        isinstance(line, str) and "\n" not in line and "\r" not in line for line in lines
    ):
        data["current_medications"] = "\n".join(lines)
    elif lines is not None:
        errors["current_medications"] = ["Give a list of strings, one medication each, without line breaks."]
    return data, errors


def _form_errors(form: ScreeningForm, *, skip: set[str]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, messages in form.errors.items():
        api_name = API_FIELD_FOR.get(name, NON_FIELD)
        if api_name not in skip:
            errors.setdefault(api_name, []).extend(str(message) for message in messages)
    return errors


def api_result(record: ScreeningRecord) -> dict:
    """The stored snapshot in the shape of the JSON contract (text, not HTML). `complete` is false whenever a line
    could not be checked; each such line is in `unrecognised_medications`, with its `suggestions` (never applied)."""
    result = upgraded(record.result)
    flag_fields = ("title", "severity", "type", "about", "trigger", "patient_text", "clinician_text", "action")
    unrecognised = result["unrecognised_medications"]
    return {
        "id": str(record.pk),
        "medication": result["medication"]["slug"],
        "complete": result["complete"],
        "age": result["age"],
        "crcl_ml_min": result["crcl_ml_min"],
        "crcl_source": result["crcl_source"],
        "flags": [
            {name: flag[name] for name in flag_fields}
            | {
                "also": [{"title": a["title"], "severity": a["severity"]} for a in flag["also"]],
                "sources": flag["sources"],
            }
            for flag in result["flags"]
        ],
        "unrecognised_medications": [item["line"] for item in unrecognised],
        "suggestions": {item["line"]: [s["label"] for s in item["suggestions"]] for item in unrecognised},
        "not_checked": result["not_checked"],
        "notes": result["notes"],
    }


@never_cache
def create_screening(request):
    if request.method != "POST":
        return error_response(405, {NON_FIELD: ["Use POST."]}, Allow="POST")
    if not request.user.is_authenticated:
        return error_response(
            401,
            {NON_FIELD: ["Sign in as a clinician to use the screening API."]},
            WWW_Authenticate='Session realm="portal"',
        )
    if not request.user.has_perm("monographs.add_screeningrecord"):
        return error_response(403, {NON_FIELD: ["Only clinicians can run a screening."]})
    try:
        payload = json.loads(request.body)  # a body over DATA_UPLOAD_MAX_MEMORY_SIZE: portal.errors answers JSON
    except json.JSONDecodeError as error:
        return error_response(400, {NON_FIELD: [f"The body is not valid JSON: {error.msg} (character {error.pos})."]})
    except UnicodeDecodeError:
        return error_response(400, {NON_FIELD: ["The body must be JSON encoded as UTF-8."]})
    except ValueError:  # an integer longer than Python will convert (sys.set_int_max_str_digits)
        digits = sys.get_int_max_str_digits()
        return error_response(400, {NON_FIELD: [f"A number in the body is too long: use at most {digits} digits."]})
    except RecursionError:
        return error_response(400, {NON_FIELD: ["The body is nested too deeply to read."]})
    if not isinstance(payload, dict):
        return error_response(400, {NON_FIELD: ["The body must be a JSON object, not a list or a single value."]})
    data, type_errors = form_data(payload)
    for name, value in payload.items():
        if found := control_character_in([name, value]):
            type_errors[name] = [control_character_message(found)]
    form = ScreeningForm(data)
    if form.is_valid() and not type_errors:
        try:
            record = screening_create(clinician=request.user, **form.screening_answers())
        except MedicationNotScreenable:
            form.medication_no_longer_published()
        else:
            response = JsonResponse(api_result(record), status=201)
            response["Location"] = record.get_absolute_url()
            return response
    return error_response(400, type_errors | _form_errors(form, skip=set(type_errors)))
