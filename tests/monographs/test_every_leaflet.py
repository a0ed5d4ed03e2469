"""Every shipped leaflet is held to the same checks, so leaflet 14 cannot ship incomplete: every section, a review,
each warning sourced and (if the screening can flag it) with patient text, every source it lists cited, at least one
FDA label by DailyMed set id, a "Get help now" box, and plain language for the leaflet as a whole."""

import tomllib

import pytest

from monographs.content_io import DEFAULT_CONTENT_DIR
from monographs.models import ClinicalWarning, Medication, SectionKind
from monographs.readability import TARGET_EASE, TARGET_GRADE, measure

pytestmark = pytest.mark.django_db
LEAFLET_FILES = sorted((DEFAULT_CONTENT_DIR / "medications").glob("*.toml"))
SLUGS = [path.stem for path in LEAFLET_FILES]


def test_the_portal_ships_the_thirteen_leaflets():
    expected = {"baclofen", "tizanidine", "gabapentin", "pregabalin", "oxycodone", "diazepam", "sertraline"}
    expected |= {"amitriptyline", "ibuprofen", "metformin", "lisinopril", "warfarin", "oxybutynin"}
    assert expected <= set(SLUGS)


@pytest.mark.parametrize("slug", SLUGS)
def test_the_leaflet_is_published_reviewed_and_has_every_section(shipped_content, slug):
    medication = Medication.objects.get(slug=slug)
    assert medication.status == Medication.Status.PUBLISHED
    assert medication.last_reviewed and medication.next_review_due and medication.reviewed_by
    kinds = list(medication.sections.order_by("position").values_list("kind", flat=True))
    assert sorted(kinds) == sorted(SectionKind.values)
    assert medication.uses.exists() and medication.products.exists()


@pytest.mark.parametrize("slug", SLUGS)
def test_every_warning_is_sourced_and_every_flaggable_one_speaks_to_the_patient(shipped_content, slug):
    warnings = ClinicalWarning.objects.filter(medication__slug=slug).prefetch_related("sources")
    assert warnings.exists()
    assert [w.key for w in warnings if not w.sources.all()] == []
    screened = warnings.exclude(trigger_kind=ClinicalWarning.TriggerKind.NONE)
    assert [w.key for w in screened if not w.patient_text.strip()] == []
    assert [w.key for w in warnings if not (w.clinician_text.strip() and w.action.strip())] == []
    assert warnings.filter(urgent=True).exists(), "no warning for the leaflet's 'Get help now' box"


@pytest.mark.parametrize("path", LEAFLET_FILES, ids=SLUGS)
def test_every_source_a_leaflet_lists_is_cited_and_an_fda_label_is_cited_by_set_id(path):
    files = [tomllib.loads(p.read_text(encoding="utf-8")) for p in DEFAULT_CONTENT_DIR.rglob("*.toml")]
    cited = set()
    for data in files:
        for table in ("use", "section", "warning", "condition"):
            for row in data.get(table, []):
                cited |= set(row.get("sources", []))
        medications = data.get("medication", [])
        for row in medications if isinstance(medications, list) else [medications]:
            cited |= set(row.get("sources", []))
    leaflet = tomllib.loads(path.read_text(encoding="utf-8"))
    defined = {source["key"]: source for source in leaflet.get("source", [])}
    assert sorted(set(defined) - cited) == []
    own_citations = {
        key for table in ("use", "section", "warning") for row in leaflet.get(table, []) for key in row["sources"]
    }
    all_sources = {source["key"]: source for data in files for source in data.get("source", [])}
    set_ids = [key for key in own_citations if "setid=" in all_sources[key]["url"]]
    assert set_ids, "no FDA label cited by its DailyMed set id"


@pytest.mark.parametrize("slug", SLUGS)
def test_the_leaflet_reads_plainly_and_renders_with_its_help_box(client, shipped_content, slug):
    medication = Medication.objects.get(slug=slug)
    texts = list(medication.sections.values_list("body", flat=True))
    texts += list(medication.warnings.exclude(patient_text="").values_list("patient_text", flat=True))
    texts += list(medication.uses.values_list("how_it_helps", flat=True))
    figures = measure("\n\n".join(texts))
    assert figures.grade <= TARGET_GRADE and figures.ease >= TARGET_EASE, (figures.grade, figures.ease)
    response = client.get(f"/medicines/{slug}/")
    assert response.status_code == 200
    assert "Get help now" in response.content.decode()
