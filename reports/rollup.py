"""Figures per unit over its subtree (domain §7), computed with set-based SQL over the
materialized path. Read-only: `reports.services.rollup` writes the rows.

Who is counted where. Every cadre has exactly one **home unit**: the unit of their
deciding position among the positions active on the reference date (the cycle's 31/12,
or today while the year runs) in units not archived — the lowest level, then the deepest
unit, then the highest role (Bí thư first), then the path; the same order
`models_registry.selectors.deciding_position` uses, without a programme. A cadre's forms
of the cycle count at their home unit too. Archived cadres, and cadres without an active
position, are out of scope. So a cadre holding positions in two units of one subtree is
counted once, and a subtree's figure is the plain sum of its units' own figures.

The algorithm, a constant number of queries whatever the size of the tree:
1. per cadre: the home unit (ROW_NUMBER over the cadre's positions) and 0/1 flags for
   what they filed (EXISTS subqueries);
2. every flag row joins each of its ancestors through the path prefixes
   (`ancestor.path = SUBSTR(path, 1, 4·d)` for d = 1 … depth, an indexed equality) and is
   summed per ancestor with GROUP BY; the same for units (chỉ tiêu 1, đoàn cơ sở) and for
   quantitative commitments (attainment per criterion);
3. in Python, without queries: đoàn cơ sở whose cadres all registered, and unit-subject
   programmes (participants, pilots per huyện), summed up the path prefixes.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from cadres.models import Cadre, Position, PositionRole, Unit, UnitLevel
from evaluations.models import (
    AssessmentPeriod,
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
CADRE_COLUMNS = [
    "cadres", "registered", "registrations_approved", "self_assessed", "self_assessments_finalised",
    "registered_and_self_assessed", "rated_excellent", "rated_good", "rated_completed", "rated_not_completed",
    "late_registrations", "late_self_assessments", "grassroots_secretaries",
    "grassroots_secretaries_with_initiative", "civil_servants", "civil_servants_four_gains",
]
UNIT_COLUMNS = ["units", "units_with_programme", "grassroots_units"]
FIGURE_COLUMNS = CADRE_COLUMNS + UNIT_COLUMNS + ["grassroots_units_complete"]


def reference_date(cycle: Cycle, today: datetime.date | None = None) -> datetime.date:
    """Positions are read as they stand on this day."""
    return min(today or timezone.localdate(), datetime.date(cycle.year, 12, 31))


def ancestor_paths(path: str) -> list[str]:
    """The path of every unit from the root down to this one (itself included)."""
    return [path[:end] for end in range(STEP, len(path) + 1, STEP)]


def home_rank(level: str, depth: int, role: str, path: str) -> tuple:
    """Sort key of a position; the smallest decides the cadre's home unit (module docstring)."""
    return (-LEVEL_ORDER.index(level), -depth, ROLE_ORDER.index(role), path)


def home_unit_id(cadre_id: int, on: datetime.date) -> int | None:
    """One cadre's home unit, as the SQL below decides it for everyone."""
    rows = Position.objects.active(on).filter(cadre_id=cadre_id, cadre__archived_at__isnull=True,
                                              unit__archived_at__isnull=True)
    ranked = sorted((home_rank(level, depth, role, path), unit_id) for unit_id, level, depth, role, path
                    in rows.values_list("unit_id", "unit__level", "unit__depth", "role", "unit__path"))
    return ranked[0][1] if ranked else None


# --- SQL ----------------------------------------------------------------------------------

def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _rank_case(column: str, values: list[str]) -> str:
    # The values are code constants ([a-z_]), never user input.
    whens = " ".join(f"WHEN '{value}' THEN {index}" for index, value in enumerate(values))
    return f"CASE {column} {whens} END"


def _depths(max_depth: int) -> str:
    return " UNION ALL ".join(f"SELECT {d} AS d" for d in range(1, max_depth + 1))


def _home_cte() -> str:
    """CTEs `ranked` and `home` (cadre_id, unit_id, path, depth); params: tenant, on, on."""
    return f"""
    ranked AS (
      SELECT p.cadre_id, p.unit_id, ROW_NUMBER() OVER (
          PARTITION BY p.cadre_id
          ORDER BY {_rank_case('u.level', LEVEL_ORDER)} DESC, u.depth DESC, {_rank_case('p.role', ROLE_ORDER)},
                   u.path) AS rn
      FROM {_t(Position)} p
      JOIN {_t(Unit)} u ON u.id = p.unit_id
      JOIN {_t(Cadre)} c ON c.id = p.cadre_id
      WHERE p.tenant_id = %s AND u.archived_at IS NULL AND c.archived_at IS NULL
        AND (p.start_date IS NULL OR p.start_date <= %s) AND (p.end_date IS NULL OR p.end_date >= %s)
    ),
    home AS (
      SELECT r.cadre_id, r.unit_id, u.path, u.depth FROM ranked r JOIN {_t(Unit)} u ON u.id = r.unit_id
      WHERE r.rn = 1
    )"""


def _ancestor_join(alias: str, targets: list[str] | None, grassroots_too: bool = False) -> tuple[str, list]:
    """Join `anc` to every ancestor of `alias`.path (itself included), optionally only to
    `targets` (and every đoàn cơ sở, whose completeness the targets' figures need)."""
    sql = (f" JOIN depths k ON k.d <= {alias}.depth"
           f" JOIN {_t(Unit)} anc ON anc.tenant_id = %s AND anc.path = SUBSTR({alias}.path, 1, k.d * {STEP})")
    if targets is None:
        return sql, []
    also = f" OR anc.level = '{UnitLevel.GRASSROOTS}'" if grassroots_too else ""
    return sql + f" AND (anc.path IN ({', '.join(['%s'] * len(targets))}){also})", list(targets)


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _cadre_sums(cycle: Cycle, on: datetime.date, max_depth: int, targets) -> dict[int, list[int]]:
    reg, sa = _t(Registration), _t(SelfAssessment)
    yearly = f"s.cycle_id = %s AND s.cadre_id = h.cadre_id AND s.period = '{AssessmentPeriod.YEAR}'"
    flags = f"""
      SELECT h.cadre_id, h.path, h.depth,
        CASE WHEN EXISTS (SELECT 1 FROM {reg} r WHERE r.cycle_id = %s AND r.cadre_id = h.cadre_id
                          AND r.submitted_at IS NOT NULL) THEN 1 ELSE 0 END AS registered,
        CASE WHEN EXISTS (SELECT 1 FROM {reg} r WHERE r.cycle_id = %s AND r.cadre_id = h.cadre_id
                          AND r.state = '{RegistrationState.APPROVED}') THEN 1 ELSE 0 END AS approved,
        CASE WHEN EXISTS (SELECT 1 FROM {sa} s WHERE {yearly} AND s.submitted_at IS NOT NULL)
             THEN 1 ELSE 0 END AS assessed,
        CASE WHEN EXISTS (SELECT 1 FROM {sa} s WHERE {yearly} AND s.state = '{AssessmentState.FINALISED}')
             THEN 1 ELSE 0 END AS finalised,
        (SELECT s.final_rating FROM {sa} s WHERE {yearly} AND s.state = '{AssessmentState.FINALISED}'
         ORDER BY s.finalised_at DESC, s.id DESC LIMIT 1) AS rating,
        CASE WHEN EXISTS (SELECT 1 FROM {reg} r WHERE r.cycle_id = %s AND r.cadre_id = h.cadre_id
                          AND r.submitted_at IS NOT NULL AND r.is_late = %s) THEN 1 ELSE 0 END AS late_reg,
        CASE WHEN EXISTS (SELECT 1 FROM {sa} s WHERE {yearly} AND s.submitted_at IS NOT NULL AND s.is_late = %s)
             THEN 1 ELSE 0 END AS late_sa,
        CASE WHEN EXISTS (SELECT 1 FROM {_t(Position)} p JOIN {_t(Unit)} u ON u.id = p.unit_id
                          WHERE p.cadre_id = h.cadre_id AND p.role = '{PositionRole.SECRETARY}'
                          AND u.level = '{UnitLevel.GRASSROOTS}' AND u.archived_at IS NULL
                          AND (p.start_date IS NULL OR p.start_date <= %s)
                          AND (p.end_date IS NULL OR p.end_date >= %s)) THEN 1 ELSE 0 END AS secretary,
        CASE WHEN EXISTS (SELECT 1 FROM {_t(Initiative)} i WHERE i.cadre_id = h.cadre_id AND i.date >= %s
                          AND i.date <= %s AND i.recognised_by <> '') THEN 1 ELSE 0 END AS initiative,
        CASE WHEN c.is_civil_servant = %s THEN 1 ELSE 0 END AS civil,
        CASE WHEN EXISTS (SELECT 1 FROM {sa} s WHERE {yearly} AND s.submitted_at IS NOT NULL
                          AND s.gains_people = %s AND s.gains_work = %s AND s.gains_organisation = %s
                          AND s.gains_public = %s) THEN 1 ELSE 0 END AS gains
      FROM home h JOIN {_t(Cadre)} c ON c.id = h.cadre_id"""
    year_start, year_end = datetime.date(cycle.year, 1, 1), datetime.date(cycle.year, 12, 31)
    flag_params = [cycle.pk, cycle.pk, cycle.pk, cycle.pk, cycle.pk, cycle.pk, True, cycle.pk, True, on, on,
                   year_start, year_end, True, cycle.pk, True, True, True, True]
    ratings = ", ".join(f"SUM(CASE WHEN f.rating = '{rating}' THEN 1 ELSE 0 END)" for rating in Rating.values)
    join, join_params = _ancestor_join("f", targets, grassroots_too=True)
    sql = f"""
    WITH depths AS ({_depths(max_depth)}), {_home_cte()}, flags AS ({flags})
    SELECT anc.id, COUNT(*), SUM(f.registered), SUM(f.approved), SUM(f.assessed), SUM(f.finalised),
           SUM(f.registered * f.assessed), {ratings}, SUM(f.late_reg), SUM(f.late_sa), SUM(f.secretary),
           SUM(f.secretary * f.initiative), SUM(f.civil), SUM(f.civil * f.gains)
    FROM flags f {join}
    GROUP BY anc.id"""
    rows = _fetch(sql, [cycle.tenant_id, on, on, *flag_params, cycle.tenant_id, *join_params])
    return {row[0]: [int(value or 0) for value in row[1:]] for row in rows}


def _unit_sums(cycle: Cycle, max_depth: int, targets) -> dict[int, list[int]]:
    own = f"""
      SELECT u.id, u.path, u.depth,
        CASE WHEN EXISTS (SELECT 1 FROM {_t(Programme)} pr WHERE pr.owner_unit_id = u.id
                          AND pr.status = '{ProgrammeStatus.PUBLISHED}' AND pr.start_year <= %s
                          AND pr.end_year >= %s) THEN 1 ELSE 0 END AS covered,
        CASE WHEN u.level = '{UnitLevel.GRASSROOTS}' THEN 1 ELSE 0 END AS grassroots
      FROM {_t(Unit)} u WHERE u.tenant_id = %s AND u.archived_at IS NULL"""
    join, join_params = _ancestor_join("o", targets)
    sql = f"""
    WITH depths AS ({_depths(max_depth)}), own AS ({own})
    SELECT anc.id, COUNT(*), SUM(o.covered), SUM(o.grassroots) FROM own o {join} GROUP BY anc.id"""
    rows = _fetch(sql, [cycle.year, cycle.year, cycle.tenant_id, cycle.tenant_id, *join_params])
    return {row[0]: [int(value or 0) for value in row[1:]] for row in rows}


def _target_attainment(cycle: Cycle, on: datetime.date, max_depth: int, targets) -> dict[int, dict[str, list]]:
    """Per ancestor and quantitative criterion: [commitments meeting their target, commitments
    assessed], over the yearly self-assessments submitted."""
    join, join_params = _ancestor_join("h", targets)
    sql = f"""
    WITH depths AS ({_depths(max_depth)}), {_home_cte()}
    SELECT anc.id, cm.criterion_id,
           SUM(CASE WHEN cr.actual_value >= cm.target THEN 1 ELSE 0 END), COUNT(*)
    FROM {_t(CommitmentResult)} cr
    JOIN {_t(SelfAssessment)} s ON s.id = cr.self_assessment_id
    JOIN {_t(Commitment)} cm ON cm.id = cr.commitment_id
    JOIN {_t(Criterion)} cq ON cq.id = cm.criterion_id
    JOIN home h ON h.cadre_id = s.cadre_id {join}
    WHERE s.cycle_id = %s AND s.period = '{AssessmentPeriod.YEAR}' AND s.submitted_at IS NOT NULL
      AND cq.kind = '{CriterionKind.QUANTITATIVE}' AND cm.target IS NOT NULL
    GROUP BY anc.id, cm.criterion_id"""
    result: dict[int, dict[str, list]] = defaultdict(dict)
    for unit_id, criterion_id, met, total in _fetch(sql, [cycle.tenant_id, on, on, cycle.tenant_id,
                                                           *join_params, cycle.pk]):
        result[unit_id][str(criterion_id)] = [int(met or 0), int(total)]
    return result


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


def _unit_programmes(cycle: Cycle, units: list[TreeUnit]) -> dict[str, list[dict]]:
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


def compute_figures(cycle: Cycle, *, target_paths: list[str] | None = None,
                    today: datetime.date | None = None) -> list[Figures]:
    """Figures of every live unit of the cycle's tenant, or only of the units at `target_paths`."""
    units = [TreeUnit(*row) for row in Unit.objects.filter(tenant_id=cycle.tenant_id, archived_at__isnull=True)
             .order_by("path").values_list("id", "path", "depth", "level")]
    if not units:
        return []
    on = reference_date(cycle, today)
    max_depth = max(unit.depth for unit in units)
    targets = sorted(set(target_paths)) if target_paths is not None else None
    if targets == []:
        return []
    cadre_sums = _cadre_sums(cycle, on, max_depth, targets)
    unit_sums = _unit_sums(cycle, max_depth, targets)
    attainment = _target_attainment(cycle, on, max_depth, targets)
    # A đoàn cơ sở is complete when it has cadres and every one of them registered.
    complete: dict[str, int] = defaultdict(int)
    for unit in units:
        sums = cadre_sums.get(unit.id)
        if unit.level == UnitLevel.GRASSROOTS and sums and sums[0] and sums[1] == sums[0]:
            for prefix in ancestor_paths(unit.path):
                complete[prefix] += 1
    programmes = _unit_programmes(cycle, units)
    wanted = set(targets) if targets is not None else None
    result = []
    for unit in units:
        if wanted is not None and unit.path not in wanted:
            continue
        values = dict(zip(CADRE_COLUMNS, cadre_sums.get(unit.id, [0] * len(CADRE_COLUMNS))))
        values.update(zip(UNIT_COLUMNS, unit_sums.get(unit.id, [0] * len(UNIT_COLUMNS))))
        values["grassroots_units_complete"] = complete.get(unit.path, 0)
        extra = {"targets": dict(sorted(attainment.get(unit.id, {}).items())),
                 "unit_programmes": programmes.get(unit.path, [])}
        result.append(Figures(unit.id, values, extra))
    return result


def cadre_ids_at_home_in(cycle: Cycle, unit: Unit) -> list[int]:
    """Cadres whose home unit lies in the unit's subtree: whom its figures count."""
    sql = f"WITH {_home_cte()} SELECT cadre_id FROM home WHERE path LIKE %s"
    on = reference_date(cycle)  # paths hold only [0-9A-Z]: nothing to escape in LIKE
    return [row[0] for row in _fetch(sql, [cycle.tenant_id, on, on, unit.path + "%"])]


def home_units(cycle: Cycle) -> dict[int, int]:
    """Every in-scope cadre of the cycle's tenant → their home unit's id."""
    on = reference_date(cycle)
    return dict(_fetch(f"WITH {_home_cte()} SELECT cadre_id, unit_id FROM home", [cycle.tenant_id, on, on]))
