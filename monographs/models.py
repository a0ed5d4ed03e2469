"""The content model: medications and the clinical facts pharmacists curate about them.

A Warning is one clinical-use fact (shaped after FHIR R5 ClinicalUseDefinition). The leaflet shows its patient
text; the screening engine evaluates its trigger. One row, two views.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .markdown import render_markdown
from .names import normalise_name
from .readability import measure
from .screening import engine


def _choices_check(field: str, choices: type[models.TextChoices], name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)


class EditConflict(Exception):
    """Someone else saved this row after the editor loaded it: saving now would silently overwrite their work."""

    def __init__(self, instance, expected_version: int):
        self.instance = instance
        self.expected_version = expected_version
        super().__init__(f"{instance._meta.verbose_name} {instance.pk} changed since version {expected_version}")


class Versioned(models.Model):
    """Optimistic locking: every save bumps `version`, and the UPDATE only matches the version the editor loaded
    (checked in the same statement, so two saves can never both win)."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding and self.pk is not None:
            self._expected_version = self.version
            self.version = self.version + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        try:
            super().save(*args, **kwargs)
        except EditConflict:
            self.version = self._expected_version
            raise
        finally:
            self.__dict__.pop("_expected_version", None)

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update, returning_fields):
        expected = self.__dict__.get("_expected_version")
        if expected is None:
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update, returning_fields)
        updated = super()._do_update(
            base_qs.filter(version=expected), using, pk_val, values, update_fields, forced_update, returning_fields
        )
        if not updated and base_qs.filter(pk=pk_val).exists():
            raise EditConflict(self, expected)
        return updated


class ReadabilityFields(models.Model):
    """Readability of the patient text, measured when it is saved (shown in the admin)."""

    reading_grade = models.FloatField(null=True, blank=True, editable=False, verbose_name="reading grade")
    reading_ease = models.FloatField(null=True, blank=True, editable=False, verbose_name="reading ease")
    smog = models.FloatField(null=True, blank=True, editable=False, verbose_name="SMOG")

    class Meta:
        abstract = True

    def measure_readability(self, text: str) -> None:
        """Stored only for a text long enough to score (see readability.MIN_WORDS_TO_SCORE); None otherwise."""
        figures = measure(text)
        if figures.scorable:
            self.reading_grade, self.reading_ease, self.smog = figures.grade, figures.ease, figures.smog
        else:
            self.reading_grade = self.reading_ease = self.smog = None


class Source(Versioned):
    key = models.SlugField(
        max_length=100, unique=True, help_text="Short stable key used to cite this source, e.g. 'dailymed-baclofen'."
    )
    title = models.CharField(max_length=300, help_text="Title of the document as its publisher gives it.")
    publisher = models.CharField(
        max_length=200, help_text="Who publishes it, e.g. 'U.S. National Library of Medicine'."
    )
    url = models.URLField(max_length=500, help_text="Where a reader can check it.")
    identifier = models.CharField(
        max_length=200, blank=True, help_text="A stable identifier if it has one, e.g. a DailyMed set id or a DOI."
    )
    accessed = models.DateField(help_text="The date the source was last read to check this content.")

    history = HistoricalRecords(cascade_delete_history=False)

    class Meta:
        ordering = ["title"]
        verbose_name = "source"

    def __str__(self) -> str:
        return self.title


class DrugClass(Versioned):
    slug = models.SlugField(max_length=80, unique=True, help_text="Stable key, e.g. 'opioid'. Never change it.")
    name = models.CharField(max_length=120, unique=True, help_text="Name shown to clinicians, e.g. 'Opioid'.")
    description = models.TextField(blank=True, help_text="One plain sentence with examples.")

    history = HistoricalRecords(cascade_delete_history=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "drug class"
        verbose_name_plural = "drug classes"

    def __str__(self) -> str:
        return self.name


class Condition(Versioned):
    slug = models.SlugField(max_length=100, unique=True, help_text="Part of the public URL. Never change it.")
    name = models.CharField(max_length=150, unique=True, help_text="Plain name, e.g. 'Multiple sclerosis'.")
    aliases = models.JSONField(default=list, blank=True, help_text="Other names people search for, e.g. 'MS'.")
    description = models.TextField(blank=True, help_text="Two or three plain sentences for patients (Markdown).")
    description_html = models.TextField(blank=True, editable=False)
    snomed_code = models.CharField(max_length=20, blank=True, help_text="SNOMED CT concept id, if known.")
    sources = models.ManyToManyField(Source, blank=True, related_name="conditions")

    history = HistoricalRecords(cascade_delete_history=False, m2m_fields=["sources"])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("condition_detail", args=[self.slug])

    def save(self, *args, **kwargs):
        self.description_html = render_markdown(self.description)
        super().save(*args, **kwargs)


class MedicationQuerySet(models.QuerySet):
    def with_leaflet(self):
        return self.filter(Exists(LeafletSection.objects.filter(medication=OuterRef("pk"))))

    def published(self):
        """What the public may see: published medications that have a leaflet."""
        return self.with_leaflet().filter(status=Medication.Status.PUBLISHED)


class MedicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class Medication(Versioned):
    Status = MedicationStatus

    name = models.CharField(max_length=150, unique=True, help_text="Generic name, e.g. 'Baclofen'.")
    normalised_name = models.CharField(max_length=150, unique=True, editable=False)
    slug = models.SlugField(max_length=100, unique=True, help_text="Part of the public URL. Never change it.")
    summary = models.CharField(max_length=300, blank=True, help_text="One plain sentence: what it is for.")
    atc_code = models.CharField(max_length=7, blank=True, help_text="WHO ATC code, e.g. M03BX01.")
    rxnorm_code = models.CharField(max_length=20, blank=True, help_text="RxNorm concept id, if known.")
    classes = models.ManyToManyField(DrugClass, blank=True, related_name="medications")
    sources = models.ManyToManyField(
        Source, blank=True, related_name="medications", help_text="Sources for its identity: codes, names, classes."
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT)
    last_reviewed = models.DateField(null=True, blank=True, help_text="When a pharmacist last reviewed the content.")
    next_review_due = models.DateField(null=True, blank=True, help_text="When the content must be reviewed again.")
    reviewed_by = models.CharField(max_length=200, blank=True, help_text="Who reviewed it, as shown on the leaflet.")
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Render on write: the assembled leaflet, stored with the content version and date it was rendered for.
    leaflet_html = models.TextField(blank=True, editable=False)
    leaflet_html_key = models.CharField(max_length=80, blank=True, editable=False)

    objects = MedicationQuerySet.as_manager()

    history = HistoricalRecords(
        cascade_delete_history=False,
        excluded_fields=["leaflet_html", "leaflet_html_key"],
        m2m_fields=["classes", "sources"],
    )

    class Meta:
        ordering = ["name"]
        permissions = [("publish_medication", "Can publish or retire a medication's leaflet")]
        constraints = [
            _choices_check("status", MedicationStatus, "medication_status_valid"),
            models.CheckConstraint(
                condition=Q(next_review_due__isnull=True)
                | Q(last_reviewed__isnull=True)
                | Q(next_review_due__gt=models.F("last_reviewed")),
                name="medication_review_due_after_review",
                violation_error_message="The next review must be due after the last review.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("medication_detail", args=[self.slug])

    def clean(self):
        if self.last_reviewed and self.next_review_due and self.next_review_due <= self.last_reviewed:
            raise ValidationError({"next_review_due": "The next review must be due after the last review."})

    def clean_fields(self, exclude=None):
        self.normalised_name = normalise_name(self.name)
        super().clean_fields(exclude=exclude)

    def save(self, *args, **kwargs):
        self.normalised_name = normalise_name(self.name)
        super().save(*args, **kwargs)


class NameKind(models.TextChoices):
    BRAND = "brand", "Brand name"
    SYNONYM = "synonym", "Other generic name"


class MedicationName(Versioned):
    Kind = NameKind

    medication = models.ForeignKey(Medication, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=150, help_text="As it is written on the pack, e.g. 'Lioresal'.")
    normalised = models.CharField(max_length=150, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.BRAND)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords(cascade_delete_history=False)

    class Meta:
        ordering = ["medication", "position", "name"]
        verbose_name = "brand name or synonym"
        verbose_name_plural = "brand names and synonyms"
        constraints = [_choices_check("kind", NameKind, "medicationname_kind_valid")]

    def __str__(self) -> str:
        return self.name

    def clean_fields(self, exclude=None):
        self.normalised = normalise_name(self.name)
        super().clean_fields(exclude=exclude)

    def save(self, *args, **kwargs):
        self.normalised = normalise_name(self.name)
        super().save(*args, **kwargs)


class ProductForm(models.TextChoices):
    TABLET = "tablet", "Tablet"
    ORAL_SOLUTION = "oral_solution", "Oral solution"
    ORAL_SUSPENSION = "oral_suspension", "Oral suspension"
    ORAL_GRANULES = "oral_granules", "Oral granules"
    INTRATHECAL = "intrathecal_injection", "Intrathecal injection"


class Product(Versioned):
    Form = ProductForm

    medication = models.ForeignKey(Medication, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(max_length=200, help_text="As a patient would say it, e.g. 'Baclofen 10 mg tablets'.")
    form = models.CharField(max_length=30, choices=Form)
    strength = models.CharField(max_length=50, help_text="E.g. '10 mg' or '5 mg/5 mL'.")
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords(cascade_delete_history=False)

    class Meta:
        ordering = ["medication", "position", "name"]
        constraints = [
            _choices_check("form", ProductForm, "product_form_valid"),
            models.UniqueConstraint(fields=["medication", "name"], name="product_unique_name_per_medication"),
        ]

    def __str__(self) -> str:
        return self.name


class UseStatus(models.TextChoices):
    LICENSED = "licensed", "Licensed"
    OFF_LABEL = "off_label", "Off-label"


class Use(Versioned, ReadabilityFields):
    Status = UseStatus

    medication = models.ForeignKey(Medication, on_delete=models.CASCADE, related_name="uses")
    condition = models.ForeignKey(Condition, on_delete=models.PROTECT, related_name="uses")
    status = models.CharField(max_length=10, choices=Status)
    how_it_helps = models.TextField(help_text="Plain words for patients (Markdown).")
    how_it_helps_html = models.TextField(blank=True, editable=False)
    sources = models.ManyToManyField(Source, related_name="uses")
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords(cascade_delete_history=False, m2m_fields=["sources"])

    class Meta:
        ordering = ["medication", "position"]
        constraints = [
            _choices_check("status", UseStatus, "use_status_valid"),
            models.UniqueConstraint(fields=["medication", "condition"], name="use_unique_condition_per_medication"),
        ]

    def __str__(self) -> str:
        return f"{self.medication} for {self.condition}"

    def save(self, *args, **kwargs):
        self.how_it_helps_html = render_markdown(self.how_it_helps)
        self.measure_readability(self.how_it_helps)
        super().save(*args, **kwargs)


class SectionKind(models.TextChoices):
    """Leaflet sections in the order they are shown (after the NHS and EU patient leaflet structure)."""

    WHAT_FOR = "what_for", "What it is and what it is used for"
    HOW_IT_WORKS = "how_it_works", "How it works"
    BEFORE_TAKING = "before_taking", "Who can and cannot take it"
    HOW_TO_TAKE = "how_to_take", "How and when to take it"
    MISSED_DOSE = "missed_dose", "If you forget to take it"
    SIDE_EFFECTS = "side_effects", "Side effects"
    PREGNANCY = "pregnancy", "Pregnancy and breastfeeding"
    OTHER_MEDICINES = "other_medicines", "Taking it with other medicines"
    STOPPING = "stopping", "Stopping it"
    OVERDOSE = "overdose", "If you take too much"
    STORAGE = "storage", "How to store it"
    QUESTIONS = "questions", "Common questions"

    @classmethod
    def position(cls, kind: str) -> int:
        return cls.values.index(kind)


class LeafletSection(Versioned, ReadabilityFields):
    medication = models.ForeignKey(Medication, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(max_length=20, choices=SectionKind)
    position = models.PositiveSmallIntegerField(editable=False, default=0)
    body = models.TextField(help_text="What patients read, in Markdown. Aim for reading grade 8 or lower.")
    body_html = models.TextField(blank=True, editable=False)
    sources = models.ManyToManyField(Source, related_name="sections")

    history = HistoricalRecords(cascade_delete_history=False, m2m_fields=["sources"])

    class Meta:
        ordering = ["medication", "position"]
        verbose_name = "leaflet section"
        constraints = [
            _choices_check("kind", SectionKind, "leafletsection_kind_valid"),
            models.UniqueConstraint(fields=["medication", "kind"], name="leafletsection_one_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.medication}: {self.get_kind_display()}"

    @property
    def anchor(self) -> str:
        return self.kind.replace("_", "-")

    def save(self, *args, **kwargs):
        self.position = SectionKind.position(self.kind)
        self.body_html = render_markdown(self.body)
        self.measure_readability(self.body)
        super().save(*args, **kwargs)


class WarningType(models.TextChoices):
    CONTRAINDICATION = "contraindication", "Contraindication"
    INTERACTION = "interaction", "Interaction"
    UNDESIRABLE_EFFECT = "undesirable_effect", "Side effect"
    WARNING = "warning", "Warning"


class Severity(models.TextChoices):
    """In increasing order of seriousness."""

    INFO = "info", "Information"
    CAUTION = "caution", "Caution"
    DOSE_ADJUSTMENT = "dose_adjustment", "Dose adjustment"
    AVOID = "avoid", "Avoid"
    CONTRAINDICATED = "contraindicated", "Contraindicated"


class Frequency(models.TextChoices):
    NOT_APPLICABLE = "", "Not a side effect"
    VERY_COMMON = "very_common", "Very common (more than 1 in 10 people)"
    COMMON = "common", "Common (up to 1 in 10 people)"
    UNCOMMON = "uncommon", "Uncommon (up to 1 in 100 people)"
    RARE = "rare", "Rare (up to 1 in 1,000 people)"
    UNKNOWN = "unknown", "Frequency not known"


class TriggerKind(models.TextChoices):
    NONE = "none", "Always (applies to everyone taking it)"
    CONDITION = "condition", "The patient has a condition"
    DRUG_CLASS = "drug_class", "The patient takes a medicine of a class"
    MEDICATION = "medication", "The patient takes a particular medicine"
    RENAL = "renal", "Kidney function (CrCl) within a range"
    DIALYSIS = "dialysis", "The patient is on dialysis"
    PREGNANCY = "pregnancy", "The patient is pregnant or planning a pregnancy"
    BREASTFEEDING = "breastfeeding", "The patient is breastfeeding"


class Warning(Versioned, ReadabilityFields):
    """A clinical-use fact: contraindication, interaction, undesirable effect or warning, with its trigger."""

    Type = WarningType
    Severity = Severity
    Frequency = Frequency
    TriggerKind = TriggerKind

    medication = models.ForeignKey(Medication, on_delete=models.CASCADE, related_name="warnings")
    key = models.SlugField(max_length=80, help_text="Stable key within this medication, e.g. 'opioids'.")
    type = models.CharField(max_length=20, choices=Type)
    severity = models.CharField(max_length=20, choices=Severity)
    title = models.CharField(max_length=200, help_text="Short heading, e.g. 'Opioid painkillers'.")
    section = models.CharField(
        max_length=20, choices=SectionKind, help_text="The leaflet section where patients read this."
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order within its leaflet section.")
    frequency = models.CharField(max_length=20, choices=Frequency, blank=True, default="")
    frequency_note = models.CharField(max_length=200, blank=True, help_text="E.g. '10–63% in clinical trials'.")
    urgent = models.BooleanField(default=False, help_text="Also list it in the leaflet's 'Get help now' box.")

    trigger_kind = models.CharField(max_length=20, choices=TriggerKind, default=TriggerKind.NONE)
    trigger_condition = models.ForeignKey(
        Condition, null=True, blank=True, on_delete=models.PROTECT, related_name="warnings"
    )
    trigger_class = models.ForeignKey(
        DrugClass, null=True, blank=True, on_delete=models.PROTECT, related_name="warnings"
    )
    trigger_medication = models.ForeignKey(
        Medication, null=True, blank=True, on_delete=models.PROTECT, related_name="triggered_warnings"
    )
    crcl_min = models.DecimalField(
        max_digits=5, decimal_places=1, null=True, blank=True, help_text="Lower CrCl bound in mL/min (blank: none)."
    )
    crcl_min_inclusive = models.BooleanField(default=True, help_text="Does the range include the lower bound?")
    crcl_max = models.DecimalField(
        max_digits=5, decimal_places=1, null=True, blank=True, help_text="Upper CrCl bound in mL/min (blank: none)."
    )
    crcl_max_inclusive = models.BooleanField(default=False, help_text="Does the range include the upper bound?")

    patient_text = models.TextField(blank=True, help_text="Plain words for the leaflet (Markdown). Blank: not shown.")
    patient_html = models.TextField(blank=True, editable=False)
    clinician_text = models.TextField(help_text="Why it matters, for clinicians (Markdown).")
    clinician_html = models.TextField(blank=True, editable=False)
    action = models.TextField(help_text="What the clinician should do (Markdown).")
    action_html = models.TextField(blank=True, editable=False)
    sources = models.ManyToManyField(Source, related_name="warnings")

    history = HistoricalRecords(cascade_delete_history=False, m2m_fields=["sources"])

    class Meta:
        ordering = ["medication", "section", "position"]
        verbose_name = "warning (clinical-use fact)"
        verbose_name_plural = "warnings (clinical-use facts)"
        constraints = [
            _choices_check("type", WarningType, "warning_type_valid"),
            _choices_check("severity", Severity, "warning_severity_valid"),
            _choices_check("frequency", Frequency, "warning_frequency_valid"),
            _choices_check("section", SectionKind, "warning_section_valid"),
            _choices_check("trigger_kind", TriggerKind, "warning_trigger_kind_valid"),
            models.UniqueConstraint(fields=["medication", "key"], name="warning_unique_key_per_medication"),
            models.CheckConstraint(
                condition=Q(trigger_kind="condition", trigger_condition__isnull=False)
                | (~Q(trigger_kind="condition") & Q(trigger_condition__isnull=True)),
                name="warning_condition_trigger_consistent",
            ),
            models.CheckConstraint(
                condition=Q(trigger_kind="drug_class", trigger_class__isnull=False)
                | (~Q(trigger_kind="drug_class") & Q(trigger_class__isnull=True)),
                name="warning_class_trigger_consistent",
            ),
            models.CheckConstraint(
                condition=Q(trigger_kind="medication", trigger_medication__isnull=False)
                | (~Q(trigger_kind="medication") & Q(trigger_medication__isnull=True)),
                name="warning_medication_trigger_consistent",
            ),
            models.CheckConstraint(
                condition=(Q(trigger_kind="renal") & (Q(crcl_min__isnull=False) | Q(crcl_max__isnull=False)))
                | (~Q(trigger_kind="renal") & Q(crcl_min__isnull=True) & Q(crcl_max__isnull=True)),
                name="warning_renal_trigger_consistent",
            ),
            models.CheckConstraint(
                condition=Q(crcl_min__isnull=True) | Q(crcl_max__isnull=True) | Q(crcl_max__gt=models.F("crcl_min")),
                name="warning_renal_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(type="undesirable_effect", frequency__gt="")
                | (~Q(type="undesirable_effect") & Q(frequency="")),
                name="warning_frequency_only_for_side_effects",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.medication}: {self.title}"

    def clean(self):
        errors = {}
        required = {
            self.TriggerKind.CONDITION: "trigger_condition",
            self.TriggerKind.DRUG_CLASS: "trigger_class",
            self.TriggerKind.MEDICATION: "trigger_medication",
        }
        for kind, field in required.items():
            value = getattr(self, f"{field}_id")
            if self.trigger_kind == kind and value is None:
                errors[field] = "Choose one: the trigger needs it."
            elif self.trigger_kind != kind and value is not None:
                errors[field] = "Leave this empty: it is only used by a different kind of trigger."
        if self.trigger_kind == self.TriggerKind.RENAL:
            if self.crcl_min is None and self.crcl_max is None:
                errors["crcl_min"] = "A kidney-function trigger needs at least one CrCl bound."
            elif self.crcl_min is not None and self.crcl_max is not None and self.crcl_max <= self.crcl_min:
                errors["crcl_max"] = "The upper bound must be above the lower bound."
        elif self.crcl_min is not None or self.crcl_max is not None:
            errors["crcl_min"] = "CrCl bounds are only used by a kidney-function trigger."
        if self.type == self.Type.UNDESIRABLE_EFFECT and not self.frequency:
            errors["frequency"] = "Give how often this side effect happens (or 'Frequency not known')."
        elif self.type != self.Type.UNDESIRABLE_EFFECT and self.frequency:
            errors["frequency"] = "Only side effects have a frequency."
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.patient_html = render_markdown(self.patient_text)
        self.clinician_html = render_markdown(self.clinician_text)
        self.action_html = render_markdown(self.action)
        self.measure_readability(self.patient_text)
        super().save(*args, **kwargs)

    @property
    def renal_band(self) -> str:
        """The CrCl range in words, e.g. 'CrCl 30 to under 50 mL/min' (the screening engine's own wording)."""
        return engine.renal_band(self)

    @property
    def trigger_description(self) -> str:
        """The trigger in words, for pharmacists and clinicians."""
        kind = self.TriggerKind
        match self.trigger_kind:
            case kind.CONDITION:
                return f"when the patient has {self.trigger_condition.name.lower()}"
            case kind.DRUG_CLASS:
                return f"when the patient takes a medicine of the class '{self.trigger_class.name}'"
            case kind.MEDICATION:
                return f"when the patient takes {self.trigger_medication.name.lower()}"
            case kind.RENAL:
                return f"when kidney function is {self.renal_band}"
            case kind.DIALYSIS:
                return "when the patient is on dialysis"
            case kind.PREGNANCY:
                return "when the patient is pregnant or planning a pregnancy"
            case kind.BREASTFEEDING:
                return "when the patient is breastfeeding"
        return "always"

    def crcl_in_band(self, crcl: float) -> bool:
        """Is this CrCl (mL/min) inside the warning's range, honouring each edge's inclusiveness? The screening
        engine's rule, so the admin, the tests and the engine can never disagree."""
        return engine.crcl_in_band(self, crcl)


class ScreeningRecord(models.Model):
    """One precautions screening: who ran it, when, the answers and the flags exactly as shown (a snapshot, so
    later content edits never rewrite history). No patient name or identifier is asked for or stored."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="screenings", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    medication = models.ForeignKey(Medication, on_delete=models.PROTECT, related_name="screenings")
    answers = models.JSONField(help_text="The answers as given (no patient identifiers).")
    result = models.JSONField(help_text="The result as shown: flags, CrCl used, unrecognised lines, notes.")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "screening record"

    def __str__(self) -> str:
        return f"Screening for {self.medication} on {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("screening_result", args=[self.pk])
