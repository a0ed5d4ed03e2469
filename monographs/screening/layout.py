"""The questionnaire's layout: the scope first, then the patient (age and sex, which several answers use), then
pregnancy, kidney function, conditions and current medications."""

from crispy_forms.layout import HTML, Div, Layout

from .notes import GENERAL_SCOPE


def questionnaire_layout(*, has_conditions: bool) -> Layout:
    return Layout(
        HTML(f'<p class="screening-scope">{GENERAL_SCOPE}</p>'),
        HTML('<h2 class="h4 mt-4">Medication</h2>'),
        "medication",
        HTML('<h2 class="h4 mt-4">Patient</h2>'),
        "age",
        "sex",
        HTML('<h2 class="h4 mt-4">Pregnancy and breastfeeding</h2>'),
        "pregnancy",
        "breastfeeding",
        HTML(
            '<h2 class="h4 mt-4">Kidney function</h2>'
            "<p>Give one of: CrCl; or serum creatinine with weight (and the age and sex above), to calculate "
            "CrCl by Cockcroft–Gault; or eGFR. Leave them all blank if kidney function is not known.</p>"
        ),
        "crcl_ml_min",
        Div(
            HTML('<h3 class="h5">Or calculate CrCl from serum creatinine (Cockcroft–Gault)</h3>'),
            "creatinine_value",
            "creatinine_unit",
            "weight_kg",
            "height_cm",
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
