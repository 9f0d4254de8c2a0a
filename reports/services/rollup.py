"""Writing the live figures of an open cycle (`reports.tasks` queues the runs).

Two ways in, which converge on the same rows (a property test holds them to a brute-force
recount after every step):

- `rollup_cycle`, the full run (nightly, the shell, a new cycle, closing one): every cadre
  row is computed in one set-based pass into a working table, the target results per home
  unit from it, then every unit's figures are summed from them; each stored table is synced
  from its working table in SQL, so only rows that changed are written. It holds the cycle
  row exclusively, so no incremental step interleaves with it; a worker killed mid-run
  leaves the previous rows whole and the rerun writes what an uninterrupted run would have.
- `rollup_cadres`, after a form or a position changes: the cadre's row is recomputed and
  the difference is added to the units on the path above its home (old and new home, if it
  moved) — the unit's depth + 1 rows, whatever the size of the province — and those homes
  recount their target results (rows written only where a result changed). It holds the
  cycle row in share mode only (incremental steps never wait for each other there) and
  locks the cadre rows, then the unit rows in path order, so concurrent steps neither
  deadlock nor lose an update.

A closed cycle is frozen (`reports.services.snapshots`): the full run refuses it and
incremental steps queued before the close are discarded.
"""

import datetime
import json
import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.maintenance import analyze
from cadres.models import UnitLevel
from evaluations.models import Cycle, CycleStatus
from reports.models import CadreFigures, UnitFigures, UnitTargetFigures
from reports.rollup import (
    CADRE_COLUMNS,
    CADRE_ROW_COLUMNS,
    FIGURE_COLUMNS,
    UNIT_TARGET_COLUMNS,
    CadreRow,
    Params,
    ancestor_paths,
    cadre_rows,
    cadre_rows_sql,
    contribution,
    differs,
    is_complete,
    live_units,
    reference_date,
    table,
    unit_figure_rows,
    unit_programmes,
    unit_target_sql,
)

logger = logging.getLogger(__name__)

# Past this many cadres in one change (a large import), one full run is cheaper.
INCREMENTAL_LIMIT = 500
ANALYZE_AFTER_ROWS = 1000
ROLLUP_WORK_MEM = "64MB"


def _closed_error(cycle: Cycle) -> ValidationError:
    return ValidationError(
        _("The %(year)d cycle is closed: its figures are frozen as they stood when it was closed. "
          "Provincial staff can reopen it to recompute them.") % {"year": cycle.year}, code="closed")


def _lock_cycle(cycle: Cycle, *, exclusive: bool) -> str | None:
    """The cycle's status, holding its row until the transaction ends (SQLite serialises
    writers on its own)."""
    mode = "" if connection.vendor != "postgresql" else " FOR NO KEY UPDATE" if exclusive else " FOR SHARE"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT status FROM {table(Cycle)} WHERE id = %s{mode}", [cycle.pk])
        row = cursor.fetchone()
    return row[0] if row else None


# --- The full run -------------------------------------------------------------------------

# The full run's working tables, private to its connection and dropped when it ends.
TARGETS_TABLE, ROWS_TABLE, UNITS_TABLE = "rollup_targets", "rollup_cadre_rows", "rollup_unit_rows"


def _analyze(cursor: CursorWrapper, name: str, key: str) -> None:
    if connection.vendor == "postgresql":  # a new table has no statistics: the joins on its key need them
        cursor.execute(f"ANALYZE {name} ({key})")


def _temp_table(cursor: CursorWrapper, name: str, sql: str, params: Params, key: str) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cursor.execute(f"CREATE TEMP TABLE {name} AS {sql}", params)
    _analyze(cursor, name, key)


def _load(cursor: CursorWrapper, name: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Rows from Python into a working table (keyed by its first column): COPY on PostgreSQL."""
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        _analyze(cursor, name, columns[0])
    else:
        cursor.executemany(f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})",
                           rows)


def _sync(cursor: CursorWrapper, model: type[Model], keys: list[str], columns: list[str], work: str, cycle: Cycle,
          now: datetime.datetime) -> tuple[int, int]:
    """Make the cycle's stored rows of `model` equal the working table `work` (its `keys`
    and `columns`): rows that
    differ updated, rows absent from it deleted, new ones inserted — hash joins over the
    whole province, not one probe per row, and nothing moves through Python. Returns
    (rows written, rows inserted)."""
    stored = table(model)
    same_key = " AND ".join(f"{{row}}.{key} = w.{key}" for key in keys)
    changed = " OR ".join(differs(f"{stored}.{column}", f"w.{column}") for column in columns)
    stamp = connection.ops.adapt_datetimefield_value(now)
    cursor.execute(f"""
    UPDATE {stored} SET {', '.join(f'{column} = w.{column}' for column in columns)}, computed_at = %s
    FROM {work} w WHERE {stored}.cycle_id = %s AND {same_key.format(row=stored)} AND ({changed})""", [stamp, cycle.pk])
    updated = cursor.rowcount
    # Before the insert: a table that has just grown without statistics would make this
    # anti-join crawl.
    cursor.execute(f"""
    DELETE FROM {stored} WHERE cycle_id = %s
      AND NOT EXISTS (SELECT 1 FROM {work} w WHERE {same_key.format(row=stored)})""", [cycle.pk])
    deleted = cursor.rowcount
    names = [*keys, *columns]
    # NOT IN, not NOT EXISTS: the stored keys are read (and hashed) once, before the insert.
    # A correlated anti-join against a table growing under it (a new cycle's first run, its
    # statistics saying empty) re-read every row inserted so far: 56 s for 100,000 cadres.
    cursor.execute(f"""
    INSERT INTO {stored} (tenant_id, cycle_id, computed_at, {', '.join(names)})
    SELECT %s, %s, %s, {', '.join(f'w.{name}' for name in names)} FROM {work} w
    WHERE ({', '.join(f'w.{key}' for key in keys)}) NOT IN (SELECT {', '.join(keys)} FROM {stored} WHERE cycle_id = %s)""",
                   [cycle.tenant_id, cycle.pk, stamp, cycle.pk])
    return updated + deleted + cursor.rowcount, cursor.rowcount


def _write_cadre_rows(cycle: Cycle, now: datetime.datetime) -> int:
    """Every cadre row computed once into a working table, then stored (`_sync`; cadres out
    of scope — no active position, archived — lose theirs); then the target results per home
    unit from them. Returns how many cadre rows were inserted."""
    with connection.cursor() as cursor:
        sql, params = cadre_rows_sql(cycle, reference_date(cycle))
        _temp_table(cursor, ROWS_TABLE, f"WITH {sql} SELECT {', '.join(CADRE_ROW_COLUMNS)} FROM cadre_rows", params,
                    "cadre_id")
        _written, inserted = _sync(cursor, CadreFigures, ["cadre_id"], CADRE_ROW_COLUMNS[1:], ROWS_TABLE, cycle, now)
        _temp_table(cursor, TARGETS_TABLE, *unit_target_sql(cycle, ROWS_TABLE), "unit_id")
        _sync(cursor, UnitTargetFigures, UNIT_TARGET_COLUMNS[:2], UNIT_TARGET_COLUMNS[2:], TARGETS_TABLE, cycle, now)
    return inserted


def _write_unit_targets(cycle: Cycle, unit_ids: list[int], now: datetime.datetime) -> int:
    """Recount the target results of the cadres at home in these few units (their stored
    cadre rows) and write what differs; returns the rows written."""
    if not unit_ids:
        return 0
    marks = ", ".join(["%s"] * len(unit_ids))
    homes = f"(SELECT cadre_id, unit_id FROM {table(CadreFigures)} WHERE cycle_id = %s AND unit_id IN ({marks}))"
    sql, params = unit_target_sql(cycle, homes)
    with connection.cursor() as cursor:
        cursor.execute(sql, [cycle.pk, *unit_ids, *params])
        fresh = {(unit_id, criterion_id): (int(met), int(total)) for unit_id, criterion_id, met, total in cursor.fetchall()}
    stored = {(row.unit_id, row.criterion_id): row
              for row in UnitTargetFigures.objects.filter(cycle=cycle, unit_id__in=unit_ids)}
    changed = []
    for key, row in stored.items():
        if key in fresh and (row.met, row.total) != fresh[key]:
            row.met, row.total = fresh[key]
            row.computed_at = now
            changed.append(row)
    gone = [row.pk for key, row in stored.items() if key not in fresh]
    new = [UnitTargetFigures(tenant_id=cycle.tenant_id, cycle=cycle, unit_id=unit_id, criterion_id=criterion_id,
                             met=met, total=total, computed_at=now)
           for (unit_id, criterion_id), (met, total) in fresh.items() if (unit_id, criterion_id) not in stored]
    UnitTargetFigures.objects.bulk_update(changed, ["met", "total", "computed_at"])
    if gone:
        UnitTargetFigures.objects.filter(pk__in=gone).delete()
    UnitTargetFigures.objects.bulk_create(new)
    return len(changed) + len(gone) + len(new)


def _write_unit_rows(cycle: Cycle, figures: list[tuple[Any, ...]], now: datetime.datetime) -> int:
    """Store every live unit's figures (rows of `unit_figure_rows`; `_sync`: rows of units
    no longer live deleted). Returns the number of rows written."""
    columns = [*FIGURE_COLUMNS, "extra"]
    stored = table(UnitFigures)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {UNITS_TABLE}")
        cursor.execute(f"CREATE TEMP TABLE {UNITS_TABLE} AS SELECT unit_id, {', '.join(columns)} FROM {stored} WHERE 1 = 0")
        # The same serialisation as the JSON field's, so SQLite can compare the texts.
        _load(cursor, UNITS_TABLE, ["unit_id", *columns], [(*row[:-1], json.dumps(row[-1])) for row in figures])
        written, _inserted = _sync(cursor, UnitFigures, ["unit_id"], columns, UNITS_TABLE, cycle, now)
    return written


def _drop_temp_tables() -> None:
    with connection.cursor() as cursor:
        for name in (TARGETS_TABLE, ROWS_TABLE, UNITS_TABLE):
            cursor.execute(f"DROP TABLE IF EXISTS {name}")


def recompute_cycle(cycle: Cycle) -> int:
    """The full run's work, inside a transaction that holds the cycle row; for the close."""
    now = timezone.now()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{ROLLUP_WORK_MEM}'")
            cursor.execute("SET LOCAL jit = off")
    try:
        inserted = _write_cadre_rows(cycle, now)
        written = _write_unit_rows(cycle, unit_figure_rows(cycle, ROWS_TABLE), now)
    finally:
        _drop_temp_tables()
    if inserted >= ANALYZE_AFTER_ROWS:  # a new cycle's first run: the re-rolls' lookups need statistics
        analyze([CadreFigures, UnitFigures, UnitTargetFigures])
    return written


def rollup_cycle(*, cycle: Cycle) -> int:
    """Recompute every figure of an open cycle; returns the number of unit rows written.
    A closed cycle refuses (its figures are the snapshot's)."""
    with transaction.atomic():
        if _lock_cycle(cycle, exclusive=True) != CycleStatus.OPEN:
            raise _closed_error(cycle)
        if connection.vendor == "postgresql":
            # One long analytic pass over the province, where PostgreSQL's JIT pays for its
            # compiling (about 10% here); the app's short reads run without it (config/settings.py).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = on")
        return recompute_cycle(cycle)


# --- One path at a time -------------------------------------------------------------------

def _placeholder(cycle: Cycle, cadre_id: int, now: datetime.datetime) -> CadreFigures:
    """A cadre counted nowhere yet (depth 0 joins no unit)."""
    return CadreFigures(tenant_id=cycle.tenant_id, cycle=cycle, cadre_id=cadre_id, unit=None, path="", depth=0,
                        computed_at=now)


def _same(row: CadreFigures, new: CadreRow | None) -> bool:
    if new is None:
        return row.unit_id is None
    return all(getattr(row, column) == new[column] for column in CADRE_ROW_COLUMNS if column != "cadre_id")


def _as_row(row: CadreFigures) -> CadreRow:
    return {column: getattr(row, column) for column in CADRE_ROW_COLUMNS}


class _Deltas:
    """What to add to each unit on the paths concerned, keyed by unit path."""

    def __init__(self) -> None:
        self.values: dict[str, list[int]] = {}

    def add(self, row: CadreRow, sign: int) -> None:
        if not row["path"]:
            return
        vector = contribution(row)
        for prefix in ancestor_paths(row["path"]):
            current = self.values.setdefault(prefix, [0] * len(vector))
            for index, value in enumerate(vector):
                current[index] += sign * value


def _state(row: UnitFigures) -> tuple[int, ...]:
    return tuple(getattr(row, name) for name in FIGURE_COLUMNS)


def _apply(cycle: Cycle, deltas: _Deltas, homes: set[str], now: datetime.datetime) -> int | None:
    """Add the deltas to the unit rows, locked in path order with the `homes` whose target
    results are recounted, and write those that changed; None when a row is missing (a unit
    created since the last full run): the caller runs the full one instead."""
    paths = sorted(set(deltas.values) | homes)
    if not paths:
        return 0
    rows = list(UnitFigures.objects.select_for_update(of=("self",)).filter(cycle=cycle, unit__path__in=paths)
                .select_related("unit").order_by("unit__path"))
    if len(rows) != len(paths):
        return None
    by_path = {row.unit.path: row for row in rows}
    before = {row.pk: _state(row) for row in rows}
    for path, row in by_path.items():
        was_complete = is_complete(row.cadres, row.registered)
        for name, value in zip(CADRE_COLUMNS, deltas.values.get(path, ())):
            setattr(row, name, getattr(row, name) + value)
        if row.unit.level == UnitLevel.GRASSROOTS and was_complete != is_complete(row.cadres, row.registered):
            for prefix in ancestor_paths(path):
                by_path[prefix].grassroots_units_complete += -1 if was_complete else 1
    changed = [row for row in rows if _state(row) != before[row.pk]]
    for row in changed:
        row.computed_at = now
    UnitFigures.objects.bulk_update(changed, [*FIGURE_COLUMNS, "computed_at"])
    return len(changed)


def rollup_cadres(*, cycle: Cycle, cadre_ids: Iterable[int]) -> int:
    """Recompute a few cadres and the units above them; returns the rows written."""
    ids = sorted({int(cadre_id) for cadre_id in cadre_ids})
    written = _rollup_cadres(cycle, ids) if len(ids) <= INCREMENTAL_LIMIT else None
    if written is None:
        # Many cadres, a cycle never computed in full, or a unit new since the last full run.
        return rollup_cycle(cycle=cycle)
    return written


@transaction.atomic
def _rollup_cadres(cycle: Cycle, ids: list[int]) -> int | None:
    now = timezone.now()
    if _lock_cycle(cycle, exclusive=False) != CycleStatus.OPEN:
        logger.info("cycle %s is closed: a queued rollup of cadres %s is discarded", cycle.pk, ids)
        return 0
    stored = _lock_cadre_rows(cycle, ids)
    missing = [cadre_id for cadre_id in ids if cadre_id not in stored]
    if missing:  # counted nowhere yet: a zero row to lock (another step may be creating it too)
        CadreFigures.objects.bulk_create([_placeholder(cycle, cadre_id, now) for cadre_id in missing],
                                         ignore_conflicts=True)
        stored.update(_lock_cadre_rows(cycle, missing))
    fresh = cadre_rows(cycle, ids)
    # Any of these cadres' results may have changed with no flag changing: their homes,
    # before and after, recount their target results.
    homes = {row.path: row.unit_id for row in stored.values() if row.unit_id is not None}
    homes.update({row["path"]: row["unit_id"] for row in fresh.values()})
    deltas = _Deltas()
    changed = []
    for cadre_id in ids:
        row, new = stored[cadre_id], fresh.get(cadre_id)
        if _same(row, new):
            continue
        deltas.add(_as_row(row), -1)
        if new is not None:
            deltas.add(new, +1)
        changed.append((row, new))
    written = _apply(cycle, deltas, set(homes), now)
    if written is None:
        return None
    for row, new in changed:
        if new is None:
            row.delete()
            continue
        for column in CADRE_ROW_COLUMNS:
            setattr(row, column, new[column])
        row.computed_at = now
        row.save()
    if missing:  # placeholders of cadres still counted nowhere
        CadreFigures.objects.filter(cycle=cycle, cadre_id__in=missing, unit__isnull=True).delete()
    return written + len(changed) + _write_unit_targets(cycle, sorted(set(homes.values())), now)


def rollup_unit_forms(*, cycle: Cycle, unit_ids: Iterable[int]) -> int:
    """Recount the unit programmes' figures (units taking part and attaining, pilots against
    the quota) of the units above these subject units, after a unit form changed; returns
    the rows written. Their cadres' figures did not change: no cadre row is read."""
    written = _rollup_unit_forms(cycle, set(unit_ids))
    return rollup_cycle(cycle=cycle) if written is None else written  # None: a unit new since the full run


@transaction.atomic
def _rollup_unit_forms(cycle: Cycle, unit_ids: set[int]) -> int | None:
    if _lock_cycle(cycle, exclusive=False) != CycleStatus.OPEN:
        logger.info("cycle %s is closed: a queued rollup of unit forms of %s is discarded", cycle.pk, unit_ids)
        return 0
    units = live_units(cycle)
    paths = {prefix for unit in units if unit.id in unit_ids for prefix in ancestor_paths(unit.path)}
    above = [unit for unit in units if unit.path in paths]
    rows = list(UnitFigures.objects.select_for_update(of=("self",)).filter(cycle=cycle, unit__path__in=paths)
                .select_related("unit").order_by("unit__path"))
    if len(rows) != len(above):
        return None
    programmes, now = unit_programmes(cycle, above), timezone.now()
    changed = []
    for row in rows:
        entries = programmes.get(row.unit.path, [])
        if row.extra.get("unit_programmes", []) != entries:
            row.extra = {**row.extra, "unit_programmes": entries}
            row.computed_at = now
            changed.append(row)
    UnitFigures.objects.bulk_update(changed, ["extra", "computed_at"])
    return len(changed)


def _lock_cadre_rows(cycle: Cycle, ids: list[int]) -> dict[int, CadreFigures]:
    rows = CadreFigures.objects.select_for_update().filter(cycle=cycle, cadre_id__in=ids).order_by("cadre_id")
    return {row.cadre_id: row for row in rows}

