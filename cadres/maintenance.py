"""Database upkeep the product does itself: the PostgreSQL here may run without autovacuum,
and a table that grew by thousands of rows without fresh statistics gets slow plans (a
cadre list took over 30 s on a freshly loaded province)."""

from django.db import connection, models


def analyze(tables: list[type[models.Model]]) -> None:
    """Refresh the planner's statistics of these tables."""
    names = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in tables)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {names}")
        else:  # SQLite analyses one table (or everything) per statement
            for model in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
