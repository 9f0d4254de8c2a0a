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

Stored so that one form change costs one path, not the province:
1. **per cadre** (`cadre_rows_sql`): the home unit and 0/1 flags for what they filed, one
   pass per table (pre-aggregated per cadre, then joined), stored as `CadreFigures`;
2. **per unit**: the cadre rows summed per home unit (`CADRE_SUMS`, the same sums in SQL
   and in Python), then up the tree to every ancestor; unit-side figures (units with a
   programme, đoàn cơ sở) come from the tree; a đoàn cơ sở is complete when it has cadres
   and every one of them registered. Stored as `UnitFigures`;
3. **results per criterion per home unit** (`unit_target_sql`): per quantitative target,
   commitments meeting it; per yes/no criterion, those done; per prohibition, those kept
   (the rest were broken) — and the results assessed, of the cadres at home in the unit,
   stored as `UnitTargetFigures`; a subtree's attainment is summed when read
   (`reports.figures`). Kept per home unit, not per cadre or per subtree, because building
   a per-cadre or per-subtree object for every criterion was most of the full run's cost.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Model, Q

from cadres.models import Cadre, Position, PositionRole, Unit, UnitLevel
from evaluations.kinds import YEARLY_SELF_ASSESSMENT
from evaluations.models import (
    AssessmentState,
    Commitment,
    CommitmentResult,
    Cycle,
    Initiative,
    InitiativeState,
    Rating,
    Registration,
    RegistrationState,
    ResultOutcome,
    SelfAssessment,
    UnitRegistration,
    UnitSelfAssessment,
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
from reports.models import UnitTargetFigures

# A cadre row (`CADRE_ROW_COLUMNS` → value) and the parameters of a raw query.
CadreRow = dict[str, Any]
Params = list[Any]

STEP = Unit.steplen
LEVEL_ORDER = list(UnitLevel.values)  # province first: a higher rank is a lower level
ROLE_ORDER = list(PositionRole.values)  # Bí thư first
FLAG_COLUMNS = [
    "registered", "registration_approved", "self_assessed", "self_assessment_finalised", "rating",
    "late_registration", "late_self_assessment", "grassroots_secretary", "with_initiative", "civil_servant",
    "four_gains",
]
CADRE_ROW_COLUMNS = ["cadre_id", "unit_id", "path", "depth", *FLAG_COLUMNS]
UNIT_TARGET_COLUMNS = ["unit_id", "criterion_id", "met", "total"]


def _is(rating: str) -> Callable[[CadreRow], int]:
    return lambda row: int(row["rating"] == rating)


# Each unit figure over cadre rows: (column, SQL over the row alias `f`, the same in Python).
CADRE_SUMS: list[tuple[str, str, Callable[[CadreRow], int]]] = [
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


def home_rank(level: str, depth: int, role: str, path: str) -> tuple[int, int, int, str]:
    """Sort key of a position; the smallest decides the cadre's home unit (module docstring)."""
    return (-LEVEL_ORDER.index(level), -depth, ROLE_ORDER.index(role), path)


def contribution(row: CadreRow) -> list[int]:
    """What one cadre row adds to each of `CADRE_COLUMNS` of every unit above its home."""
    return [python(row) for _name, _sql, python in CADRE_SUMS]


# --- SQL ----------------------------------------------------------------------------------

def table(model: type[Model]) -> str:
    """The model's table, quoted for raw SQL."""
    return connection.ops.quote_name(model._meta.db_table)


def _rank_case(column: str, values: list[str]) -> str:
    # The values are code constants ([a-z_]), never user input.
    whens = " ".join(f"WHEN '{value}' THEN {index}" for index, value in enumerate(values))
    return f"CASE {column} {whens} END"


def differs(left: str, right: str) -> str:
    """NULL-safe inequality."""
    return f"{left} IS DISTINCT FROM {right}" if connection.vendor == "postgresql" else f"{left} IS NOT {right}"


def _in(column: str, ids: list[int] | None) -> tuple[str, Params]:
    if ids is None:
        return "", []
    return f" AND {column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def home_cte(cycle: Cycle, on: datetime.date, cadre_ids: list[int] | None) -> tuple[str, Params]:
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


def _target_results(per: str, homes: str = "") -> str:
    """The results of the yearly self-assessments submitted that can be counted, grouped
    by `per` and criterion: (`per`, criterion_id, met, total). Counted: a quantitative
    commitment with a target (met: the actual reaches it), a yes/no criterion or a
    prohibition answered (met: done, kept; for a prohibition, total − met were broken).
    `homes`, a table or subquery of (cadre_id, unit_id), is joined as `h`. One parameter:
    the cycle."""
    joined = f" JOIN {homes} h ON h.cadre_id = s.cadre_id" if homes else ""
    answered = ", ".join(f"'{outcome}'" for outcome in ResultOutcome.values)
    met = f"'{ResultOutcome.MET}', '{ResultOutcome.KEPT}'"
    return f"""
    SELECT {per}, cm.criterion_id,
           SUM(CASE WHEN cr.actual_value >= cm.target OR cr.outcome IN ({met}) THEN 1 ELSE 0 END) AS met,
           COUNT(*) AS total
    FROM {table(CommitmentResult)} cr
    JOIN {table(SelfAssessment)} s ON s.id = cr.self_assessment_id
    JOIN {table(Commitment)} cm ON cm.id = cr.commitment_id
    JOIN {table(Criterion)} cq ON cq.id = cm.criterion_id{joined}
    WHERE s.cycle_id = %s AND {YEARLY_SELF_ASSESSMENT.sql_where('s')} AND s.submitted_at IS NOT NULL
      AND ((cq.kind = '{CriterionKind.QUANTITATIVE}' AND cm.target IS NOT NULL)
           OR (cq.kind IN ('{CriterionKind.YES_NO}', '{CriterionKind.PROHIBITION}') AND cr.outcome IN ({answered})))
    GROUP BY {per}, cm.criterion_id"""


def unit_target_sql(cycle: Cycle, homes: str) -> tuple[str, Params]:
    """`UNIT_TARGET_COLUMNS` per home unit and counted criterion (`_target_results`): results
    meeting it and results assessed, of the cadres at home there. `homes` is a table
    or subquery of (cadre_id, unit_id): the full run's cadre rows, or the stored rows of a
    few units (its parameters go before the cycle's)."""
    return _target_results("h.unit_id", homes), [cycle.pk]


def cadre_targets_sql(cycle: Cycle) -> tuple[str, Params]:
    """(cadre_id, criterion_id, met, total) for every cadre: what a snapshot keeps per cadre."""
    return _target_results("s.cadre_id"), [cycle.pk]


def cadre_rows_sql(cycle: Cycle, on: datetime.date, cadre_ids: list[int] | None = None) -> tuple[str, Params]:
    """The CTEs ending in `cadre_rows` (`CADRE_ROW_COLUMNS`): every in-scope cadre of the
    cycle's tenant, or only `cadre_ids`. Each source table is read once, grouped per cadre."""
    reg, sa = table(Registration), table(SelfAssessment)
    home, home_params = home_cte(cycle, on, cadre_ids)
    reg_only, reg_params = _in("r.cadre_id", cadre_ids)
    sa_only, sa_params = _in("s.cadre_id", cadre_ids)
    sec_only, sec_params = _in("p.cadre_id", cadre_ids)
    ini_only, ini_params = _in("i.cadre_id", cadre_ids)
    yearly = f"s.cycle_id = %s AND {YEARLY_SELF_ASSESSMENT.sql_where('s')}"
    finalised = f"s.state = '{AssessmentState.FINALISED}'"
    sql = f"""{home},
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
      WHERE i.tenant_id = %s AND i.date >= %s AND i.date <= %s AND i.state = '{InitiativeState.RECOGNISED}'{ini_only}
    ),
    cadre_rows AS (
      SELECT h.cadre_id, h.unit_id, h.path, h.depth,
             COALESCE(rf.registered, 0) AS registered, COALESCE(rf.approved, 0) AS registration_approved,
             COALESCE(sf.assessed, 0) AS self_assessed, COALESCE(sf.finalised, 0) AS self_assessment_finalised,
             COALESCE(rt.final_rating, '') AS rating, COALESCE(rf.late, 0) AS late_registration,
             COALESCE(sf.late, 0) AS late_self_assessment,
             CASE WHEN se.cadre_id IS NULL THEN 0 ELSE 1 END AS grassroots_secretary,
             CASE WHEN ini.cadre_id IS NULL THEN 0 ELSE 1 END AS with_initiative,
             CASE WHEN h.is_civil_servant = %s THEN 1 ELSE 0 END AS civil_servant,
             COALESCE(sf.gains, 0) AS four_gains
      FROM home h
      LEFT JOIN reg_flags rf ON rf.cadre_id = h.cadre_id
      LEFT JOIN sa_flags sf ON sf.cadre_id = h.cadre_id
      LEFT JOIN rated rt ON rt.cadre_id = h.cadre_id
      LEFT JOIN secretaries se ON se.cadre_id = h.cadre_id
      LEFT JOIN initiatives ini ON ini.cadre_id = h.cadre_id
    )"""
    year_start, year_end = datetime.date(cycle.year, 1, 1), datetime.date(cycle.year, 12, 31)
    params = [*home_params,
              True, cycle.pk, *reg_params,
              True, True, True, True, True, cycle.pk, *sa_params,
              cycle.pk, *sa_params,
              cycle.tenant_id, on, on, *sec_params,
              cycle.tenant_id, year_start, year_end, *ini_params,
              True]
    return sql, params


def _fetch(sql: str, params: Params) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def cadre_rows(cycle: Cycle, cadre_ids: list[int], today: datetime.date | None = None) -> dict[int, CadreRow]:
    """The cadre rows of a few cadres, computed now (out-of-scope cadres are absent)."""
    if not cadre_ids:
        return {}
    sql, params = cadre_rows_sql(cycle, reference_date(cycle, today), sorted(set(cadre_ids)))
    rows = {}
    for values in _fetch(f"WITH {sql} SELECT {', '.join(CADRE_ROW_COLUMNS)} FROM cadre_rows", params):
        row = dict(zip(CADRE_ROW_COLUMNS, values))
        rows[row["cadre_id"]] = row
    return rows


def home_cadre_sums(rows_table: str) -> list[tuple[Any, ...]]:
    """(unit id, `CADRE_COLUMNS`…): the cadre rows (`rows_table`) summed per home unit
    (integers: PostgreSQL sums bigints as numeric)."""
    sums = ", ".join(f"CAST(SUM({sql}) AS INTEGER)" for _name, sql, _py in CADRE_SUMS)
    return _fetch(f"SELECT f.unit_id, {sums} FROM {rows_table} f GROUP BY f.unit_id", [])


# --- Python passes over the path prefixes (no queries) --------------------------------------

@dataclass
class TreeUnit:
    id: int
    path: str
    depth: int
    level: str


def live_units(cycle: Cycle) -> list[TreeUnit]:
    return [TreeUnit(*row) for row in Unit.objects.filter(tenant_id=cycle.tenant_id, archived_at__isnull=True)
            .order_by("path").values_list("id", "path", "depth", "level")]


def is_complete(cadres: int, registered: int) -> bool:
    """A đoàn cơ sở is complete when it has cadres and every one of them registered."""
    return bool(cadres) and registered == cadres


def unit_programmes(cycle: Cycle, units: list[TreeUnit]) -> dict[str, list[dict[str, Any]]]:
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
    attainment = unit_attainment(cycle, programmes)
    by_path: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for programme in programmes:
        owner = programme.owner_unit.path
        districts = [(row.district.path, row.meets_quota) for row in pilot_progress(programme)]
        for unit in units:
            if not (unit.path.startswith(owner) or owner.startswith(unit.path)):
                continue
            entry = {"programme": programme.pk, "name": programme.name,
                     "participants": participants[programme.pk].get(unit.path, 0), "quota": programme.pilot_quota,
                     **attainment[programme.pk].get(unit.path, {"taking_part": 0, "attained": 0})}
            if UnitLevel.is_at_least(unit.level, UnitLevel.DISTRICT):
                inside = [meets for path, meets in districts if path.startswith(unit.path)]
                entry.update(districts=len(inside), districts_meeting_quota=sum(inside),
                             is_district=unit.level == UnitLevel.DISTRICT)
            by_path[unit.path].append(entry)
    return by_path


def unit_attainment(cycle: Cycle, programmes: list[Programme]) -> dict[int, dict[str, dict[str, int]]]:
    """Per programme and unit path: the units of the subtree taking part (a participant, or
    its registration approved) and those rated as attaining every criterion (a finalised
    yearly unit self-assessment, `UnitSelfAssessment.attained`): "số chi đoàn đạt 3 có / tổng"."""
    taking: dict[int, set[str]] = defaultdict(set)
    attained: dict[int, set[str]] = defaultdict(set)
    live = Q(unit__archived_at__isnull=True)
    for programme_id, path in ProgrammeParticipant.objects.filter(live, programme__in=programmes).values_list(
            "programme_id", "unit__path"):
        taking[programme_id].add(path)
    for programme_id, path in UnitRegistration.objects.filter(
            live, cycle=cycle, programme__in=programmes, state=RegistrationState.APPROVED).values_list(
            "programme_id", "unit__path"):
        taking[programme_id].add(path)
    for programme_id, path in UnitSelfAssessment.objects.filter(
            live, cycle=cycle, registration__programme__in=programmes, state=AssessmentState.FINALISED,
            attained=True).values_list("registration__programme_id", "unit__path"):
        attained[programme_id].add(path)
    counts: dict[int, dict[str, dict[str, int]]] = defaultdict(dict)
    for programme_id, paths in taking.items():
        for path in paths:
            for prefix in ancestor_paths(path):
                entry = counts[programme_id].setdefault(prefix, {"taking_part": 0, "attained": 0})
                entry["taking_part"] += 1
                entry["attained"] += path in attained[programme_id]
    return counts


def _covered_units(cycle: Cycle) -> set[int]:
    """Units owning a programme published for the cycle's year."""
    return set(Programme.objects.filter(tenant_id=cycle.tenant_id, status=ProgrammeStatus.PUBLISHED,
                                        start_year__lte=cycle.year, end_year__gte=cycle.year)
               .values_list("owner_unit_id", flat=True))


def unit_figure_rows(cycle: Cycle, rows_table: str) -> list[tuple[Any, ...]]:
    """Every live unit's figures, (unit id, `FIGURE_COLUMNS`…, extra), from the cadre rows
    just computed (the full run's working table) and the tree: a fixed number of queries
    whatever the size of the province. The database sums per home unit; the subtree sums
    are added up the tree here, deepest units first (cheaper than joining every home to its
    ancestors)."""
    units = live_units(cycle)
    if not units:
        return []
    grassroots = str(UnitLevel.GRASSROOTS)  # a plain str: comparing with the enum member is slow
    live_grassroots = {unit.path for unit in units if unit.level == grassroots}
    path_of = {unit.id: unit.path for unit in units}
    covered = _covered_units(cycle)
    width = len(CADRE_COLUMNS)
    zeros = [0] * width
    # Per path, aligned with FIGURE_COLUMNS: the unit's own values, then its subtree's.
    sums = {unit.path: [*zeros, 1, int(unit.id in covered), int(unit.path in live_grassroots), 0] for unit in units}
    for unit_id, *values in home_cadre_sums(rows_table):
        sums[path_of[unit_id]][:width] = values
    by_depth: dict[int, list[str]] = defaultdict(list)
    for path in sums:
        by_depth[len(path) // STEP].append(path)
    for depth in range(max(by_depth), 0, -1):
        for path in by_depth[depth]:  # everything below has been added by now
            values = sums[path]
            if path in live_grassroots and is_complete(values[0], values[1]):
                values[-1] += 1
            if depth == 1:
                continue
            parent = path[:-STEP]
            if parent not in sums:  # an archived unit above live ones: carried through, not stored
                sums[parent] = [0] * len(values)
                by_depth[depth - 1].append(parent)
            sums[parent] = [a + b for a, b in zip(sums[parent], values)]
    programmes = unit_programmes(cycle, units)
    return [(unit.id, *sums[unit.path], {"unit_programmes": programmes.get(unit.path, [])}) for unit in units]


def subtree_targets(cycle: Cycle, paths: list[str]) -> dict[str, dict[str, list[int]]]:
    """Per unit path asked for: {criterion id: [met, total]} over the stored target results
    (`UnitTargetFigures`) of the units of its subtree as the tree stands, in criterion order.
    One query for all, whatever their number."""
    wanted = set(paths)
    tops = [path for path in wanted if not any(prefix in wanted for prefix in ancestor_paths(path)[:-1])]
    if not tops:
        return {}
    under = Q()
    for top in tops:
        under |= Q(unit__path__startswith=top)
    sums: dict[str, dict[int, list[int]]] = {path: {} for path in wanted}
    rows = UnitTargetFigures.objects.filter(under, cycle=cycle, unit__tenant_id=cycle.tenant_id).values_list(
        "unit__path", "criterion_id", "met", "total")
    for path, criterion_id, met, total in rows:
        for prefix in ancestor_paths(path):
            if prefix in wanted:
                entry = sums[prefix].setdefault(criterion_id, [0, 0])
                entry[0] += met
                entry[1] += total
    return {path: {str(key): value for key, value in sorted(found.items())} for path, found in sums.items()}


def home_units(cycle: Cycle) -> dict[int, int]:
    """Every in-scope cadre of the cycle's tenant → their home unit's id, on the cycle's
    reference date."""
    home, params = home_cte(cycle, reference_date(cycle), None)
    return dict(_fetch(f"WITH {home} SELECT cadre_id, unit_id FROM home", params))
