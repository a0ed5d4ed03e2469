"""The forms of the leaflet editor: one part of a draft at a time (its details, a use, a section or a warning), so
every page stays small whatever the size of the leaflet. Each form is the model's own form on an unsaved row, so the
model's rules (choices, lengths, a trigger's fields, patient text) give their errors next to the field; the draft's
document is what it changes, never a live row."""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import Case, Value, When
from django.urls import reverse

from monographs.content_io.rows import TRIGGER_FIELDS
from monographs.models import (
    ClinicalWarning,
    Condition,
    DrugClass,
    LeafletSection,
    Medication,
    Product,
    SectionKind,
    Source,
    Use,
)

from .forms import MARKDOWN_FIELDS, PATIENT_FIELDS

TRIGGER_KEYS = TRIGGER_FIELDS  # a trigger's key in a document → the model field

REASON_HELP = "Recorded in the leaflet's history, e.g. 'Updated dose from the 2026 label'."
RELATED: dict[str, Any] = {"trigger_condition": Condition, "trigger_class": DrugClass, "trigger_medication": Medication}


def plain_number(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


class ReasonField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            max_length=100,
            label="Reason for this change",
            help_text=REASON_HELP,
            error_messages={"required": "Say why you are making this change: it is kept in the history."},
            **kwargs,
        )


def sources_field() -> forms.ModelMultipleChoiceField:
    """Sources as checkboxes (a search box filters them, js/admin-leaflet-editor.js): one click never clears the
    others, as a multiple select's plain click does."""
    return forms.ModelMultipleChoiceField(
        queryset=Source.objects.order_by("title"),
        to_field_name="key",
        widget=forms.CheckboxSelectMultiple(attrs={"class": "source-choices"}),
        label="Sources",
        help_text="Tick every source this text is written from.",
        error_messages={"required": "Tick at least one source: every clinical fact cites where it comes from."},
    )


class PartForm(forms.ModelForm):
    """A model form on an unsaved row built from one part of the draft's document. Uniqueness across the leaflet is
    the document check's job (services.revisions), so the database is not asked here."""

    reason = ReasonField()
    remove = forms.BooleanField(required=False, label="Remove this from the leaflet")

    def __init__(self, *args, medication: Medication, part: dict | None, **kwargs):
        self.medication = medication
        self.part = part
        kwargs["instance"] = self.build_instance(part or {})
        super().__init__(*args, **kwargs)
        if part is None:
            del self.fields["remove"]
        elif "sources" in self.fields:
            self.initial["sources"] = list(part.get("sources", []))
        if "sources" in self.fields:  # the ticked ones first, so the editor sees what the text cites
            chosen = Case(When(key__in=self.initial.get("sources", []), then=Value(0)), default=Value(1))
            sources: Any = self.fields["sources"]
            sources.queryset = Source.objects.annotate(chosen=chosen).order_by("chosen", "title")
        for name, field in self.fields.items():
            if name in MARKDOWN_FIELDS and isinstance(field.widget, forms.Textarea):
                field.widget.attrs.update(
                    {
                        "data-markdown-preview": "patient" if name in PATIENT_FIELDS else "clinician",
                        "data-preview-url": reverse("admin:monographs_markdown_preview"),
                        "rows": 6,
                    }
                )

    def build_instance(self, part: dict):
        raise NotImplementedError

    def to_part(self) -> dict:
        raise NotImplementedError

    def validate_unique(self):
        pass

    def validate_constraints(self):
        pass

    def full_clean(self):
        super().full_clean()
        if self.is_bound and self.cleaned_data.get("remove"):
            # Removing: the part's own values no longer matter, only the reason does.
            for name in [name for name in self.errors if name != "reason"]:
                del self.errors[name]

    def _sources(self) -> list[str]:
        return sorted(source.key for source in self.cleaned_data.get("sources", []))


class SectionForm(PartForm):
    sources = sources_field()

    class Meta:
        model = LeafletSection
        fields = ["kind", "body", "sources"]
        labels = {"kind": "Section", "body": "What patients read"}

    def __init__(self, *args, taken_kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        if self.part is not None:
            del self.fields["kind"]  # a section is edited in place; its kind is its place in the leaflet
        else:
            kind: Any = self.fields["kind"]
            kind.choices = [(k, label) for k, label in SectionKind.choices if k not in taken_kinds]

    def build_instance(self, part):
        return LeafletSection(medication=self.medication, kind=part.get("kind", ""), body=part.get("body", ""))

    def to_part(self) -> dict:
        kind = self.part["kind"] if self.part is not None else self.cleaned_data["kind"]
        return {"kind": kind, "body": self.cleaned_data["body"], "sources": self._sources()}


class UseForm(PartForm):
    condition = forms.ModelChoiceField(queryset=Condition.objects.order_by("name"), to_field_name="slug")
    sources = sources_field()

    class Meta:
        model = Use
        fields = ["condition", "status", "how_it_helps", "sources"]
        labels = {"how_it_helps": "How it helps (what patients read)", "status": "Licensed or off-label"}

    def build_instance(self, part):
        condition = Condition.objects.filter(slug=part.get("condition")).first()
        return Use(
            medication=self.medication,
            condition=condition,
            status=part.get("status", ""),
            how_it_helps=part.get("how_it_helps", ""),
        )

    def to_part(self) -> dict:
        data = self.cleaned_data
        return {
            "condition": data["condition"].slug,
            "status": data["status"],
            "how_it_helps": data["how_it_helps"],
            "sources": self._sources(),
        }


WARNING_PLAIN = [
    "key",
    "type",
    "severity",
    "title",
    "section",
    "urgent",
    "frequency",
    "frequency_note",
    "frequency_percent_min",
    "frequency_percent_max",
    "patient_text",
    "clinician_text",
    "action",
]


class WarningForm(PartForm):
    sources = sources_field()

    class Meta:
        model = ClinicalWarning
        fields = [
            "key",
            "title",
            "type",
            "severity",
            "section",
            "urgent",
            "trigger_kind",
            "trigger_condition",
            "trigger_class",
            "trigger_medication",
            "age_min",
            "age_max",
            "crcl_min",
            "crcl_min_inclusive",
            "crcl_max",
            "crcl_max_inclusive",
            "frequency",
            "frequency_note",
            "frequency_percent_min",
            "frequency_percent_max",
            "patient_text",
            "clinician_text",
            "action",
            "sources",
        ]
        labels = {
            "key": "Key",
            "type": "Kind of warning",
            "section": "Shown in the leaflet section",
            "urgent": "Also list it under 'Get help now'",
            "trigger_kind": "Applies when",
            "trigger_condition": "Condition",
            "trigger_class": "Class of medicines",
            "trigger_medication": "Medicine",
            "age_min": "Age from (years, included)",
            "age_max": "Age under (years)",
            "crcl_min": "CrCl from (mL/min)",
            "crcl_min_inclusive": "Include 'CrCl from' itself",
            "crcl_max": "CrCl to (mL/min)",
            "crcl_max_inclusive": "Include 'CrCl to' itself",
            "frequency": "How common (side effects)",
            "frequency_note": "Frequency note",
            "frequency_percent_min": "Seen in at least (% of people)",
            "frequency_percent_max": "Seen in at most (% of people)",
            "patient_text": "What patients read",
            "clinician_text": "Why it matters (for clinicians)",
            "action": "What to do (for clinicians)",
        }
        help_texts = {"key": "Lowercase words joined by hyphens, e.g. 'opioids'. Never change it once published."}

    def __init__(self, *args, admin_site=None, **kwargs):
        super().__init__(*args, **kwargs)
        medication: Any = self.fields["trigger_medication"]
        medication.queryset = Medication.objects.order_by("name").only("pk", "name")
        if admin_site is not None:  # typed and looked up, as in the admin: a thousand options were most of the page
            field = ClinicalWarning._meta.get_field("trigger_medication")
            medication.widget = AutocompleteSelect(field, admin_site, choices=medication.choices)
            medication.widget.is_required = medication.required
        if self.part is not None:
            self.fields["key"].disabled = True  # the screening's records and the history know a warning by its key

    def build_instance(self, part):
        trigger = part.get("trigger") or {}
        values: dict[str, Any] = {name: part[name] for name in WARNING_PLAIN if part.get(name) is not None}
        for key, name in TRIGGER_KEYS.items():
            value = trigger.get(key)
            if value is None:
                continue
            if name in RELATED:
                values[name] = RELATED[name]._default_manager.filter(slug=value).first()
            else:
                values[name] = value
        return ClinicalWarning(medication=self.medication, **values)

    def to_part(self) -> dict:
        data = self.cleaned_data
        part = {name: plain_number(data.get(name)) for name in WARNING_PLAIN}
        part["key"] = self.part["key"] if self.part is not None else data["key"]
        part["trigger"] = {
            key: (getattr(data.get(name), "slug", None) if name in RELATED else plain_number(data.get(name)))
            for key, name in TRIGGER_KEYS.items()
        }
        part["sources"] = self._sources()
        return part


PRODUCT_FORMS = ", ".join(Product.Form.values)


class DetailsForm(PartForm):
    """The medication's own words and names, and its products, one per line."""

    classes = forms.ModelMultipleChoiceField(
        queryset=DrugClass.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "source-choices"}),
        label="Classes",
        help_text="The classes other medicines' interaction rules name. Tick each one it belongs to.",
    )
    brands = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), label="Brand names", help_text="One per line."
    )
    synonyms = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Other generic names",
        help_text="One per line, e.g. 'Acetaminophen' for paracetamol.",
    )
    products = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Products",
        help_text=f"One per line: name | form | strength. Forms: {PRODUCT_FORMS}.",
    )
    sources = sources_field()

    class Meta:
        model = Medication
        fields = ["name", "slug", "summary", "atc_code", "rxnorm_code", "classes", "sources"]
        labels = {"atc_code": "ATC code", "rxnorm_code": "RxNorm code", "summary": "Summary (one plain sentence)"}

    def __init__(self, *args, slug_locked: bool, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["remove"]
        self.fields["sources"].help_text = "Sources for its names, codes and classes."
        if slug_locked:
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = "Part of the public address: it cannot change once published."
        part = self.part or {}
        self.initial.update(
            {
                "classes": part.get("classes", []),
                "brands": "\n".join(part.get("brands", [])),
                "synonyms": "\n".join(part.get("synonyms", [])),
                "products": "\n".join(f"{p['name']} | {p['form']} | {p['strength']}" for p in part.get("product", [])),
            }
        )

    def build_instance(self, part):
        fields = ("name", "slug", "summary", "atc_code", "rxnorm_code")
        return Medication(**{name: part.get(name, "") for name in fields})

    def clean_products(self) -> list[dict]:
        products = []
        for number, line in enumerate(self.cleaned_data["products"].splitlines(), start=1):
            if not line.strip():
                continue
            pieces = [piece.strip() for piece in line.split("|")]
            if len(pieces) != 3 or not all(pieces):
                raise forms.ValidationError(f"Line {number}: write name | form | strength.")
            if pieces[1] not in Product.Form.values:
                raise forms.ValidationError(f"Line {number}: the form must be one of {PRODUCT_FORMS}.")
            products.append({"name": pieces[0], "form": pieces[1], "strength": pieces[2]})
        return products

    @staticmethod
    def _lines(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]

    def to_part(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "slug": data["slug"],
            "summary": data["summary"],
            "atc_code": data["atc_code"],
            "rxnorm_code": data["rxnorm_code"],
            "classes": sorted(c.slug for c in data["classes"]),
            "brands": self._lines(data["brands"]),
            "synonyms": self._lines(data["synonyms"]),
            "sources": self._sources(),
            "product": data["products"],
        }


class ReasonForm(forms.Form):
    reason = ReasonField()


class SubmitForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        label="What changed and why",
        help_text="The reviewer reads this first, and the history keeps it.",
        error_messages={"required": "Say what this change is and why: the reviewer reads it first."},
    )


class SendBackForm(forms.Form):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What needs to change",
        error_messages={"required": "Say what needs to change: the author reads it."},
    )


class ApproveForm(forms.Form):
    comment = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Comment (optional)", max_length=300
    )
