"""A medication and everything its leaflet is made of: names, products, uses and sections."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from monographs.names import normalise_name

from .base import ReadabilityFields, Versioned, choices_check
from .reference import Condition, DrugClass, Source


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
    ingredients = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="combinations",
        help_text="For a combination product (e.g. co-codamol): the medicines it contains. Screening checks each.",
    )
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

    objects = MedicationQuerySet.as_manager()

    history = HistoricalRecords(
        cascade_delete_history=False,
        m2m_fields=["classes", "sources", "ingredients"],
    )

    class Meta:
        ordering = ["name"]
        permissions = [("publish_medication", "Can publish or retire a medication's leaflet")]
        constraints = [
            choices_check("status", MedicationStatus, "medication_status_valid"),
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
        constraints = [choices_check("kind", NameKind, "medicationname_kind_valid")]

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
            choices_check("form", ProductForm, "product_form_valid"),
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
            choices_check("status", UseStatus, "use_status_valid"),
            models.UniqueConstraint(fields=["medication", "condition"], name="use_unique_condition_per_medication"),
        ]

    def __str__(self) -> str:
        return f"{self.medication} for {self.condition}"


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
            choices_check("kind", SectionKind, "leafletsection_kind_valid"),
            models.UniqueConstraint(fields=["medication", "kind"], name="leafletsection_one_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.medication}: {self.get_kind_display()}"

    @property
    def anchor(self) -> str:
        return self.kind.replace("_", "-")

    def save(self, *args, **kwargs):
        self.position = SectionKind.position(self.kind)
        super().save(*args, **kwargs)


class LeafletRender(models.Model):
    """A medication's leaflet as HTML, rendered after each write that changes it (render on write), so a public
    request reads one row. Every content write moves `revision` on in its transaction; the render after commit
    records the revision it rendered, and a render that lost a race to a newer write is simply not stored (the newer
    write renders again). `rendered_revision < revision` means a render is still due: the page is then assembled on
    the fly for that request, never written by a GET."""

    medication = models.OneToOneField(Medication, on_delete=models.CASCADE, primary_key=True, related_name="render")
    html = models.TextField(blank=True, help_text="Empty when the medication has no leaflet sections.")
    revision = models.PositiveBigIntegerField(default=1)
    rendered_revision = models.PositiveBigIntegerField(default=0)
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "stored leaflet render"

    def __str__(self) -> str:
        return f"Leaflet of {self.medication_id} (revision {self.rendered_revision} of {self.revision})"

    @property
    def is_current(self) -> bool:
        return self.rendered_revision == self.revision
