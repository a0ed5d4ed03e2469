"""A bulk load stores what the one-row-at-a-time paths would: each row as saving it through content_save stores it
(its HTML and readability rendered on its own, its history row), each leaflet's render as rendering it alone gives,
each revision as reading that leaflet alone gives. The loader renders each distinct text once, writes rows, history
and renders in bulk and reads the leaflets back in batches; none of that may show in what it stores."""

import pytest
from django.db import transaction

from bench.corpus import generate
from monographs.content_io import DEFAULT_CONTENT_DIR, LOADER_CHANGE_REASON, load_tree, monograph_document
from monographs.leaflet import render_leaflet_html
from monographs.models import (
    LeafletRender,
    LeafletRevision,
    Medication,
)
from monographs.services.content import CONTENT_MODELS, MEDICATION_PARTS, content_save
from monographs.services.leaflets import render_due_leaflets
from monographs.services.live_revisions import record_live_leaflets

# Moved on by every save (a version claimed, a time of change): the rest of a row is the same however it was saved.
SAVE_BOOKKEEPING = {"version", "updated_at"}
HISTORY_BOOKKEEPING = {"history_id", "history_date", "history_type", "history_change_reason", "history_user_id"}


def _values(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.attname not in SAVE_BOOKKEEPING}


def _history_values(row) -> dict:
    skip = SAVE_BOOKKEEPING | HISTORY_BOOKKEEPING
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if f.attname not in skip}


def _m2m_history(model, row) -> dict:
    """A history row's many-to-many values (django-simple-history's m2m history), by field."""
    values = {}
    for field in model._meta.many_to_many:
        if hasattr(row, field.name):
            target = field.m2m_reverse_field_name()
            values[field.name] = sorted(getattr(link, f"{target}_id") for link in getattr(row, field.name).all())
    return values


@pytest.fixture(scope="class")
def loaded(_empty_database, django_db_blocker, tmp_path_factory):
    """15 leaflets (the 13 shipped and copies of the first two, whose texts repeat theirs) loaded in bulk, rendered
    after the commit and recorded as revisions, as load_content does; in a savepoint rolled back after the class.
    Returns the slugs of the first shipped leaflet and of its copy."""
    root = tmp_path_factory.mktemp("corpus")
    copies = generate(root, 15)
    savepoint = transaction.atomic()
    with django_db_blocker.unblock():
        savepoint.__enter__()
        report = load_tree(root)
        render_due_leaflets()  # what the commit's callback runs
        record_live_leaflets(report.leaflets, reason=LOADER_CHANGE_REASON)
    yield min(path.stem for path in (DEFAULT_CONTENT_DIR / "medications").glob("*.toml")), copies[0]
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        savepoint.__exit__(None, None, None)


@pytest.mark.django_db
class TestABulkLoad:
    def test_stores_each_render_as_the_leaflet_rendered_on_its_own(self, loaded):
        leaflets = Medication.objects.with_leaflet()
        assert leaflets.count() == 15
        for medication in leaflets:
            render = LeafletRender.objects.get(medication=medication)
            assert render.is_current
            assert render.html == render_leaflet_html(medication.pk)
            assert medication.name in render.html

    def test_records_each_revision_as_the_leaflet_read_on_its_own(self, loaded):
        revisions = LeafletRevision.objects.select_related("medication")
        assert revisions.count() == 15
        for revision in revisions:
            assert revision.document == monograph_document(revision.medication)

    def test_stores_each_row_as_saving_it_on_its_own_would_with_one_history_row_saying_so(self, loaded):
        shipped, copy = loaded
        for model in CONTENT_MODELS:
            # A leaflet and its copy, whose texts the load rendered once for both; a few of each shared row.
            rows = model.objects.order_by("pk")
            if model is Medication:
                rows = rows.filter(slug__in=[shipped, copy])
            elif model in MEDICATION_PARTS:
                rows = rows.filter(medication__slug__in=[shipped, copy])
            else:
                rows = rows[:8]
            assert rows, model
            for row in rows:
                _assert_stored_as_saved_alone(model, row)


def _assert_stored_as_saved_alone(model, row) -> None:
    history = list(model.history.filter(id=row.pk))
    assert len(history) == 1, row
    (created,) = history
    assert (created.history_type, created.history_change_reason, created.history_user_id) == (
        "+",
        LOADER_CHANGE_REASON,
        None,
    )
    m2m = {field.name: getattr(row, field.name).all() for field in model._meta.many_to_many}
    stored = _values(row)

    # Saved again on its own: Markdown and readability rendered for this row alone, full_clean, a history row
    # written by django-simple-history's signals. Nothing may change but the save's bookkeeping.
    content_save(obj=model.objects.get(pk=row.pk), reason="Saved on its own", m2m=m2m)

    assert _values(model.objects.get(pk=row.pk)) == stored, row
    saved = model.history.filter(id=row.pk).order_by("-history_id").first()
    assert _history_values(created) == _history_values(saved), row
    assert _m2m_history(model, created) == _m2m_history(model, saved), row
