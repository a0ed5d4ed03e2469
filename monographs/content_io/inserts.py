"""The loader's INSERTs: a load of a thousand leaflets writes about a quarter of a million rows (the rows, their
many-to-many rows and the history of both), and QuerySet.bulk_create took the largest share of its time compiling them
(several calls per value, for some 2.7 million values). These write the same values (each field's pre_save and
get_db_prep_save, as bulk_create does) in multi-row INSERT statements within the database's batch size, and give each
row its primary key from RETURNING, as bulk_create does where the database can.

The history rows are django-simple-history's as its bulk_history_create builds them (user, change reason, type, date,
the row's tracked fields), written from the rows' values without building a historical instance for each."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import connections, models, router
from django.utils import timezone
from simple_history.utils import get_change_reason_from_object

# Values per statement at most, where the database sets no lower limit (PostgreSQL sets none): a statement of a few
# megabytes, well within any statement timeout, and few enough statements for their count not to matter.
MAX_PARAMS = 60_000
# Rows a bulk_create statement takes at most where it is used instead (PostgreSQL): it sets no limit of its own, and a
# statement of every warning of a thousand leaflets took longer than the statement timeout to parse.
MAX_ROWS = 2_000


def _insert(model, fields: Sequence[Any], rows: list[list], *, returning: bool) -> list[int]:
    """INSERT these rows (Python values, in the order of `fields`) in the fewest statements the database takes.
    Returns their primary keys in order when `returning`."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    tail = f" RETURNING {table}.{quote(model._meta.pk.column)}" if returning else ""
    size = max(min(connection.ops.bulk_batch_size(list(fields), rows), MAX_PARAMS // len(fields)), 1)
    pks: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            params = [
                field.get_db_prep_save(value, connection)
                for row in batch
                for field, value in zip(fields, row, strict=True)
            ]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([placeholders] * len(batch))}{tail}", params
            )
            if returning:
                pks += [pk for (pk,) in cursor.fetchall()]
    if returning and len(pks) != len(rows):
        raise RuntimeError(f"{model._meta.db_table}: {len(rows)} rows inserted, {len(pks)} keys returned")
    return pks


def _can_insert(model) -> bool:
    """Whether this model's rows can go through _insert: an automatic primary key, plain fields (no database defaults,
    generated columns or custom placeholders) and a database that returns the keys of a multi-row INSERT. Not on
    PostgreSQL: there bulk_create sends each column as one array (INSERT ... SELECT FROM UNNEST), a handful of
    parameters a statement, where _insert's one parameter a value costs psycopg more than bulk_create's compiling."""
    connection = connections[router.db_for_write(model)]
    fields = model._meta.concrete_fields
    return (
        connection.vendor != "postgresql"
        and connection.features.can_return_rows_from_bulk_insert
        and isinstance(model._meta.pk, models.AutoField | models.BigAutoField | models.SmallAutoField)
        and not any(field.generated or field.has_db_default() for field in fields)
        and not any(hasattr(field, "get_placeholder_sql") for field in fields)
    )


def _related_ids(obj: models.Model) -> None:
    """A foreign key given as a row that had no key yet when it was set (a medication's names, staged with a new
    medication) takes that row's key now, as bulk_create would; a row still unsaved is refused, as there."""
    for field in obj._meta.concrete_fields:
        if field.many_to_one and getattr(obj, field.attname) is None:
            try:
                target = getattr(obj, field.name)  # the row it was given, if any: no query, its id is None
            except ObjectDoesNotExist:
                continue
            if target is not None:
                if target.pk is None:
                    raise ValueError(f"{obj._meta.label}.{field.name}: the row it refers to has not been saved")
                setattr(obj, field.attname, target.pk)


def insert_objects(model, objs: list[models.Model]) -> None:
    """Insert these new rows of `model` and set their primary keys (QuerySet.bulk_create, faster; no signals either)."""
    if not objs:
        return
    if not _can_insert(model):
        model._default_manager.bulk_create(objs, batch_size=MAX_ROWS)
        return
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    rows = []
    for obj in objs:
        _related_ids(obj)
        rows.append([field.pre_save(obj, True) for field in fields])  # pre_save: auto_now fields take their time
    database = router.db_for_write(model)
    for obj, pk in zip(objs, _insert(model, fields, rows, returning=True), strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = database


def insert_values(model, rows: Iterable[dict[str, Any]], *, returning: bool = False) -> list[int]:
    """Insert rows given as {attname: value} (many-to-many rows and their history, which need no instance). Returns
    their primary keys in order when `returning`."""
    rows = list(rows)
    if not rows:
        return []
    if not _can_insert(model):
        return [
            obj.pk for obj in model._default_manager.bulk_create([model(**row) for row in rows], batch_size=MAX_ROWS)
        ]
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    return _insert(model, fields, [[row[field.attname] for field in fields] for row in rows], returning=returning)


def insert_history(model, objs: list[models.Model], *, created: bool, user, reason: str) -> list[int] | None:
    """One history row for each of these rows, as django-simple-history's bulk_history_create writes it. Returns the
    history rows' keys in order, or None when SIMPLE_HISTORY_ENABLED is off."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return None
    history: Any = model.history.model
    tracked = {field.attname for field in history.tracked_fields}
    fields = [field for field in history._meta.concrete_fields if not field.primary_key]
    own = {"history_date", "history_user_id", "history_change_reason", "history_type", "history_relation_id"}
    unknown = [field.attname for field in fields if field.attname not in tracked | own]
    if unknown or not _can_insert(history):  # a history model this module does not know how to fill
        rows = model.history.bulk_history_create(
            objs, batch_size=MAX_ROWS, update=not created, default_user=user, default_change_reason=reason
        )
        return [row.pk for row in rows]
    rows = []
    for obj in objs:
        values = {
            "history_date": getattr(obj, "_history_date", timezone.now()),
            "history_user_id": _pk(getattr(obj, "_history_user", user or history.get_default_history_user(obj))),
            "history_change_reason": get_change_reason_from_object(obj) or reason,
            "history_type": "+" if created else "~",
            "history_relation_id": obj.pk,
        }
        rows.append(
            [getattr(obj, field.attname) if field.attname in tracked else values[field.attname] for field in fields]
        )
    return _insert(history, fields, rows, returning=True)


def _pk(user) -> Any:
    return user.pk if user is not None else None
