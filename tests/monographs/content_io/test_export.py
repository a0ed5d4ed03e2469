"""The exporter: the shipped tree and the minimal tree round trip through export and reload."""

import pytest

from monographs.content_io import DEFAULT_CONTENT_DIR, export_tree, load_tree
from monographs.models import (
    Medication,
)
from tests.monographs.content_io.helpers import (
    MONO,
    counts,
    delete_all_content,
    load_files,
    minimal_tree,
    snapshot,
)

# --- The shipped tree ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestTheShippedTree:
    def test_the_shipped_tree_loads_and_loading_it_twice_changes_nothing(self, shipped_load):
        assert shipped_load.changed
        assert shipped_load.created["medications"] > 60
        before_counts, before = counts(), snapshot()
        updated_at = dict(Medication.objects.values_list("slug", "updated_at"))

        second = load_tree(DEFAULT_CONTENT_DIR)

        assert second.changed is False
        assert str(second) == "Content is up to date: nothing changed."
        assert counts() == before_counts
        assert dict(Medication.objects.values_list("slug", "updated_at")) == updated_at
        assert snapshot() == before

    def test_exporting_and_reloading_the_shipped_tree_round_trips_byte_for_byte(self, shipped_load, tmp_path):
        before = snapshot()
        written_a = export_tree(tmp_path / "a")
        assert (tmp_path / "a" / "medications" / "baclofen.toml") in written_a

        # Loading the export over the rows it was written from changes nothing: any row or value it lost or altered
        # would be deleted, created or updated. (Loading an export into an empty database: the minimal-tree tests.)
        reloaded = load_tree(tmp_path / "a")
        assert not reloaded.changed, str(reloaded)
        assert snapshot() == before

        written_b = export_tree(tmp_path / "b")
        relative_a = sorted(p.relative_to(tmp_path / "a") for p in written_a)
        relative_b = sorted(p.relative_to(tmp_path / "b") for p in written_b)
        assert relative_a == relative_b
        assert sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.toml")) == relative_a
        for rel in relative_a:
            assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


@pytest.mark.django_db
def test_a_monograph_without_sections_survives_export_and_reload(tmp_path):
    files = minimal_tree()
    del files[MONO]["section"]
    load_files(tmp_path / "in", files)
    before = snapshot()
    export_tree(tmp_path / "out")
    delete_all_content()
    load_tree(tmp_path / "out")
    assert snapshot() == before
