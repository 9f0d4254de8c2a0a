-- The P1a floor: the ROOT unit's figures of one cycle in ONE statement, straight from the
-- base tables (PostgreSQL). A yardstick for `reports.services.rollup.rollup_cycle`, not app
-- code. Parameters: tenant, cycle, year, on (reference date), year_start, year_end.
--
-- In scope: cadres not archived with a position active on `on` in a unit not archived.
-- Each is counted once, at their home unit: lowest level, then deepest unit, then highest
-- role, then path (DISTINCT ON keeps the first position in that order). Every home unit
-- lies under the root, so the root's figures are sums over everyone in scope. Forms are
-- aggregated per cadre in one pass over each table (hash aggregates), then joined once.
-- `home` is declared NOT MATERIALIZED (PostgreSQL inlines it in both places it is used):
-- a materialized CTE hides its column statistics, the planner then expects ~10⁸ joined
-- rows, and the JIT compiler it switches on costs ~15× the query itself (700 ms vs 45 ms
-- at 20,000 cadres on PostgreSQL 15).
WITH home AS NOT MATERIALIZED (
  SELECT DISTINCT ON (p.cadre_id) p.cadre_id, p.unit_id, c.is_civil_servant
  FROM cadres_position p
  JOIN cadres_unit u ON u.id = p.unit_id AND u.archived_at IS NULL
  JOIN cadres_cadre c ON c.id = p.cadre_id AND c.archived_at IS NULL
  WHERE p.tenant_id = %(tenant)s
    AND (p.start_date IS NULL OR p.start_date <= %(on)s)
    AND (p.end_date IS NULL OR p.end_date >= %(on)s)
  ORDER BY p.cadre_id,
           CASE u.level WHEN 'province' THEN 0 WHEN 'district' THEN 1 WHEN 'grassroots' THEN 2
                        WHEN 'inter_branch' THEN 3 WHEN 'branch' THEN 4 END DESC,
           u.depth DESC,
           CASE p.role WHEN 'secretary' THEN 0 WHEN 'deputy_secretary' THEN 1 WHEN 'standing_member' THEN 2
                       WHEN 'executive_member' THEN 3 WHEN 'full_time_staff' THEN 4 END,
           u.path
),
reg AS (
  SELECT r.cadre_id,
         bool_or(r.submitted_at IS NOT NULL) AS registered,
         bool_or(r.state = 'approved') AS approved,
         bool_or(r.submitted_at IS NOT NULL AND r.is_late) AS late
  FROM evaluations_registration r
  WHERE r.cycle_id = %(cycle)s
  GROUP BY r.cadre_id
),
sa AS (
  SELECT s.cadre_id,
         bool_or(s.submitted_at IS NOT NULL) AS assessed,
         bool_or(s.state = 'finalised') AS finalised,
         (array_agg(s.final_rating ORDER BY s.finalised_at DESC, s.id DESC)
            FILTER (WHERE s.state = 'finalised'))[1] AS rating,
         bool_or(s.submitted_at IS NOT NULL AND s.is_late) AS late,
         bool_or(s.submitted_at IS NOT NULL AND s.gains_people AND s.gains_work AND s.gains_organisation
                 AND s.gains_public) AS gains
  FROM evaluations_selfassessment s
  WHERE s.cycle_id = %(cycle)s AND s.period = 'year'
  GROUP BY s.cadre_id
),
secretary AS (
  SELECT DISTINCT p.cadre_id
  FROM cadres_position p
  JOIN cadres_unit u ON u.id = p.unit_id AND u.archived_at IS NULL AND u.level = 'grassroots'
  WHERE p.tenant_id = %(tenant)s AND p.role = 'secretary'
    AND (p.start_date IS NULL OR p.start_date <= %(on)s)
    AND (p.end_date IS NULL OR p.end_date >= %(on)s)
),
initiative AS (
  SELECT DISTINCT i.cadre_id
  FROM evaluations_initiative i
  WHERE i.tenant_id = %(tenant)s AND i.date BETWEEN %(year_start)s AND %(year_end)s AND i.state = 'recognised'
),
units AS (
  SELECT count(*) AS units,
         count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM models_registry_programme pr
           WHERE pr.owner_unit_id = u.id AND pr.status = 'published'
             AND pr.start_year <= %(year)s AND pr.end_year >= %(year)s)) AS units_with_programme,
         count(*) FILTER (WHERE u.level = 'grassroots') AS grassroots_units
  FROM cadres_unit u
  WHERE u.tenant_id = %(tenant)s AND u.archived_at IS NULL
),
cadre_sums AS (
  SELECT count(*) AS cadres,
         count(*) FILTER (WHERE reg.registered) AS registered,
         count(*) FILTER (WHERE reg.approved) AS registrations_approved,
         count(*) FILTER (WHERE sa.assessed) AS self_assessed,
         count(*) FILTER (WHERE sa.finalised) AS self_assessments_finalised,
         count(*) FILTER (WHERE reg.registered AND sa.assessed) AS registered_and_self_assessed,
         count(*) FILTER (WHERE sa.rating = 'excellent') AS rated_excellent,
         count(*) FILTER (WHERE sa.rating = 'good') AS rated_good,
         count(*) FILTER (WHERE sa.rating = 'completed') AS rated_completed,
         count(*) FILTER (WHERE sa.rating = 'not_completed') AS rated_not_completed,
         count(*) FILTER (WHERE reg.late) AS late_registrations,
         count(*) FILTER (WHERE sa.late) AS late_self_assessments,
         count(sec.cadre_id) AS grassroots_secretaries,
         count(sec.cadre_id) FILTER (WHERE ini.cadre_id IS NOT NULL) AS grassroots_secretaries_with_initiative,
         count(*) FILTER (WHERE h.is_civil_servant) AS civil_servants,
         count(*) FILTER (WHERE h.is_civil_servant AND sa.gains) AS civil_servants_four_gains
  FROM home h
  LEFT JOIN reg ON reg.cadre_id = h.cadre_id
  LEFT JOIN sa ON sa.cadre_id = h.cadre_id
  LEFT JOIN secretary sec ON sec.cadre_id = h.cadre_id
  LEFT JOIN initiative ini ON ini.cadre_id = h.cadre_id
),
-- Results per criterion (the root row's extra["targets"]): of the yearly self-assessments
-- submitted by cadres in scope, quantitative commitments meeting their target, yes/no
-- criteria done and prohibitions kept / results assessed (a yes/no or prohibition counts
-- once answered).
targets AS (
  SELECT COALESCE(jsonb_object_agg(t.criterion_id::text, jsonb_build_array(t.met, t.total)), '{}'::jsonb)
           AS targets
  FROM (
    SELECT cm.criterion_id,
           count(*) FILTER (WHERE cr.actual_value >= cm.target OR cr.outcome IN ('met', 'kept')) AS met,
           count(*) AS total
    FROM evaluations_commitmentresult cr
    JOIN evaluations_selfassessment s ON s.id = cr.self_assessment_id
    JOIN evaluations_commitment cm ON cm.id = cr.commitment_id
    JOIN models_registry_criterion cq ON cq.id = cm.criterion_id
    WHERE s.cycle_id = %(cycle)s AND s.period = 'year' AND s.submitted_at IS NOT NULL
      AND ((cq.kind = 'quantitative' AND cm.target IS NOT NULL)
           OR (cq.kind IN ('yes_no', 'prohibition') AND cr.outcome IN ('met', 'not_met', 'kept', 'broken')))
      AND s.cadre_id IN (SELECT cadre_id FROM home)
    GROUP BY cm.criterion_id
  ) t
)
SELECT cadre_sums.*, units.*, targets.* FROM cadre_sums CROSS JOIN units CROSS JOIN targets
