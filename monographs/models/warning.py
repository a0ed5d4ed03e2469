"""A clinical-use fact (shaped after FHIR R5 ClinicalUseDefinition): the leaflet shows its patient text and the
screening engine evaluates its trigger, as a plain Rule (as_rule). One row, two views."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from monographs import rules

from .base import ReadabilityFields, Versioned, choices_check
from .medication import Medication, SectionKind
from .reference import Condition, DrugClass, Source


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
    AGE = "age", "The patient's age (and, optionally, kidney function) within a range"


class ClinicalWarning(Versioned, ReadabilityFields):
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

    age_min = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Age from, in years (included). Only for an age trigger."
    )
    age_max = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Age under, in years (not included). Only for an age trigger."
    )
    frequency_percent_min = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True, help_text="Side effects: lowest reported %, if known."
    )
    frequency_percent_max = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True, help_text="Side effects: highest reported %, if known."
    )

    patient_text = models.TextField(
        blank=True,
        help_text="Plain words for the leaflet and the patient handout (Markdown). Required for any trigger but "
        "'Always'; blank for 'Always' means not shown.",
    )
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
            choices_check("type", WarningType, "warning_type_valid"),
            choices_check("severity", Severity, "warning_severity_valid"),
            choices_check("frequency", Frequency, "warning_frequency_valid"),
            choices_check("section", SectionKind, "warning_section_valid"),
            choices_check("trigger_kind", TriggerKind, "warning_trigger_kind_valid"),
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
                | Q(trigger_kind="age")
                | (Q(crcl_min__isnull=True) & Q(crcl_max__isnull=True)),
                name="warning_renal_trigger_consistent",
            ),
            models.CheckConstraint(
                condition=(Q(trigger_kind="age") & (Q(age_min__isnull=False) | Q(age_max__isnull=False)))
                | (~Q(trigger_kind="age") & Q(age_min__isnull=True) & Q(age_max__isnull=True)),
                name="warning_age_trigger_consistent",
            ),
            models.CheckConstraint(
                condition=Q(age_min__isnull=True) | Q(age_max__isnull=True) | Q(age_max__gt=models.F("age_min")),
                name="warning_age_range_ordered",
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
        errors |= self._band_errors()
        if self.trigger_kind != self.TriggerKind.NONE and not (self.patient_text or "").strip():
            errors["patient_text"] = (
                "Write what the patient should know: the screening can flag this warning, and every flag reaches "
                "the patient handout."
            )
        if self.type == self.Type.UNDESIRABLE_EFFECT and not self.frequency:
            errors["frequency"] = "Give how often this side effect happens (or 'Frequency not known')."
        elif self.type != self.Type.UNDESIRABLE_EFFECT and self.frequency:
            errors["frequency"] = "Only side effects have a frequency."
        if errors:
            raise ValidationError(errors)

    def _band_errors(self) -> dict[str, str]:
        """The CrCl and age bounds: a kidney trigger needs a CrCl bound; an age trigger needs an age bound and may
        narrow itself to a CrCl band (AGS Beers: 65 or older *and* CrCl under 60); no other trigger has bounds."""
        errors = {}
        has_crcl = self.crcl_min is not None or self.crcl_max is not None
        has_age = self.age_min is not None or self.age_max is not None
        if self.trigger_kind == self.TriggerKind.RENAL and not has_crcl:
            errors["crcl_min"] = "A kidney-function trigger needs at least one CrCl bound."
        elif has_crcl and self.trigger_kind not in (self.TriggerKind.RENAL, self.TriggerKind.AGE):
            errors["crcl_min"] = "CrCl bounds are only used by a kidney-function or age trigger."
        elif self.crcl_min is not None and self.crcl_max is not None and self.crcl_max <= self.crcl_min:
            errors["crcl_max"] = "The upper bound must be above the lower bound."
        if self.trigger_kind == self.TriggerKind.AGE and not has_age:
            errors["age_min"] = "An age trigger needs at least one age bound."
        elif has_age and self.trigger_kind != self.TriggerKind.AGE:
            errors["age_min"] = "Age bounds are only used by an age trigger."
        elif self.age_min is not None and self.age_max is not None and self.age_max <= self.age_min:
            errors["age_max"] = "The upper age must be above the lower age."
        low, high = self.frequency_percent_min, self.frequency_percent_max
        if (low is not None or high is not None) and self.type != self.Type.UNDESIRABLE_EFFECT:
            errors["frequency_percent_min"] = "Only side effects have a reported percentage."
        elif low is not None and high is not None and high < low:
            errors["frequency_percent_max"] = "The highest percentage must not be below the lowest."
        elif any(value is not None and value > 100 for value in (low, high)):
            errors["frequency_percent_max"] = "A percentage is at most 100."
        return errors

    @property
    def renal_band(self) -> str:
        """The CrCl range in words, e.g. 'CrCl 30 to under 50 mL/min' (the screening engine's own wording)."""
        return rules.band_words(self)

    @property
    def trigger_description(self) -> str:
        """The trigger in words, for pharmacists and clinicians."""
        kind = self.TriggerKind
        match self.trigger_kind:
            case kind.CONDITION if self.trigger_condition is not None:
                return f"when the patient has {self.trigger_condition.name.lower()}"
            case kind.DRUG_CLASS if self.trigger_class is not None:
                return f"when the patient takes a medicine of the class '{self.trigger_class.name}'"
            case kind.MEDICATION if self.trigger_medication is not None:
                return f"when the patient takes {self.trigger_medication.name.lower()}"
            case kind.RENAL:
                return f"when kidney function is {self.renal_band}"
            case kind.AGE:
                return f"when the patient is {rules.age_words(self)}" + (
                    f" and kidney function is {self.renal_band}" if rules.has_band(self) else ""
                )
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
        return rules.crcl_in_band(self, crcl)

    def as_rule(self) -> rules.Rule:
        """This fact as the plain value the screening engine evaluates. Reads the trigger's related rows and the
        sources: fetch with select_related(*RULE_RELATED) and prefetch_related("sources") (see RULE_FIELDS)."""
        condition = drug_class = medication = None
        if self.trigger_condition is not None:
            condition = rules.ConditionRef(slug=self.trigger_condition.slug, name=self.trigger_condition.name)
        if self.trigger_class is not None:
            drug_class = rules.DrugClassRef(slug=self.trigger_class.slug, name=self.trigger_class.name)
        if self.trigger_medication is not None:
            medication = rules.KnownMedication(slug=self.trigger_medication.slug, name=self.trigger_medication.name)
        sources = sorted(self.sources.all(), key=lambda source: (source.title, source.pk))
        return rules.Rule(
            key=self.key,
            title=self.title,
            type=self.type,
            severity=self.severity,
            trigger_kind=self.trigger_kind,
            condition=condition,
            drug_class=drug_class,
            medication=medication,
            crcl_min=None if self.crcl_min is None else float(self.crcl_min),
            crcl_min_inclusive=self.crcl_min_inclusive,
            crcl_max=None if self.crcl_max is None else float(self.crcl_max),
            crcl_max_inclusive=self.crcl_max_inclusive,
            age_min=self.age_min,
            age_max=self.age_max,
            sources=tuple(rules.SourceRef(title=source.title, url=source.url) for source in sources),
            **{name: getattr(self, name) for name in rules.TEXT_FIELDS},
        )


# What as_rule() reads, for a query that fetches many rules at once without loading anything else.
RULE_RELATED = ("trigger_condition", "trigger_class", "trigger_medication")
RULE_FIELDS = (
    *(field.name for field in ClinicalWarning._meta.concrete_fields if field.name not in ("medication",)),
    *(f"{related}__{name}" for related in RULE_RELATED for name in ("slug", "name")),
)
