"""Freezing a cycle's figures when it is closed.

Closing (`evaluations.services.cycles.cycle_close`) sends `cycle_closing` inside its
transaction, after it has switched the cycle row to closed (which holds the row: every
re-roll queued before waits, then finds the cycle closed and is discarded). Here the
figures are recomputed once more and copied, with the tree as it stands and the cadres
counted, into the next snapshot version, in the same transaction: if anything fails, the
cycle stays open. Reopening and closing again makes version 2; version 1 stays readable.
"""

from django.db import connection
from django.db.models import Max

from cadres.models import Unit, User
from cadres.services.audit import audit_record
from evaluations.models import Cycle
from reports.figures import club_entries, meeting_entries
from reports.models import CadreFigures, FiguresSnapshot, SnapshotCadre, SnapshotUnit, UnitFigures
from reports.rollup import CADRE_ROW_COLUMNS, FIGURE_COLUMNS, cadre_targets_sql, reference_date, subtree_targets, table
from reports.services.rollup import recompute_cycle


def _json_object(key: str, met: str, total: str) -> str:
    """{key: [met, total]} aggregated over a group, as the database's JSON."""
    if connection.vendor == "postgresql":
        return f"jsonb_object_agg({key}, jsonb_build_array({met}, {total}))"
    return f"json_group_object({key}, json_array({met}, {total}))"


def _empty_json() -> str:
    return "'{}'::jsonb" if connection.vendor == "postgresql" else "'{}'"


def _freeze_targets(cycle: Cycle, snapshot: FiguresSnapshot) -> None:
    """Each frozen unit keeps its subtree's target attainment in its extra, as it stood."""
    rows = list(SnapshotUnit.objects.filter(snapshot=snapshot).only("pk", "path", "extra"))
    targets = subtree_targets(cycle, [row.path for row in rows])
    for row in rows:
        row.extra = {**row.extra, "targets": targets.get(row.path, {})}
    SnapshotUnit.objects.bulk_update(rows, ["extra"], batch_size=1000)


def _freeze_meetings(cycle: Cycle, snapshot: FiguresSnapshot) -> None:
    """Each frozen unit keeps its meeting targets as they stood, and a club's own unit its
    club's year: a meeting or a member recorded later does not change the closed figures."""
    rows = list(SnapshotUnit.objects.filter(snapshot=snapshot).select_related("unit").only(
        "pk", "path", "extra", "unit__path", "unit__tenant_id"))
    if not rows:
        return
    targets = meeting_entries(cycle, [row.unit for row in rows])
    clubs: dict[int, list[dict[str, object]]] = {}
    for club in club_entries(cycle, min((row.unit for row in rows), key=lambda unit: unit.path)):
        clubs.setdefault(club["unit_id"], []).append(club)
    for row in rows:
        row.extra = {**row.extra, "meeting_targets": targets[row.unit_id],
                     **({"clubs": clubs[row.unit_id]} if row.unit_id in clubs else {})}
    SnapshotUnit.objects.bulk_update(rows, ["extra"], batch_size=1000)


def snapshot_take(*, cycle: Cycle, acting_user: User, reopen_reason: str = "") -> FiguresSnapshot:
    """Call inside the closing transaction, the cycle row held."""
    recompute_cycle(cycle)
    version = (FiguresSnapshot.objects.filter(cycle=cycle).aggregate(top=Max("version"))["top"] or 0) + 1
    snapshot = FiguresSnapshot.objects.create(
        tenant_id=cycle.tenant_id, cycle=cycle, version=version, reference_date=reference_date(cycle),
        created_by=acting_user if acting_user is not None and acting_user.is_authenticated else None,
        reopen_reason=reopen_reason[:500],
    )
    figures = ", ".join(FIGURE_COLUMNS)
    flags = ", ".join(column for column in CADRE_ROW_COLUMNS)
    step = Unit.steplen
    with connection.cursor() as cursor:
        cursor.execute(f"""
        INSERT INTO {table(SnapshotUnit)} (tenant_id, snapshot_id, unit_id, parent_unit_id, path, depth, code, name,
                                        level, sector, {figures}, extra)
        SELECT f.tenant_id, %s, u.id, parent.id, u.path, u.depth, u.code, u.name, u.level, u.sector,
               {', '.join(f'f.{column}' for column in FIGURE_COLUMNS)}, f.extra
        FROM {table(UnitFigures)} f
        JOIN {table(Unit)} u ON u.id = f.unit_id
        LEFT JOIN {table(Unit)} parent ON parent.tenant_id = u.tenant_id AND u.depth > 1
             AND parent.path = SUBSTR(u.path, 1, LENGTH(u.path) - {step})
        WHERE f.cycle_id = %s""", [snapshot.pk, cycle.pk])
        units = cursor.rowcount
        per_cadre, target_params = cadre_targets_sql(cycle)
        cursor.execute(f"""
        WITH results AS ({per_cadre}),
        targets AS (SELECT cadre_id, {_json_object('CAST(criterion_id AS TEXT)', 'met', 'total')} AS targets
                    FROM results GROUP BY cadre_id)
        INSERT INTO {table(SnapshotCadre)} (tenant_id, snapshot_id, {flags}, targets)
        SELECT f.tenant_id, %s, {', '.join(f'f.{column}' for column in CADRE_ROW_COLUMNS)},
               COALESCE(t.targets, {_empty_json()})
        FROM {table(CadreFigures)} f LEFT JOIN targets t ON t.cadre_id = f.cadre_id
        WHERE f.cycle_id = %s AND f.unit_id IS NOT NULL""", [*target_params, snapshot.pk, cycle.pk])
        cadres = cursor.rowcount
    _freeze_targets(cycle, snapshot)
    _freeze_meetings(cycle, snapshot)
    audit_record(actor=acting_user, action="figures.snapshot", obj=snapshot,
                 data={"cycle": cycle.year, "version": version, "units": units, "cadres": cadres})
    return snapshot
