"""The management commands load_content and export_content."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from monographs.content_io import load_tree
from monographs.models import (
    Medication,
)
from tests.monographs.content_io.helpers import (
    MONO,
    REF,
    RELATIVE_MONO,
    _medication,
    _opioids,
    counts,
    delete_all_content,
    find_line,
    load_files,
    minimal_tree,
    snapshot,
    write_tree,
)

# --- The management commands ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_load_content_on_bad_content_raises_command_error_listing_the_problems(tmp_path):
    files = minimal_tree()
    _opioids(files)["severity"] = "severe"
    _medication(files)["classes"] = ["muscle-relaxer"]
    root = write_tree(tmp_path, files)

    with pytest.raises(CommandError) as excinfo:
        call_command("load_content", str(root))

    message = str(excinfo.value)
    assert message.startswith("Content rejected; nothing was loaded")
    assert "2 problem(s)" in message
    assert "Value 'severe' is not a valid choice" in message
    assert "no drug class 'muscle-relaxer' is defined" in message
    severity_line = find_line(root / MONO, 'severity = "severe"')
    assert f"{RELATIVE_MONO}:{severity_line}: " in message
    assert set(counts().values()) == {0}


@pytest.mark.django_db
def test_load_content_loads_and_reports_what_changed(tmp_path, capsys):
    root = write_tree(tmp_path, minimal_tree())
    call_command("load_content", str(root))
    assert "created" in capsys.readouterr().out
    call_command("load_content", str(root))
    assert "Content is up to date: nothing changed." in capsys.readouterr().out


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_load_content_refreshes_the_planner_statistics_after_writing_and_only_then(tmp_path):
    """Without it the planner plans a search of 1,000 new leaflets for the empty search table it last analysed."""
    root = write_tree(tmp_path, minimal_tree())
    with CaptureQueriesContext(connection) as queries:
        call_command("load_content", str(root))
    [analyze] = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("ANALYZE")]
    assert '"monographs_leaflet_search"' in analyze and '"monographs_clinicalwarning"' in analyze
    with CaptureQueriesContext(connection) as queries:
        call_command("load_content", str(root))  # unchanged: nothing written, nothing to analyse
    assert not [q for q in queries.captured_queries if q["sql"].startswith("ANALYZE")]


@pytest.mark.django_db
def test_load_content_initial_does_nothing_when_medications_exist(tmp_path, capsys):
    files = minimal_tree()
    call_command("load_content", str(write_tree(tmp_path / "one", files)), "--initial")
    assert Medication.objects.count() == 2
    capsys.readouterr()
    before = snapshot()

    files[MONO]["section"][0]["body"] = "Changed in the files."
    files[REF]["medication"].append({"slug": "codeine", "name": "Codeine", "classes": ["opioid"]})
    call_command("load_content", str(write_tree(tmp_path / "two", files)), "--initial")

    assert "already has content" in capsys.readouterr().out
    assert snapshot() == before
    assert not Medication.objects.filter(slug="codeine").exists()


@pytest.mark.django_db
def test_export_content_writes_the_tree_load_content_reads(tmp_path, capsys):
    load_files(tmp_path / "in", minimal_tree())
    before = snapshot()
    call_command("export_content", str(tmp_path / "out"))
    assert "Wrote 5 files" in capsys.readouterr().out
    delete_all_content()
    load_tree(tmp_path / "out")
    assert snapshot() == before
