"""The loader's writes, in bulk: each row the files change is validated in memory as it is met (the models' own
field validation, but for the values the reader has validated already, and clean(), uniqueness against the rows read
beforehand), and written with the others of its model in a few statements when the writer flushes (inserts); every
row created or changed gets one history row, carrying the sources (and classes, ingredients) it has after the load.
A row whose values equal the files' is neither validated nor written, so loading unchanged files writes nothing.

Only the loader writes in bulk. An update still claims each row's version (Versioned), all of a model's rows in one
query, so an editor who loaded a row before the load saves over it only through an EditConflict."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from monographs.models import EditConflict, Medication, ReadabilityFields
from monographs.services.content import CONTENT_MODELS, MEDICATION_PARTS, affected_medication_ids, content_remove
from monographs.services.derived import MARKDOWN_FIELDS, READABILITY_FIELD, render_derived_fields

from .errors import ContentError
from .existing import Existing, m2m_columns
from .inserts import MAX_PARAMS, insert_history, insert_objects, insert_values
from .records import Record
from .rows import checked_fields, validation_errors

READABILITY_ATTS = ("reading_grade", "reading_ease", "smog")


def _texts(model) -> tuple[str, ...]:
    """The fields derived fields are rendered from."""
    scored = READABILITY_FIELD.get(model)
    return tuple(text for text, _ in MARKDOWN_FIELDS.get(model, ())) + ((scored,) if scored else ())


def _derived(model) -> tuple[str, ...]:
    readability = READABILITY_ATTS if issubclass(model, ReadabilityFields) and model in READABILITY_FIELD else ()
    return tuple(html for _, html in MARKDOWN_FIELDS.get(model, ())) + readability


def _values(obj: models.Model) -> dict[str, object]:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def _differs(obj: models.Model, field, value) -> bool:
    if isinstance(value, models.Model):
        return value.pk is None or getattr(obj, field.attname) != value.pk  # None: a row this load creates
    return getattr(obj, field.attname) != value


class BulkWriter:
    """Stages rows (upsert, relate, prune), then writes them a model at a time (flush) and their history (finish)."""

    def __init__(self, existing: Existing, *, user, reason: str, report):
        self.existing = existing
        self.user = user
        self.reason = reason
        self.report = report
        self.errors: list[ContentError] = []
        self.affected: set[int] = set()  # medications whose leaflet shows a row this load changed
        self._created: dict[type, list] = defaultdict(list)
        self._updated: dict[type, dict[int, tuple[models.Model, dict]]] = defaultdict(dict)
        self._links: list[tuple[models.Model, str, set[int]]] = []
        self._history: dict[type, dict[int, tuple[models.Model, bool]]] = defaultdict(dict)
        self._claims: dict[tuple[type, str], dict] = {}
        self._rendered: dict[tuple, tuple] = {}  # (model, texts) -> derived values: each text rendered once a load

    # --- Staging ----------------------------------------------------------------------------------------------------

    def upsert(
        self, record: Record, model, lookup: dict, values: dict, m2m: dict | None = None, key_of: dict | None = None
    ):
        """Create or update one row from one record; stage only what differs. Returns the row (None when invalid)."""
        obj: Any = self.existing.rows[model].get(self.existing.key_from(model, lookup))
        created = obj is None
        if created:
            obj, before, differ = model(**lookup), {}, list(values)
        else:
            differ = [name for name, value in values.items() if _differs(obj, model._meta.get_field(name), value)]
            before = _values(obj) if differ else {}
        for name in differ:
            setattr(obj, name, values[name])  # by name: a row not yet created is filled in when it is
        changed = bool(created or differ)
        if changed and not self._stage(record, model, obj, before, key_of):
            return None
        self.relate(obj, m2m or {}, counted=changed)
        return obj

    def relate(self, obj: models.Model, m2m: dict[str, Iterable[models.Model]], *, counted: bool = False) -> None:
        """Give the row these many-to-many targets (sources, classes, ingredients), when they differ."""
        model = type(obj)
        counted = counted or id(obj) in self._history[model]  # created or changed by this load already
        for name, targets in m2m.items():
            wanted = {target.pk for target in targets}
            if obj.pk is not None and set(self.existing.links[(model, name)].get(obj.pk, {})) == wanted:
                continue
            self._links.append((obj, name, wanted))
            self._history[model].setdefault(id(obj), (obj, obj.pk is None))
            if not counted:  # only its sources (or classes) changed: the row itself is not written
                self.report.updated[model._meta.verbose_name_plural] += 1
                self.affected |= affected_medication_ids(obj)
                counted = True

    def prune(self, objs: Iterable[models.Model]) -> None:
        """Delete these rows (no longer in the files), each with its history row. Raises ProtectedError if one is
        still referred to."""
        for obj in objs:
            self.existing.forget(obj)
            for (model, _), claims in self._claims.items():
                if model is type(obj):
                    for value in [value for value, holder in claims.items() if holder is obj]:
                        del claims[value]
            self.affected |= content_remove(obj=obj, user=self.user, reason=self.reason)
            self.report.deleted[type(obj)._meta.verbose_name_plural] += 1

    def _stage(self, record: Record, model, obj: models.Model, before: dict, key_of: dict | None) -> bool:
        created = not before
        if created or any(before[name] != getattr(obj, name) for name in _texts(model)):
            self._render(model, obj)
        try:
            self._validate(model, obj, before, checked_fields(record, model))
        except ValidationError as exc:
            self.errors += validation_errors(record, model, exc, key_of)
            if not created:  # the row stays as it was, for what the load may still compare with it
                for name, value in before.items():
                    setattr(obj, name, value)
            return False
        if created:
            self._created[model].append(obj)
        else:
            self._updated[model][id(obj)] = (obj, before)
        self._history[model][id(obj)] = (obj, created)
        (self.report.created if created else self.report.updated)[model._meta.verbose_name_plural] += 1
        return True

    def _render(self, model, obj: models.Model) -> None:
        key = (model, *(getattr(obj, name) for name in _texts(model)))
        derived = _derived(model)
        if key not in self._rendered:
            render_derived_fields(obj)
            self._rendered[key] = tuple(getattr(obj, name) for name in derived)
        for name, value in zip(derived, self._rendered[key], strict=True):
            setattr(obj, name, value)

    def _validate(self, model, obj: models.Model, before: dict, checked: list[str]) -> None:
        """full_clean without its queries and without what the reader has validated already: relations are the
        writer's (checked across the files by the reader), `checked` the fields field_errors has validated;
        uniqueness is checked against the rows read before the load and those it has staged since, in order, as
        validate_unique would have found them; constraints are the database's and clean()'s."""
        relations = [field.name for field in model._meta.concrete_fields if field.is_relation]
        errors: dict = {}
        try:
            obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        unique = [field for field in model._meta.concrete_fields if field.unique and not field.primary_key]
        for field in unique:
            value = getattr(obj, field.attname)
            holder = self._claims_of(model, field).get(value)
            if field.name not in errors and value is not None and holder is not None and holder is not obj:
                errors.setdefault(field.name, []).append(obj.unique_error_message(model, (field.name,)))
        if errors:
            raise ValidationError(errors)
        for field in unique:
            claims = self._claims_of(model, field)
            if before and claims.get(before[field.attname]) is obj:
                del claims[before[field.attname]]
            claims[getattr(obj, field.attname)] = obj

    def _claims_of(self, model, field) -> dict:
        if (model, field.name) not in self._claims:
            rows = self.existing.rows[model].values()
            self._claims[(model, field.name)] = {getattr(obj, field.attname): obj for obj in rows}
        return self._claims[(model, field.name)]

    # --- Writing ----------------------------------------------------------------------------------------------------

    def flush(self) -> None:
        """Write what is staged: new rows, changed rows, then their many-to-many rows, parents before children."""
        for model in CONTENT_MODELS:
            created = self._created.pop(model, [])
            if created:
                insert_objects(model, created)
                for obj in created:
                    self.existing.rows[model][self.existing.key_of(obj)] = obj
                    if isinstance(obj, (Medication, *MEDICATION_PARTS)):
                        self.affected |= affected_medication_ids(obj)
            updated = list(self._updated.pop(model, {}).values())
            if updated:
                self._update(model, updated)
        self._write_links()

    def _update(self, model, updated: list[tuple[Any, dict]]) -> None:
        objs = [obj for obj, _ in updated]
        claimed = dict(
            model._base_manager.select_for_update().filter(pk__in=[obj.pk for obj in objs]).values_list("pk", "version")
        )
        for obj in objs:
            if claimed.get(obj.pk) != obj.version:
                raise EditConflict(obj, obj.version)
        now = timezone.now()
        fields = {"version"}
        for obj, before in updated:
            obj.version += 1
            for field in model._meta.concrete_fields:
                if getattr(field, "auto_now", False):
                    setattr(obj, field.attname, now)
                    fields.add(field.name)
                elif getattr(obj, field.attname) != before[field.attname]:
                    fields.add(field.name)
            self.affected |= affected_medication_ids(obj)
        # Two values a row and field (its key and the value, in CASE ... WHEN): statements of bounded size, as inserts.
        model._default_manager.bulk_update(objs, sorted(fields), batch_size=max(MAX_PARAMS // (2 * len(fields) + 2), 1))

    def _write_links(self) -> None:
        removed: dict[Any, list[int]] = defaultdict(list)
        added: dict[Any, list[tuple[dict, dict, int]]] = defaultdict(list)
        for obj, name, wanted in self._links:
            field: Any = type(obj)._meta.get_field(name)
            through: Any = field.remote_field.through
            own, target = m2m_columns(field)
            have = self.existing.links[(type(obj), name)].setdefault(obj.pk, {})
            for gone in set(have) - wanted:
                removed[through].append(have.pop(gone))
            for new in wanted - set(have):
                added[through].append(({own: obj.pk, target: new}, have, new))
        self._links = []
        for through, pks in removed.items():
            through._default_manager.filter(pk__in=pks).delete()
        for through, rows in added.items():
            pks = insert_values(through, (row for row, _, _ in rows), returning=True)
            for (_, have, new), pk in zip(rows, pks, strict=True):
                have[new] = pk

    def finish(self) -> None:
        """Flush, then one history row for each row created or changed, with its many-to-many values as they are
        now (django-simple-history's m2m history, as a save would have recorded it)."""
        self.flush()
        for model, entries in self._history.items():
            for created in (True, False):
                objs = [obj for obj, was_created in entries.values() if was_created is created]
                if objs:
                    self._record_history(model, objs, created)
        self._history.clear()

    def _record_history(self, model, objs: list, created: bool) -> None:
        history = insert_history(model, objs, created=created, user=self.user, reason=self.reason)
        if history is None:  # SIMPLE_HISTORY_ENABLED is off
            return
        for field in model.history.model._history_m2m_fields:
            m2m_history = getattr(model.history.model, field.name).model
            own, target = m2m_columns(field)
            links = self.existing.links[(model, field.name)]
            insert_values(
                m2m_history,
                (
                    {"history_id": history_pk, "id": through_pk, own: obj.pk, target: points_at}
                    for history_pk, obj in zip(history, objs, strict=True)
                    for points_at, through_pk in sorted(links.get(obj.pk, {}).items())
                ),
            )
