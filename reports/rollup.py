"""Figures per unit over its subtree (domain §7), computed with set-based SQL over the
materialized path. Read-only: `reports.services.rollup` writes the rows.

Who is counted where. Every cadre has exactly one **home unit**: the unit of their
deciding position among the positions active on the reference date (`reference_date`:
the cycle's 31/12, or today while the year runs) in units not archived — the lowest
level, then the deepest unit, then the highest role (Bí thư first), then the path; the
same order `models_registry.selectors.deciding_position` uses, without a programme. A
cadre's forms of the cycle count at their home unit too. Archived cadres, and cadres
without an active position, are out of scope. So a cadre holding positions in two units
of one subtree is counted once, and a subtree's figure is the plain sum of its units' own.

Two layers, so that one form change costs one path, not the province:
1. **per cadre** (`cadre_rows_sql`): the home unit and 0/1 flags for what they filed, one
   pass per table (pre-aggregated per cadre, then joined), stored as `CadreFigures`;
2. **per unit**: each cadre row joins each ancestor of its home through the path prefixes
   (`ancestor.path = SUBSTR(path, 1, 4·d)`, an indexed equality) and is summed per ancestor
   (`CADRE_SUMS`, the same sums in SQL and in Python); unit-side figures (units with a
   programme, đoàn cơ sở) come from the tree; a đoàn cơ sở is complete when it has cadres
   and every one of them registered.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection

from cadres.models import Cadre, Position, PositionRole, Unit, UnitLevel
from evaluations.kinds import YEARLY_SELF_ASSESSMENT
from evaluations.models import (
    AssessmentState,
    Commitment,
    CommitmentResult,
    Cycle,
    Initiative,
    Rating,
    Registration,
    RegistrationState,
    SelfAssessment,
)
from models_registry.models import (
    Criterion,
    CriterionKind,
    Programme,
    ProgrammeParticipant,
    ProgrammeStatus,
    ProgrammeSubject,
)
from models_registry.selectors import pilot_progress

STEP = Unit.steplen
LEVEL_ORDER = list(UnitLevel.values)  # province first: a higher rank is a lower level
ROLE_ORDER = list(PositionRole.values)  # Bí thư first
FLAG_COLUMNS = [
    "registered", "registration_approved", "self_assessed", "self_assessment_finalised", "rating",
    "late_registration", "late_self_assessment", "grassroots_secretary", "with_initiative", "civil_servant",
    "four_gains",
]
CADRE_ROW_COLUMNS = ["cadre_id", "unit_id", "path", "depth", *FLAG_COLUMNS, "targets"]


def _is(rating: str):
    return lambda row: int(row["rating"] == rating)


# Each unit figure over cadre rows: (column, SQL over the row alias `f`, the same in Python).
CADRE_SUMS = [
    ("cadres", "1", lambda row: 1),
    ("registered", "f.registered", lambda row: row["registered"]),
    ("registrations_approved", "f.registration_approved", lambda row: row["registration_approved"]),
    ("self_assessed", "f.self_assessed", lambda row: row["self_assessed"]),
    ("self_assessments_finalised", "f.self_assessment_finalised", lambda row: row["self_assessment_finalised"]),
    ("registered_and_self_assessed", "f.registered * f.self_assessed",
     lambda row: row["registered"] * row["self_assessed"]),
    *[(f"rated_{rating}", f"CASE WHEN f.rating = '{rating}' THEN 1 ELSE 0 END", _is(rating))
      for rating in Rating.values],
    ("late_registrations", "f.late_registration", lambda row: row["late_registration"]),
    ("late_self_assessments", "f.late_self_assessment", lambda row: row["late_self_assessment"]),
    ("grassroots_secretaries", "f.grassroots_secretary", lambda row: row["grassroots_secretary"]),
    ("grassroots_secretaries_with_initiative", "f.grassroots_secretary * f.with_initiative",
     lambda row: row["grassroots_secretary"] * row["with_initiative"]),
    ("civil_servants", "f.civil_servant", lambda row: row["civil_servant"]),
    ("civil_servants_four_gains", "f.civil_servant * f.four_gains",
     lambda row: row["civil_servant"] * row["four_gains"]),
]
CADRE_COLUMNS = [name for name, _sql, _py in CADRE_SUMS]
UNIT_COLUMNS = ["units", "units_with_programme", "grassroots_units"]
FIGURE_COLUMNS = CADRE_COLUMNS + UNIT_COLUMNS + ["grassroots_units_complete"]


def reference_date(cycle: Cycle, today: datetime.date | None = None) -> datetime.date:
    """Positions are read as they stand on this day (`Cycle.reference_date`)."""
    return cycle.reference_date(today)


def ancestor_paths(path: str) -> list[str]:
    """The path of every unit from the root down to this one (itself included)."""
    return [path[:end] for end in range(STEP, len(path) + 1, STEP)]


def home_rank(level: str, depth: int, role: str, path: str) -> tuple:
    """Sort key of a position; the smallest decides the cadre's home unit (module docstring)."""
    return (-LEVEL_ORDER.index(level), -depth, ROLE_ORDER.index(role), path)


def contribution(row: dict) -> list[int]:
    """What one cadre row adds to each of `CADRE_COLUMNS` of every unit above its home."""
    return [python(row) for _name, _sql, python in CADRE_SUMS]


# --- SQL ----------------------------------------------------------------------------------

def table(model) -> str:
    """The model's table, quoted for raw SQL."""
    return connection.ops.quote_name(model._meta.db_table)


def _rank_case(column: str, values: list[str]) -> str:
    # The values are code constants ([a-z_]), never user input.
    whens = " ".join(f"WHEN '{value}' THEN {index}" for index, value in enumerate(values))
    return f"CASE {column} {whens} END"


def encode_targets(targets: dict[str, list[int]]) -> str:
    """A cadre's results per quantitative criterion as stored in `CadreFigures.targets`:
    "criterion:met:total" items in criterion order, comma-separated. Plain text because
    building a JSON object per cadre cost a third of the full run (≈ 0.7 s at 100,000 cadres)."""
    return ",".join(f"{key}:{met}:{total}" for key, (met, total) in sorted(targets.items(), key=lambda item: int(item[0])))


def decode_targets(text: str) -> dict[str, list[int]]:
    """`encode_targets` read back: {criterion id as text: [met, total]}."""
    items = (item.split(":") for item in text.split(",") if item)
    return {key: [int(met), int(total)] for key, met, total in items}


def _encoded_targets_cte(source: str) -> str:
    """CTE `target_text` (cadre_id, targets): `encode_targets` in SQL over `source`."""
    item = "CAST(criterion_id AS TEXT) || ':' || CAST(met AS TEXT) || ':' || CAST(total AS TEXT)"
    if connection.vendor == "postgresql":
        return f"""target_text AS (
      SELECT cadre_id, string_agg({item}, ',' ORDER BY criterion_id) AS targets FROM {source} GROUP BY cadre_id)"""
    # SQLite (before 3.44) has no ORDER BY inside an aggregate: it concatenates in the order
    # of the ordered subquery.
    return f"""target_text AS (
      SELECT cadre_id, group_concat({item}, ',') AS targets
      FROM (SELECT * FROM {source} ORDER BY cadre_id, criterion_id) ordered GROUP BY cadre_id)"""


def differs(left: str, right: str) -> str:
    """NULL-safe inequality."""
    return f"{left} IS DISTINCT FROM {right}" if connection.vendor == "postgresql" else f"{left} IS NOT {right}"


def _in(column: str, ids: list[int] | None) -> tuple[str, list]:
    if ids is None:
        return "", []
    return f" AND {column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def home_cte(cycle: Cycle, on: datetime.date, cadre_ids: list[int] | None) -> tuple[str, list]:
    """CTEs `ranked` and `home` (cadre_id, unit_id, path, depth, is_civil_servant)."""
    only, params = _in("p.cadre_id", cadre_ids)
    sql = f"""
    ranked AS (
      SELECT p.cadre_id, p.unit_id, c.is_civil_servant, ROW_NUMBER() OVER (
          PARTITION BY p.cadre_id
          ORDER BY {_rank_case('u.level', LEVEL_ORDER)} DESC, u.depth DESC, {_rank_case('p.role', ROLE_ORDER)},
                   u.path) AS rn
      FROM {table(Position)} p
      JOIN {table(Unit)} u ON u.id = p.unit_id
      JOIN {table(Cadre)} c ON c.id = p.cadre_id
      WHERE p.tenant_id = %s AND u.archived_at IS NULL AND c.archived_at IS NULL
        AND p.start_date <= %s AND (p.end_date IS NULL OR p.end_date >= %s){only}
    ),
    home AS (
      SELECT r.cadre_id, r.unit_id, u.path, u.depth, r.is_civil_servant
      FROM ranked r JOIN {table(Unit)} u ON u.id = r.unit_id
      WHERE r.rn = 1
    )"""
    return sql, [cycle.tenant_id, on, on, *params]


def _target_results_cte(cycle: Cycle, cadre_ids: list[int] | None) -> tuple[str, list]:
    """CTE `target_results` (cadre_id, criterion_id, met, total): the quantitative commitments
    of the yearly self-assessments submitted, per cadre and criterion."""
    only, params = _in("s.cadre_id", cadre_ids)
    sql = f"""
    target_results AS (
      SELECT s.cadre_id, cm.criterion_id,
             SUM(CASE WHEN cr.actual_value >= cm.target THEN 1 ELSE 0 END) AS met, COUNT(*) AS total
      FROM {table(CommitmentResult)} cr
      JOIN {table(SelfAssessment)} s ON s.id = cr.self_assessment_id
      JOIN {table(Commitment)} cm ON cm.id = cr.commitment_id
      JOIN {table(Criterion)} cq ON cq.id = cm.criterion_id
      WHERE s.cycle_id = %s AND {YEARLY_SELF_ASSESSMENT.sql_where('s')} AND s.submitted_at IS NOT NULL
        AND cq.kind = '{CriterionKind.QUANTITATIVE}' AND cm.target IS NOT NULL{only}
      GROUP BY s.cadre_id, cm.criterion_id
    )"""
    return sql, [cycle.pk, *params]


def target_results_sql(cycle: Cycle) -> tuple[str, list]:
    """The query of `target_results` for every cadre (the full run keeps it in a table)."""
    cte, params = _target_results_cte(cycle, None)
    return f"WITH {cte} SELECT cadre_id, criterion_id, met, total FROM target_results", params


def cadre_rows_sql(cycle: Cycle, on: datetime.date, cadre_ids: list[int] | None = None,
                   targets_table: str = "") -> tuple[str, list]:
    """The CTEs ending in `cadre_rows` (`CADRE_ROW_COLUMNS`): every in-scope cadre of the
    cycle's tenant, or only `cadre_ids`. Each source table is read once, grouped per cadre;
    the per-criterion results come from `targets_table` when the caller has them already."""
    reg, sa = table(Registration), table(SelfAssessment)
    home, home_params = home_cte(cycle, on, cadre_ids)
    if targets_table:
        targets, target_params = f"target_results AS (SELECT * FROM {targets_table})", []
    else:
        targets, target_params = _target_results_cte(cycle, cadre_ids)
    reg_only, reg_params = _in("r.cadre_id", cadre_ids)
    sa_only, sa_params = _in("s.cadre_id", cadre_ids)
    sec_only, sec_params = _in("p.cadre_id", cadre_ids)
    ini_only, ini_params = _in("i.cadre_id", cadre_ids)
    yearly = f"s.cycle_id = %s AND {YEARLY_SELF_ASSESSMENT.sql_where('s')}"
    finalised = f"s.state = '{AssessmentState.FINALISED}'"
    sql = f"""{home},
    {targets},
    reg_flags AS (
      SELECT r.cadre_id,
             MAX(CASE WHEN r.submitted_at IS NOT NULL THEN 1 ELSE 0 END) AS registered,
             MAX(CASE WHEN r.state = '{RegistrationState.APPROVED}' THEN 1 ELSE 0 END) AS approved,
             MAX(CASE WHEN r.submitted_at IS NOT NULL AND r.is_late = %s THEN 1 ELSE 0 END) AS late
      FROM {reg} r WHERE r.cycle_id = %s{reg_only} GROUP BY r.cadre_id
    ),
    sa_flags AS (
      SELECT s.cadre_id,
             MAX(CASE WHEN s.submitted_at IS NOT NULL THEN 1 ELSE 0 END) AS assessed,
             MAX(CASE WHEN {finalised} THEN 1 ELSE 0 END) AS finalised,
             MAX(CASE WHEN s.submitted_at IS NOT NULL AND s.is_late = %s THEN 1 ELSE 0 END) AS late,
             MAX(CASE WHEN s.submitted_at IS NOT NULL AND s.gains_people = %s AND s.gains_work = %s
                      AND s.gains_organisation = %s AND s.gains_public = %s THEN 1 ELSE 0 END) AS gains
      FROM {sa} s WHERE {yearly}{sa_only} GROUP BY s.cadre_id
    ),
    rated AS (
      SELECT cadre_id, final_rating FROM (
        SELECT s.cadre_id, s.final_rating,
               ROW_NUMBER() OVER (PARTITION BY s.cadre_id ORDER BY s.finalised_at DESC, s.id DESC) AS rn
        FROM {sa} s WHERE {yearly} AND {finalised}{sa_only}) latest
      WHERE rn = 1
    ),
    secretaries AS (
      SELECT DISTINCT p.cadre_id FROM {table(Position)} p JOIN {table(Unit)} u ON u.id = p.unit_id
      WHERE p.tenant_id = %s AND p.role = '{PositionRole.SECRETARY}' AND u.level = '{UnitLevel.GRASSROOTS}'
        AND u.archived_at IS NULL AND p.start_date <= %s AND (p.end_date IS NULL OR p.end_date >= %s){sec_only}
    ),
    initiatives AS (
      SELECT DISTINCT i.cadre_id FROM {table(Initiative)} i
      WHERE i.tenant_id = %s AND i.date >= %s AND i.date <= %s AND i.recognised_by <> ''{ini_only}
    ),
    {_encoded_targets_cte('target_results')},
    cadre_rows AS (
      SELECT h.cadre_id, h.unit_id, h.path, h.depth,
             COALESCE(rf.registered, 0) AS registered, COALESCE(rf.approved, 0) AS registration_approved,
             COALESCE(sf.assessed, 0) AS self_assessed, COALESCE(sf.finalised, 0) AS self_assessment_finalised,
             COALESCE(rt.final_rating, '') AS rating, COALESCE(rf.late, 0) AS late_registration,
             COALESCE(sf.late, 0) AS late_self_assessment,
             CASE WHEN se.cadre_id IS NULL THEN 0 ELSE 1 END AS grassroots_secretary,
             CASE WHEN ini.cadre_id IS NULL THEN 0 ELSE 1 END AS with_initiative,
             CASE WHEN h.is_civil_servant = %s THEN 1 ELSE 0 END AS civil_servant,
             COALESCE(sf.gains, 0) AS four_gains, COALESCE(tt.targets, '') AS targets
      FROM home h
      LEFT JOIN reg_flags rf ON rf.cadre_id = h.cadre_id
      LEFT JOIN sa_flags sf ON sf.cadre_id = h.cadre_id
      LEFT JOIN rated rt ON rt.cadre_id = h.cadre_id
      LEFT JOIN secretaries se ON se.cadre_id = h.cadre_id
      LEFT JOIN initiatives ini ON ini.cadre_id = h.cadre_id
      LEFT JOIN target_text tt ON tt.cadre_id = h.cadre_id
    )"""
    year_start, year_end = datetime.date(cycle.year, 1, 1), datetime.date(cycle.year, 12, 31)
    params = [*home_params, *target_params,
              True, cycle.pk, *reg_params,
              True, True, True, True, True, cycle.pk, *sa_params,
              cycle.pk, *sa_params,
              cycle.tenant_id, on, on, *sec_params,
              cycle.tenant_id, year_start, year_end, *ini_params,
              True]
    return sql, params


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def cadre_rows(cycle: Cycle, cadre_ids: list[int], today: datetime.date | None = None) -> dict[int, dict]:
    """The cadre rows of a few cadres, computed now (out-of-scope cadres are absent)."""
    if not cadre_ids:
        return {}
    sql, params = cadre_rows_sql(cycle, reference_date(cycle, today), sorted(set(cadre_ids)))
    rows = {}
    for values in _fetch(f"WITH {sql} SELECT {', '.join(CADRE_ROW_COLUMNS)} FROM cadre_rows", params):
        row = dict(zip(CADRE_ROW_COLUMNS, values))
        rows[row["cadre_id"]] = row
    return rows


def home_cadre_sums(rows_table: str) -> list[tuple]:
    """(unit id, `CADRE_COLUMNS`…): the cadre rows (`rows_table`) summed per home unit."""
    sums = ", ".join(f"SUM({sql})" for _name, sql, _py in CADRE_SUMS)
    return _fetch(f"SELECT f.unit_id, {sums} FROM {rows_table} f GROUP BY f.unit_id", [])


def home_target_sums(targets_table: str, rows_table: str) -> list[tuple]:
    """(unit id, criterion id, met, total): the per-criterion results (`targets_table`, the
    rows of `target_results_sql`) summed per home unit of their cadres."""
    return _fetch(f"""
    SELECT f.unit_id, t.criterion_id, SUM(t.met), SUM(t.total)
    FROM {targets_table} t JOIN {rows_table} f ON f.cadre_id = t.cadre_id GROUP BY f.unit_id, t.criterion_id""", [])


# --- Python passes over the path prefixes (no queries) --------------------------------------

@dataclass
class TreeUnit:
    id: int
    path: str
    depth: int
    level: str


@dataclass
class Figures:
    """What `UnitFigures` stores for one unit, before it is written."""

    unit_id: int
    values: dict[str, int] = field(default_factory=dict)
    extra: dict = field(default_factory=dict)


def live_units(cycle: Cycle) -> list[TreeUnit]:
    return [TreeUnit(*row) for row in Unit.objects.filter(tenant_id=cycle.tenant_id, archived_at__isnull=True)
            .order_by("path").values_list("id", "path", "depth", "level")]


def is_complete(cadres: int, registered: int) -> bool:
    """A đoàn cơ sở is complete when it has cadres and every one of them registered."""
    return bool(cadres) and registered == cadres


def unit_programmes(cycle: Cycle, units: list[TreeUnit]) -> dict[str, list[dict]]:
    """Per unit path: each published unit-subject programme whose owner subtree meets the
    unit's, with participants in the unit's subtree and, down to huyện level, how many
    huyện meet the pilot quota (`pilot_progress`)."""
    programmes = list(Programme.objects.filter(
        tenant_id=cycle.tenant_id, status=ProgrammeStatus.PUBLISHED, subject=ProgrammeSubject.UNITS,
        start_year__lte=cycle.year, end_year__gte=cycle.year,
    ).select_related("owner_unit").order_by("pk"))
    if not programmes:
        return {}
    participants: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for programme_id, path in ProgrammeParticipant.objects.filter(
            programme__in=programmes, unit__archived_at__isnull=True).values_list("programme_id", "unit__path"):
        for prefix in ancestor_paths(path):
            participants[programme_id][prefix] += 1
    by_path: dict[str, list[dict]] = defaultdict(list)
    for programme in programmes:
        owner = programme.owner_unit.path
        districts = [(row.district.path, row.meets_quota) for row in pilot_progress(programme)]
        for unit in units:
            if not (unit.path.startswith(owner) or owner.startswith(unit.path)):
                continue
            entry = {"programme": programme.pk, "name": programme.name,
                     "participants": participants[programme.pk].get(unit.path, 0), "quota": programme.pilot_quota}
            if unit.depth <= 2:
                inside = [meets for path, meets in districts if path.startswith(unit.path)]
                entry.update(districts=len(inside), districts_meeting_quota=sum(inside))
            by_path[unit.path].append(entry)
    return by_path


def _covered_units(cycle: Cycle) -> set[int]:
    """Units owning a programme published for the cycle's year."""
    return set(Programme.objects.filter(tenant_id=cycle.tenant_id, status=ProgrammeStatus.PUBLISHED,
                                        start_year__lte=cycle.year, end_year__gte=cycle.year)
               .values_list("owner_unit_id", flat=True))


def _add_targets(into: dict[str, list[int]], targets: dict[str, list[int]]) -> None:
    for key, (met, total) in targets.items():
        entry = into.get(key)
        if entry is None:
            into[key] = [met, total]
        else:
            entry[0] += met
            entry[1] += total


def unit_figures_from_cadre_rows(cycle: Cycle, targets_table: str, rows_table: str) -> list[Figures]:
    """Every live unit's figures from the cadre rows and per-criterion results just computed
    (the full run's working tables) and the tree: a fixed number of queries whatever the
    size of the province. The database sums per home unit; the subtree sums are added up
    the tree here, deepest units first (cheaper than joining every home to its ancestors)."""
    units = live_units(cycle)
    if not units:
        return []
    live = {unit.path: unit for unit in units}
    path_of = {unit.id: unit.path for unit in units}
    covered = _covered_units(cycle)
    width = len(CADRE_COLUMNS)
    # Per path, aligned with FIGURE_COLUMNS: the unit's own values, then its subtree's.
    sums = {unit.path: [0] * width + [1, int(unit.id in covered), int(unit.level == UnitLevel.GRASSROOTS), 0]
            for unit in units}
    for unit_id, *values in home_cadre_sums(rows_table):
        sums[path_of[unit_id]][:width] = [int(value) for value in values]
    targets: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for unit_id, criterion_id, met, total in home_target_sums(targets_table, rows_table):
        targets[path_of[unit_id]][str(criterion_id)] = [int(met), int(total or 0)]
    by_depth: dict[int, list[str]] = defaultdict(list)
    for path in sums:
        by_depth[len(path) // STEP].append(path)
    for depth in range(max(by_depth), 0, -1):
        for path in by_depth[depth]:  # everything below has been added by now
            values = sums[path]
            unit = live.get(path)
            if unit and unit.level == UnitLevel.GRASSROOTS and is_complete(values[0], values[1]):
                values[-1] += 1
            if depth == 1:
                continue
            parent = path[:-STEP]
            if parent not in sums:  # an archived unit above live ones: carried through, not stored
                sums[parent] = [0] * len(values)
                by_depth[depth - 1].append(parent)
            sums[parent] = [a + b for a, b in zip(sums[parent], values)]
            if path in targets:
                _add_targets(targets[parent], targets[path])
    programmes = unit_programmes(cycle, units)
    return [Figures(unit.id, dict(zip(FIGURE_COLUMNS, sums[unit.path])),
                    {"targets": dict(sorted(targets.get(unit.path, {}).items())),
                     "unit_programmes": programmes.get(unit.path, [])})
            for unit in units]


def home_units(cycle: Cycle) -> dict[int, int]:
    """Every in-scope cadre of the cycle's tenant → their home unit's id, on the cycle's
    reference date."""
    home, params = home_cte(cycle, reference_date(cycle), None)
    return dict(_fetch(f"WITH {home} SELECT cadre_id, unit_id FROM home", params))
