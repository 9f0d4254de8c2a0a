"""Database upkeep the product does itself: the PostgreSQL here may run without autovacuum,
and a table that grew by thousands of rows without fresh statistics gets slow plans (a
cadre list took over 30 s on a freshly loaded province)."""

from collections.abc import Sequence

from django.db import DEFAULT_DB_ALIAS, connection, connections, models


def analyze(tables: list[type[models.Model]]) -> None:
    """Refresh the planner's statistics of these tables."""
    names = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in tables)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {names}")
        else:  # SQLite analyses one table (or everything) per statement
            for model in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


# Columns whose Python value PostgreSQL takes as it is (str, int, bool, date or None).
_PLAIN = {"CharField", "TextField", "SlugField", "BooleanField", "IntegerField", "PositiveIntegerField",
          "BigIntegerField", "DateField", "ForeignKey", "OneToOneField"}


def insert_many(objs: Sequence[models.Model]) -> None:
    """Insert new rows of one model, setting their ids, like `bulk_create`. On PostgreSQL the
    ids are drawn from the table's sequence and the rows sent with COPY: an import's 250,000
    rows take a fraction of the time Django's INSERT … UNNEST needs to build and send."""
    if not objs:
        return
    model = type(objs[0])
    db = connections[DEFAULT_DB_ALIAS]  # not the `connection` proxy, read once per value below
    if db.vendor != "postgresql":
        model._base_manager.bulk_create(objs)
        return
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    fields = [field for field in meta.concrete_fields if field is not pk]
    quote = db.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in [pk, *fields])
    for obj in objs:
        # As bulk_create does: a foreign key to an object saved since takes its id.
        obj._prepare_related_fields_for_save(operation_name="insert_many")  # type: ignore[attr-defined]
    with db.cursor() as cursor, db.wrap_database_errors:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [meta.db_table, pk.column, len(objs)])
        ids = [row[0] for row in cursor.fetchall()]
        # Plain values go to COPY as they are; the rest (dates set on save, JSON) as Django prepares them.
        plain = [field.get_internal_type() in _PLAIN and not getattr(field, "auto_now_add", False)
                 and not getattr(field, "auto_now", False) for field in fields]
        attnames = [field.attname for field in fields]
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj, pk_value in zip(objs, ids, strict=True):
                obj.pk = pk_value
                values = obj.__dict__
                copy.write_row([pk_value, *(values[attname] if is_plain else
                                            field.get_db_prep_save(field.pre_save(obj, True), db)
                                            for field, attname, is_plain in zip(fields, attnames, plain))])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = db.alias
