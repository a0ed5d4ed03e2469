"""Fields computed from what a pharmacist wrote: sanitised HTML from Markdown and readability figures. Done once, on
write, so a reader never pays for them."""

from django.db import models

from monographs.markdown import render_markdown
from monographs.models import ClinicalWarning, Condition, LeafletSection, ReadabilityFields, Use
from monographs.readability import measure

# Model → (Markdown field, its HTML field) pairs.
MARKDOWN_FIELDS: dict[type[models.Model], tuple[tuple[str, str], ...]] = {
    Condition: (("description", "description_html"),),
    Use: (("how_it_helps", "how_it_helps_html"),),
    LeafletSection: (("body", "body_html"),),
    ClinicalWarning: (
        ("patient_text", "patient_html"),
        ("clinician_text", "clinician_html"),
        ("action", "action_html"),
    ),
}
# Model → the field whose patient text is scored for readability.
READABILITY_FIELD: dict[type[models.Model], str] = {
    Use: "how_it_helps",
    LeafletSection: "body",
    ClinicalWarning: "patient_text",
}


def render_derived_fields(obj: models.Model) -> None:
    """Fill the HTML and readability fields of obj from its text (in memory; the caller saves)."""
    for text_field, html_field in MARKDOWN_FIELDS.get(type(obj), ()):
        setattr(obj, html_field, render_markdown(getattr(obj, text_field)))
    scored = READABILITY_FIELD.get(type(obj))
    if scored is not None and isinstance(obj, ReadabilityFields):
        figures = measure(getattr(obj, scored))
        if figures.scorable:
            obj.reading_grade, obj.reading_ease, obj.smog = figures.grade, figures.ease, figures.smog
        else:  # too short to score (readability.MIN_WORDS_TO_SCORE): the formulas would measure noise
            obj.reading_grade = obj.reading_ease = obj.smog = None
