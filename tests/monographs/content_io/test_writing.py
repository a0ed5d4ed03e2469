"""The writer: loading the minimal tree, loading twice, deleting what left the files, history and renders."""

import pytest

from monographs.models import (
    ClinicalWarning,
    LeafletRender,
    LeafletSection,
    Medication,
    MedicationName,
    Product,
    Use,
)
from tests.monographs.content_io.helpers import (
    MONO,
    REF,
    counts,
    load_files,
    minimal_tree,
    snapshot,
    warning,
)

# --- Changes to the files --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_minimal_tree_loads_every_row(tmp_path):
    report = load_files(tmp_path, minimal_tree())
    assert counts() == {
        "ClinicalWarning": 4,
        "LeafletSection": 2,
        "Use": 1,
        "Product": 2,
        "MedicationName": 5,
        "Medication": 2,
        "Condition": 2,
        "DrugClass": 2,
        "Source": 2,
    }
    assert report.created["medications"] == 2
    opioids = ClinicalWarning.objects.get(key="opioids")
    assert opioids.trigger_class.slug == "opioid"
    assert list(
        Medication.objects.get(slug="baclofen").warnings.order_by("position").values_list("key", flat=True)
    ) == ["opioids", "epilepsy", "renal-below-30", "se-drowsiness"]
    assert MedicationName.objects.get(name="Oramorph").medication.slug == "morphine"


@pytest.mark.django_db
def test_loading_twice_changes_nothing(tmp_path):
    files = minimal_tree()
    load_files(tmp_path, files)
    before = snapshot()
    updated_at = dict(Medication.objects.values_list("slug", "updated_at"))
    report = load_files(tmp_path, files)
    assert not report.changed
    assert snapshot() == before
    assert dict(Medication.objects.values_list("slug", "updated_at")) == updated_at


@pytest.mark.django_db
def test_a_changed_section_body_updates_the_row_and_its_html(tmp_path):
    files = minimal_tree()
    load_files(tmp_path, files)
    files[MONO]["section"][0]["body"] = "Baclofen eases **tight** muscles."

    report = load_files(tmp_path, files)

    section = LeafletSection.objects.get(medication__slug="baclofen", kind="what_for")
    assert section.body == "Baclofen eases **tight** muscles."
    assert "<strong>tight</strong>" in section.body_html
    assert "stiff" not in section.body_html
    assert report.updated == {"leaflet sections": 1}
    assert not report.created and not report.deleted


@pytest.mark.django_db
def test_after_a_load_each_leaflet_has_a_current_stored_render(tmp_path, django_capture_on_commit_callbacks):
    files = minimal_tree()
    with django_capture_on_commit_callbacks(execute=True):
        load_files(tmp_path / "one", files)
    render = LeafletRender.objects.get(medication__slug="baclofen")
    assert render.is_current
    assert "<em>stiff</em>" in render.html
    assert "Multiple sclerosis" in render.html

    files[MONO]["section"][0]["body"] = "Baclofen eases **tight** muscles."
    files[REF]["condition"][1]["name"] = "Disseminated sclerosis"  # a reference row the leaflet shows
    with django_capture_on_commit_callbacks(execute=True):
        load_files(tmp_path / "two", files)

    render.refresh_from_db()
    assert render.is_current
    assert "<strong>tight</strong>" in render.html
    assert "<em>stiff</em>" not in render.html
    assert "Disseminated sclerosis" in render.html


@pytest.mark.django_db
def test_a_load_renders_a_leaflet_whose_render_is_missing_even_when_no_row_changed(
    tmp_path, django_capture_on_commit_callbacks
):
    files = minimal_tree()
    with django_capture_on_commit_callbacks(execute=True):
        load_files(tmp_path, files)
    LeafletRender.objects.filter(medication__slug="baclofen").delete()  # as if the render after commit never ran

    with django_capture_on_commit_callbacks(execute=True):
        report = load_files(tmp_path, files)

    assert not report.changed
    render = LeafletRender.objects.get(medication__slug="baclofen")
    assert render.is_current
    assert "<em>stiff</em>" in render.html


@pytest.mark.django_db
def test_rows_written_by_a_load_say_so_in_their_history(tmp_path):
    files = minimal_tree()
    load_files(tmp_path, files)
    files[MONO]["section"][0]["body"] = "Changed in the files."
    files[MONO]["warning"].pop()
    load_files(tmp_path, files)

    section = LeafletSection.objects.get(medication__slug="baclofen", kind="what_for")
    assert section.history.first().history_change_reason == "Loaded from the content files"
    deleted = ClinicalWarning.history.filter(key="se-drowsiness", history_type="-").first()  # the latest
    assert deleted.history_change_reason == "Loaded from the content files"


@pytest.mark.django_db
def test_a_warning_removed_from_the_file_is_deleted(tmp_path):
    files = minimal_tree()
    load_files(tmp_path, files)
    files[MONO]["warning"] = [w for w in files[MONO]["warning"] if w["key"] != "epilepsy"]

    report = load_files(tmp_path, files)

    assert report.deleted == {"warnings (clinical-use facts)": 1}
    assert not ClinicalWarning.objects.filter(key="epilepsy").exists()
    assert ClinicalWarning.objects.count() == 3


@pytest.mark.django_db
def test_a_product_use_or_section_removed_from_the_file_is_deleted(tmp_path):
    files = minimal_tree()
    load_files(tmp_path, files)
    files[MONO]["product"].pop()
    files[MONO]["section"].pop()
    files[MONO]["use"][0]["condition"] = "epilepsy"

    report = load_files(tmp_path, files)

    assert report.deleted == {"products": 1, "leaflet sections": 1, "uses": 1}
    assert list(Product.objects.values_list("name", flat=True)) == ["Baclofen 10 mg tablets"]
    assert list(LeafletSection.objects.values_list("kind", flat=True)) == ["what_for"]
    assert list(Use.objects.values_list("condition__slug", flat=True)) == ["epilepsy"]


@pytest.mark.django_db
def test_a_catalogue_medication_removed_from_the_file_is_deleted(tmp_path):
    files = minimal_tree()
    load_files(tmp_path / "one", files)
    files[REF]["medication"] = []
    report = load_files(tmp_path / "two", files)
    assert report.deleted.get("medications") == 1
    assert not Medication.objects.filter(slug="morphine").exists()


@pytest.mark.django_db
def test_reordering_warnings_in_the_file_reorders_them_on_the_page(tmp_path):
    files = minimal_tree()
    load_files(tmp_path, files)
    files[MONO]["warning"].reverse()
    load_files(tmp_path, files)
    keys = (
        ClinicalWarning.objects.filter(medication__slug="baclofen").order_by("position").values_list("key", flat=True)
    )
    assert list(keys) == ["se-drowsiness", "renal-below-30", "epilepsy", "opioids"]


@pytest.mark.django_db
def test_a_brand_name_moved_from_one_medication_to_another_follows_it(tmp_path):
    files = minimal_tree()
    load_files(tmp_path, files)
    files[REF]["medication"][0]["brands"].remove("Oramorph")
    files[MONO]["medication"]["brands"].append("Oramorph")

    load_files(tmp_path, files)

    oramorph = MedicationName.objects.get(normalised="oramorph")
    assert oramorph.medication.slug == "baclofen"
    assert oramorph.position == 2
    assert MedicationName.objects.count() == 5
    assert list(Medication.objects.get(slug="morphine").names.values_list("name", flat=True)) == [
        "MST Continus",
        "morphine sulfate",
    ]


@pytest.mark.django_db
def test_a_changed_trigger_and_class_list_update_the_rows(tmp_path):
    files = minimal_tree()
    load_files(tmp_path, files)
    warning(files, "renal-below-30")["trigger"] = {"kind": "renal", "crcl_min": 30, "crcl_max": 50.5}
    files[MONO]["medication"]["classes"] = ["muscle-relaxant", "opioid"]
    load_files(tmp_path, files)
    renal = ClinicalWarning.objects.get(key="renal-below-30")
    assert (float(renal.crcl_min), float(renal.crcl_max)) == (30.0, 50.5)
    assert set(Medication.objects.get(slug="baclofen").classes.values_list("slug", flat=True)) == {
        "muscle-relaxant",
        "opioid",
    }
