"""The screening questionnaire. Its validation is written once: the HTML form and the JSON API both bind it."""

from typing import Any, cast

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from monographs.text import split_lines, validate_no_control_characters

from . import engine, identifiers, selectors
from .fields import MeasureField, WholeNumberField, range_messages, readable
from .layout import questionnaire_layout

MAX_LINES = 100
MAX_LINE_LENGTH = 200
CRCL_RANGE = (0, 250)
EGFR_RANGE = (0, 200)
AGE_RANGE = (0, 120)
ADULT_AGE = 18
WEIGHT_RANGE = (20, 350)
HEIGHT_RANGE = (100, 250)
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
PREGNANT_ANSWERS = (engine.PREGNANT, engine.PLANNING)
COCKCROFT_GAULT_FIELDS = ("creatinine_unit", "age", "weight_kg", "sex", "height_cm")


class ScreeningForm(forms.Form):
    medication = forms.ChoiceField(
        label="Medication being considered",
        error_messages={
            "required": "Choose the medication being considered.",
            "invalid_choice": "“%(value)s” is not a published medication: choose one from the list.",
        },
    )
    age = WholeNumberField(
        label="Age in years",
        required=False,
        min_value=AGE_RANGE[0],
        max_value=AGE_RANGE[1],
        units=("years", "year", "yrs", "yr", "y"),
        what="the age",
        help_text="Checks the precautions for older adults, and is used to calculate CrCl.",
        error_messages={
            "min_value": "Enter an age from 0 to 120 years.",
            "max_value": "Enter an age from 0 to 120 years.",
            "invalid": "Enter the age as a whole number of years, like 64.",
        },
    )
    sex = forms.ChoiceField(
        label="Sex",
        choices=SEX_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        help_text="Used to calculate CrCl, and to check the pregnancy answers.",
        error_messages={"invalid_choice": "“%(value)s” is not an answer: use female or male."},
    )
    pregnancy = forms.ChoiceField(
        label="Is the patient pregnant?",
        choices=PREGNANCY_CHOICES,
        required=False,
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
    crcl_ml_min = MeasureField(
        label="Creatinine clearance (CrCl), mL/min",
        required=False,
        min_value=CRCL_RANGE[0],
        max_value=CRCL_RANGE[1],
        units=("ml/min",),
        what="the CrCl",
        error_messages=range_messages("a CrCl", *CRCL_RANGE, "mL/min"),
    )
    creatinine_value = MeasureField(
        label="Serum creatinine",
        required=False,
        what="the serum creatinine",
        error_messages={"invalid": "Enter the serum creatinine as a number, like 90."},
    )
    creatinine_unit = forms.ChoiceField(
        label="Unit of the serum creatinine",
        choices=UNIT_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "“%(value)s” is not a unit: use umol/L or mg/dL."},
    )
    weight_kg = MeasureField(
        label="Weight in kg",
        required=False,
        min_value=WEIGHT_RANGE[0],
        max_value=WEIGHT_RANGE[1],
        units=("kg", "kgs", "kilograms", "kilos"),
        what="the weight",
        error_messages=range_messages("a weight", *WEIGHT_RANGE, "kg"),
    )
    height_cm = MeasureField(
        label="Height in cm (optional)",
        required=False,
        min_value=HEIGHT_RANGE[0],
        max_value=HEIGHT_RANGE[1],
        units=("cm", "centimetres", "centimeters"),
        what="the height",
        help_text="With a height, a weight over 120% of ideal body weight is adjusted (the result says so).",
        error_messages=range_messages("a height", *HEIGHT_RANGE, "cm"),
    )
    egfr = MeasureField(
        label="eGFR, mL/min/1.73 m²",
        required=False,
        min_value=EGFR_RANGE[0],
        max_value=EGFR_RANGE[1],
        units=("ml/min/1.73m2", "ml/min/1.73 m2", "ml/min/1.73 m²", "ml/min"),
        what="the eGFR",
        help_text="Used in place of CrCl; the result says so.",
        error_messages=range_messages("an eGFR", *EGFR_RANGE, "mL/min/1.73 m²"),
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
        validators=[readable, validate_no_control_characters],
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
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = questionnaire_layout(has_conditions=bool(shown))

    def _chosen_medication(self) -> str | None:
        value = self.data.get("medication") if self.is_bound else self.initial.get("medication")
        return value if isinstance(value, str) and value in self.medication_names else None

    # --- Validation ---------------------------------------------------------------------------------------------

    def clean_creatinine_value(self) -> float | None:
        value = self.cleaned_data["creatinine_value"]
        if value is not None and value <= 0:
            raise ValidationError("Enter a serum creatinine above 0.", code="min_value")
        return value

    def clean_current_medications(self) -> list[str]:
        text = self.cleaned_data["current_medications"]
        numbered = [(number, line.strip()) for number, line in enumerate(split_lines(text), 1) if line.strip()]
        errors = identifiers.identifier_errors(numbered)
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
        elif not given and not self._has_errors(*KIDNEY_METHOD_FIELDS) and self._given(data, "weight_kg", "height_cm"):
            self.add_error(
                "creatinine_value",
                "Enter the serum creatinine to calculate CrCl from the weight given, or clear the weight and height.",
            )
        self._check_sex_and_pregnancy(data)
        return data

    def _check_sex_and_pregnancy(self, data: dict) -> None:
        """A male patient is neither pregnant nor breastfeeding, and is not asked; anyone else must be asked."""
        male = data.get("sex") == engine.MALE
        if male and data.get("pregnancy") in PREGNANT_ANSWERS:
            self.add_error(
                "pregnancy", "The sex is given as male, so the patient cannot be pregnant: correct one of the answers."
            )
        elif male and data.get("breastfeeding") == "yes":
            self.add_error(
                "breastfeeding",
                "The sex is given as male, so the patient cannot be breastfeeding: correct one of the answers.",
            )
        elif not male and not data.get("pregnancy") and "pregnancy" not in self.errors:
            self.add_error("pregnancy", "Choose whether the patient is pregnant (or “Not applicable”).")

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
        if data.get("age") is not None and data["age"] < ADULT_AGE and "age" not in self.errors:
            self.add_error(
                "age",
                "Cockcroft–Gault is for adults (18 or over): for a younger patient, give a CrCl or eGFR instead of "
                "the serum creatinine.",
            )
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
            height_cm=data.get("height_cm"),
        )

    def to_answers(self) -> engine.Answers:
        data = self.cleaned_data
        return engine.Answers(
            age=data.get("age"),
            sex=data.get("sex") or None,
            pregnancy=data["pregnancy"] or engine.PREGNANCY_NOT_APPLICABLE,
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
            "pregnancy": data["pregnancy"] or engine.PREGNANCY_NOT_APPLICABLE,
            "breastfeeding": data["breastfeeding"] == "yes",
            "crcl_ml_min": data["crcl_ml_min"],
            "creatinine": creatinine,
            "age": data["age"],
            "weight_kg": data["weight_kg"],
            "height_cm": data["height_cm"],
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
            ["Age", "Not given" if data["age"] is None else f"{data['age']} years"],
            ["Sex", dict(SEX_CHOICES).get(data["sex"], "Not given")],
            ["Pregnancy", dict(PREGNANCY_CHOICES)[data["pregnancy"] or engine.PREGNANCY_NOT_APPLICABLE]],
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
                + ("" if data["height_cm"] is None else f"; height {data['height_cm']:g} cm")
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
