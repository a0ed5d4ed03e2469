"""The screening questionnaire. Its validation is written once: the HTML form and the JSON API both bind it."""

from typing import Any, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Layout
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from . import engine, selectors

MAX_LINES = 100
MAX_LINE_LENGTH = 200
CRCL_RANGE = (0, 250)
EGFR_RANGE = (0, 200)
AGE_RANGE = (18, 120)
WEIGHT_RANGE = (20, 350)
CREATININE_RANGES = {engine.UMOL_L: (10, 2000), engine.MG_DL: (0.1, 25)}

PREGNANCY_CHOICES = [
    (engine.NOT_PREGNANT, "Not pregnant"),
    (engine.PREGNANT, "Pregnant"),
    (engine.PLANNING, "Planning a pregnancy"),
    (engine.PREGNANCY_NOT_APPLICABLE, "Not applicable"),
]
YES_NO_CHOICES = [("no", "No"), ("yes", "Yes")]
SEX_CHOICES = [(engine.FEMALE, "Female"), (engine.MALE, "Male")]
UNIT_CHOICES = [(engine.UMOL_L, "µmol/L"), (engine.MG_DL, "mg/dL")]
UNIT_LABELS = dict(UNIT_CHOICES)
KIDNEY_METHOD_FIELDS = {"crcl_ml_min": "CrCl", "creatinine_value": "serum creatinine", "egfr": "eGFR"}
COCKCROFT_GAULT_FIELDS = ("creatinine_unit", "age", "weight_kg", "sex")


def _readable(value: str) -> None:
    # JSON can carry lone surrogates, which no database can store.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError("This contains characters that cannot be read: retype it.", code="unreadable") from None


def _number_input() -> forms.TextInput:
    # A text input with a numeric keyboard: browsers' number inputs change values on scroll and reject "42,5" silently.
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"})


def _range_messages(what: str, low: float, high: float, unit: str = "") -> dict[str, str]:
    suffix = f" {unit}" if unit else ""
    message = f"Enter {what} from {low:g} to {high:g}{suffix}."
    return {
        "min_value": message,
        "max_value": message,
        "invalid": f"Enter {what} as a number, like {high / 4:g}.",
    }


class ScreeningForm(forms.Form):
    medication = forms.ChoiceField(
        label="Medication being considered",
        error_messages={
            "required": "Choose the medication being considered.",
            "invalid_choice": "“%(value)s” is not a published medication: choose one from the list.",
        },
    )
    pregnancy = forms.ChoiceField(
        label="Is the patient pregnant?",
        choices=PREGNANCY_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether the patient is pregnant (or “Not applicable”).",
            "invalid_choice": "“%(value)s” is not an answer: use not_pregnant, pregnant, planning or not_applicable.",
        },
    )
    breastfeeding = forms.ChoiceField(
        label="Is the patient breastfeeding?",
        choices=YES_NO_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether the patient is breastfeeding.",
            "invalid_choice": "Answer yes or no.",
        },
    )
    crcl_ml_min = forms.FloatField(
        label="Creatinine clearance (CrCl), mL/min",
        required=False,
        min_value=CRCL_RANGE[0],
        max_value=CRCL_RANGE[1],
        widget=_number_input(),
        error_messages=_range_messages("a CrCl", *CRCL_RANGE, "mL/min"),
    )
    creatinine_value = forms.FloatField(
        label="Serum creatinine",
        required=False,
        widget=_number_input(),
        error_messages={"invalid": "Enter the serum creatinine as a number, like 90."},
    )
    creatinine_unit = forms.ChoiceField(
        label="Unit of the serum creatinine",
        choices=UNIT_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "“%(value)s” is not a unit: use umol/L or mg/dL."},
    )
    age = forms.IntegerField(
        label="Age in years",
        required=False,
        min_value=AGE_RANGE[0],
        max_value=AGE_RANGE[1],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text="Adults only: Cockcroft–Gault is for adults (18 or over).",
        error_messages={
            "min_value": "Enter an age from 18 to 120: Cockcroft–Gault is for adults only.",
            "max_value": "Enter an age from 18 to 120: Cockcroft–Gault is for adults only.",
            "invalid": "Enter the age as a whole number of years, like 64.",
        },
    )
    weight_kg = forms.FloatField(
        label="Weight in kg",
        required=False,
        min_value=WEIGHT_RANGE[0],
        max_value=WEIGHT_RANGE[1],
        widget=_number_input(),
        error_messages=_range_messages("a weight", *WEIGHT_RANGE, "kg"),
    )
    sex = forms.ChoiceField(
        label="Sex (for Cockcroft–Gault)",
        choices=SEX_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "“%(value)s” is not an answer: use female or male."},
    )
    egfr = forms.FloatField(
        label="eGFR, mL/min/1.73 m²",
        required=False,
        min_value=EGFR_RANGE[0],
        max_value=EGFR_RANGE[1],
        widget=_number_input(),
        help_text="Used in place of CrCl; the result says so.",
        error_messages=_range_messages("an eGFR", *EGFR_RANGE, "mL/min/1.73 m²"),
    )
    dialysis = forms.BooleanField(label="The patient is on dialysis", required=False)
    conditions = forms.MultipleChoiceField(
        label="Does the patient have any of these conditions?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "“%(value)s” is not a condition any precaution depends on: choose from the list.",
            "invalid_list": "Give the conditions as a list.",
        },
    )
    current_medications = forms.CharField(
        label="Current medications",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=(
            f"One per line, as written on the prescription: “Oxycodone 5mg bd”, “Zestril”. "
            f"Up to {MAX_LINES} lines of {MAX_LINE_LENGTH} characters."
        ),
        validators=[_readable],
    )

    def __init__(self, *args, initial_medication: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        medications = selectors.screenable_medications()
        self.medication_names = dict(medications)
        cast(forms.ChoiceField, self.fields["medication"]).choices = [("", "Choose a medication"), *medications]
        if initial_medication in self.medication_names:
            self.initial["medication"] = initial_medication

        triggers = selectors.condition_triggers()
        self.condition_names = {slug: name for _, slug, name in triggers}
        # Any condition of a published medication's warnings is a valid answer; those of the chosen medication are
        # the ones shown (all of them until a medication is chosen).
        cast(forms.MultipleChoiceField, self.fields["conditions"]).choices = list(self.condition_names.items())
        chosen = self._chosen_medication()
        shown = {slug: name for medication, slug, name in triggers if chosen in (None, medication)}
        self.fields["conditions"].widget.choices = list(shown.items())
        self.helper = self._helper(has_conditions=bool(shown))

    def _chosen_medication(self) -> str | None:
        value = self.data.get("medication") if self.is_bound else self.initial.get("medication")
        return value if isinstance(value, str) and value in self.medication_names else None

    def _helper(self, *, has_conditions: bool) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.layout = Layout(
            HTML('<h2 class="h4 mt-4">Medication</h2>'),
            "medication",
            HTML('<h2 class="h4 mt-4">Pregnancy and breastfeeding</h2>'),
            "pregnancy",
            "breastfeeding",
            HTML(
                '<h2 class="h4 mt-4">Kidney function</h2>'
                "<p>Give one of: CrCl; or serum creatinine with age, weight and sex, to calculate CrCl by "
                "Cockcroft–Gault; or eGFR. Leave them all blank if kidney function is not known.</p>"
            ),
            "crcl_ml_min",
            Div(
                HTML('<h3 class="h5">Or calculate CrCl from serum creatinine (Cockcroft–Gault)</h3>'),
                "creatinine_value",
                "creatinine_unit",
                "age",
                "weight_kg",
                "sex",
                css_class="screening-cockcroft-gault",
            ),
            HTML('<h3 class="h5">Or give eGFR</h3>'),
            "egfr",
            "dialysis",
            HTML('<h2 class="h4 mt-4">Other conditions</h2>'),
            "conditions"
            if has_conditions
            else HTML("<p>No precaution of this medication depends on another condition.</p>"),
            HTML('<h2 class="h4 mt-4">Current medications</h2>'),
            "current_medications",
        )
        return helper

    # --- Validation ---------------------------------------------------------------------------------------------

    def clean_creatinine_value(self) -> float | None:
        value = self.cleaned_data["creatinine_value"]
        if value is not None and value <= 0:
            raise ValidationError("Enter a serum creatinine above 0.", code="min_value")
        return value

    def clean_current_medications(self) -> list[str]:
        text = self.cleaned_data["current_medications"]
        numbered = [(number, line.strip()) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
        errors = []
        if len(numbered) > MAX_LINES:
            errors.append(f"Enter at most {MAX_LINES} medications, one per line (you entered {len(numbered)}).")
        too_long = [str(number) for number, line in numbered if len(line) > MAX_LINE_LENGTH]
        if too_long:
            which = "Line " + too_long[0] if len(too_long) == 1 else "Lines " + ", ".join(too_long[:10])
            errors.append(f"{which}: keep each line to {MAX_LINE_LENGTH} characters or fewer.")
        if errors:
            raise ValidationError(errors)
        return [line for _, line in numbered]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        given = [name for name in KIDNEY_METHOD_FIELDS if data.get(name) is not None]
        if len(given) > 1:
            names = " and ".join(KIDNEY_METHOD_FIELDS[name] for name in given)
            for name in given:
                self.add_error(
                    name,
                    "Give kidney function one way only: CrCl, or serum creatinine with age, weight and sex, or eGFR "
                    f"(you gave {names}).",
                )
        elif given == ["creatinine_value"]:
            self._check_cockcroft_gault(data)
        elif not given and not self._has_errors(*KIDNEY_METHOD_FIELDS) and self._given(data, "age", "weight_kg"):
            self.add_error(
                "creatinine_value",
                "Enter the serum creatinine to calculate CrCl from the age and weight given, or clear age and weight.",
            )
        return data

    def _has_errors(self, *names: str) -> bool:
        return any(name in self.errors for name in names)

    @staticmethod
    def _given(data: dict, *names: str) -> bool:
        return any(data.get(name) not in (None, "") for name in names)

    def _check_cockcroft_gault(self, data: dict) -> None:
        missing = {
            "creatinine_unit": "Choose the unit of the serum creatinine (µmol/L or mg/dL).",
            "age": "Enter the patient’s age: it is needed with the serum creatinine to calculate CrCl.",
            "weight_kg": "Enter the patient’s weight in kg: it is needed with the serum creatinine to calculate CrCl.",
            "sex": "Choose the patient’s sex: it is needed with the serum creatinine to calculate CrCl.",
        }
        for name, message in missing.items():
            if not self._given(data, name) and name not in self.errors:
                self.add_error(name, message)
        value, unit = data["creatinine_value"], data.get("creatinine_unit")
        if unit:
            low, high = CREATININE_RANGES[unit]
            if not low <= value <= high:
                self.add_error(
                    "creatinine_value", f"Enter a serum creatinine from {low:g} to {high:g} {UNIT_LABELS[unit]}."
                )
                return
        if self._has_errors("creatinine_value", *COCKCROFT_GAULT_FIELDS):
            return
        crcl = engine.kidney_function(self._kidney_answers(data)).crcl_ml_min
        if crcl is not None and crcl > CRCL_RANGE[1]:
            self.add_error(
                "creatinine_value",
                f"The CrCl calculated from these answers is {crcl:g} mL/min, which is not plausible (over "
                f"{CRCL_RANGE[1]}): check the serum creatinine, its unit, the age and the weight.",
            )

    # --- The answers, cleaned ------------------------------------------------------------------------------------

    @staticmethod
    def _kidney_answers(data: dict) -> engine.KidneyAnswers:
        creatinine = None
        if data.get("creatinine_value") is not None:
            creatinine = engine.Creatinine(value=data["creatinine_value"], unit=data["creatinine_unit"])
        return engine.KidneyAnswers(
            crcl_ml_min=data.get("crcl_ml_min"),
            creatinine=creatinine,
            age_years=data.get("age"),
            weight_kg=data.get("weight_kg"),
            sex=data.get("sex") or None,
            egfr=data.get("egfr"),
            dialysis=bool(data.get("dialysis")),
        )

    def to_answers(self) -> engine.Answers:
        data = self.cleaned_data
        return engine.Answers(
            pregnancy=data["pregnancy"],
            breastfeeding=data["breastfeeding"] == "yes",
            kidney=self._kidney_answers(data),
            conditions=frozenset(data["conditions"]),
            current_medications=tuple(data["current_medications"]),
        )

    def answers_json(self) -> dict:
        """The cleaned answers in the API's shape: what the ScreeningRecord keeps."""
        data = self.cleaned_data
        creatinine = None
        if data["creatinine_value"] is not None:
            creatinine = {"value": data["creatinine_value"], "unit": data["creatinine_unit"]}
        return {
            "medication": data["medication"],
            "pregnancy": data["pregnancy"],
            "breastfeeding": data["breastfeeding"] == "yes",
            "crcl_ml_min": data["crcl_ml_min"],
            "creatinine": creatinine,
            "age": data["age"],
            "weight_kg": data["weight_kg"],
            "sex": data["sex"] or None,
            "egfr": data["egfr"],
            "dialysis": data["dialysis"],
            "conditions": list(data["conditions"]),
            "current_medications": list(data["current_medications"]),
        }

    def answers_summary(self) -> list[list[str]]:
        """The answers in words, as the result page shows them: [question, answer] pairs."""
        data = self.cleaned_data
        conditions = [self.condition_names[slug] for slug in data["conditions"]]
        return [
            ["Medication being considered", self.medication_names[data["medication"]]],
            ["Pregnancy", dict(PREGNANCY_CHOICES)[data["pregnancy"]]],
            ["Breastfeeding", dict(YES_NO_CHOICES)[data["breastfeeding"]]],
            ["Kidney function", self._kidney_in_words(data)],
            ["On dialysis", "Yes" if data["dialysis"] else "No"],
            ["Other conditions", ", ".join(conditions) or "None ticked"],
            ["Current medications", "; ".join(data["current_medications"]) or "None given"],
        ]

    @staticmethod
    def _kidney_in_words(data: dict) -> str:
        if data["crcl_ml_min"] is not None:
            return f"CrCl {data['crcl_ml_min']:g} mL/min"
        if data["egfr"] is not None:
            return f"eGFR {data['egfr']:g} mL/min/1.73 m²"
        if data["creatinine_value"] is not None:
            return (
                f"Serum creatinine {data['creatinine_value']:g} {UNIT_LABELS[data['creatinine_unit']]}; "
                f"age {data['age']}; weight {data['weight_kg']:g} kg; {data['sex']}"
            )
        return "Not given"

    def error_summary(self) -> list[dict[str, str]]:
        """Every error with the id of the input it belongs to, in the order of the form (the GOV.UK summary)."""
        items = []
        for name in [*self.fields, NON_FIELD_ERRORS]:
            if name not in self.errors:
                continue
            if name == NON_FIELD_ERRORS:
                anchor = "screening-form"
            else:
                field = self[name]
                grouped = isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
                anchor = f"{field.auto_id}_0" if grouped else field.auto_id
            items += [{"anchor": anchor, "message": str(message)} for message in self.errors[name]]
        return items

    def screening_answers(self) -> dict:
        """The keyword arguments of services.screening.screening_create for these cleaned answers."""
        return {
            "medication_slug": self.cleaned_data["medication"],
            "answers": self.to_answers(),
            "answers_record": self.answers_json(),
            "summary": self.answers_summary(),
        }

    def medication_no_longer_published(self) -> None:
        self.add_error("medication", "This medication is no longer published: choose another.")
