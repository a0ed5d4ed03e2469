"""Reference content shared by every leaflet: sources, drug classes and conditions."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from monographs.text import validate_no_control_characters

from .base import Versioned


def validate_aliases(value) -> None:
    """A list of non-empty names (search reads them as names: a number or a bare string would break it)."""
    if not isinstance(value, list) or not all(isinstance(alias, str) and alias.strip() for alias in value):
        raise ValidationError('Give a list of names in quotes, e.g. ["MS", "Multiple sclerosis"].', code="aliases")
    for alias in value:
        validate_no_control_characters(alias)


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
    aliases = models.JSONField(
        default=list,
        blank=True,
        help_text='Other names people search for, as a list of words in quotes, e.g. ["MS"].',
    )
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

    def clean(self):
        # Here rather than as a field validator, so that migrations never import this module.
        try:
            validate_aliases(self.aliases)
        except ValidationError as error:
            raise ValidationError({"aliases": error.messages}) from error
