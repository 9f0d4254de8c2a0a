"""The rollup equals a brute-force recount in Python on random trees (hypothesis): random
trees of depth up to 5, cadres holding one to three positions (some ended, some in
archived units), forms in every state, programmes, initiatives, commitments. Then random
changes, each followed by the incremental re-roll of its cadre, equal the recount after
every step; and once the cycle is closed, its snapshot does not move whatever follows."""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from cadres.models import Cadre, GrantRole, Position, PositionRole, Unit, UnitLevel
from evaluations.models import (
    AssessmentPeriod,
    AssessmentState,
    CommitmentResult,
    Initiative,
    Rating,
    Registration,
    RegistrationState,
    SelfAssessment,
)
from evaluations.services.cycles import cycle_close
from models_registry.models import CriterionKind, Programme, ProgrammeStatus
from reports.models import FiguresSnapshot, SnapshotCadre, SnapshotUnit, UnitFigures
from reports.rollup import CADRE_COLUMNS, FIGURE_COLUMNS, subtree_targets
from reports.services.rollup import rollup_cadres, rollup_cycle
from tests.cadres.factories import GrantFactory
from tests.reports.factories import (
    YEAR,
    add_unit,
    make_cycle,
    make_programme,
    make_registration,
    make_self_assessment,
    make_tenant,
)

pytestmark = pytest.mark.django_db
LEVELS = list(UnitLevel.values)
ON = datetime.date(YEAR, 12, 31)
# A sáng kiến counts once recognised; the cadre's own "recognised by" text alone does not.
RECOGNISED = dict(state="recognised", recognised_by="Tỉnh Đoàn", decision_number="12-QĐ/TĐTN",
                  decision_date=datetime.date(YEAR, 9, 1))


@st.composite
def worlds(draw):
    units = [(None, 0)]  # (parent index, level rank); the root is the province
    depth = [1]
    for _ in range(draw(st.integers(0, 11))):
        parents = [i for i, (_, rank) in enumerate(units) if rank < len(LEVELS) - 1 and depth[i] < 5]
        parent = draw(st.sampled_from(parents))
        rank = draw(st.integers(units[parent][1] + 1, len(LEVELS) - 1))
        units.append((parent, rank))
        depth.append(depth[parent] + 1)
    n = len(units)
    archived = [False] + [draw(st.booleans()) and draw(st.booleans()) for _ in range(n - 1)]
    position = st.tuples(st.integers(0, n - 1), st.sampled_from(PositionRole.values),
                         st.sampled_from(["active", "ended", "future"]))
    cadre = st.fixed_dictionaries({
        "positions": st.lists(position, min_size=0, max_size=3),
        "civil": st.booleans(),
        "registration": st.sampled_from([None, *RegistrationState.values]),
        "late_registration": st.booleans(),
        "assessment": st.sampled_from([None, *AssessmentState.values]),
        "quarterly": st.booleans(),
        "late_assessment": st.booleans(), "rating": st.sampled_from(Rating.values),
        "gains": st.tuples(*[st.sampled_from([None, True, False])] * 4),
        "initiative": st.sampled_from([None, "recognised", "unrecognised", "last_year"]),
        "actuals": st.lists(st.sampled_from([None, 0, 1, 2, 3]), min_size=2, max_size=2),
        "outcomes": st.tuples(st.sampled_from(["", "met", "not_met"]), st.sampled_from(["", "kept", "broken"])),
    })
    programmes = st.lists(st.tuples(st.integers(0, n - 1), st.sampled_from(["published", "draft", "other_year"])),
                          max_size=4)
    return {"units": units, "archived": archived, "cadres": draw(st.lists(cadre, max_size=14)),
            "programmes": draw(programmes), "archived_cadre": draw(st.booleans())}


def build(world):
    tenant = make_tenant()
    units = [tenant.root_unit]
    for parent, rank in world["units"][1:]:
        units.append(add_unit(units[parent], level=LEVELS[rank]))
    for unit, archived in zip(units, world["archived"]):
        if archived:
            Unit.objects.filter(pk=unit.pk).update(archived_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
    cycle = make_cycle(tenant)
    main = make_programme(units[0], quantitative=2, others=(CriterionKind.YES_NO, CriterionKind.PROHIBITION))
    for index, kind in world["programmes"]:
        make_programme(units[index], YEAR + (kind == "other_year"),
                       status=ProgrammeStatus.DRAFT if kind == "draft" else ProgrammeStatus.PUBLISHED)
    dates = {"active": (datetime.date(2024, 1, 1), None), "ended": (datetime.date(2020, 1, 1), datetime.date(2025, 6, 30)),
             "future": (datetime.date(2026, 2, 1), None)}
    for index, spec in enumerate(world["cadres"]):
        archived = world["archived_cadre"] and index == 0
        cadre = Cadre.objects.create(tenant=tenant, full_name=f"Cán Bộ {index}", is_civil_servant=spec["civil"],
                                     archived_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC) if archived
                                     else None)
        for unit_index, role, when in spec["positions"]:
            start, end = dates[when]
            Position.objects.create(tenant=tenant, cadre=cadre, unit=units[unit_index], role=role,
                                    start_date=start, end_date=end)
        if spec["registration"] is None:
            continue
        unit = units[spec["positions"][0][0]] if spec["positions"] else units[0]
        registration = make_registration(cycle, main, cadre, unit, state=spec["registration"],
                                         late=spec["late_registration"], targets=[Decimal(2), Decimal(1), None, None])
        if spec["assessment"] is not None:
            make_self_assessment(registration, state=spec["assessment"], rating=spec["rating"],
                                 late=spec["late_assessment"], gains=spec["gains"],
                                 actuals=[*spec["actuals"], *spec["outcomes"]],
                                 period=AssessmentPeriod.Q1 if spec["quarterly"] else AssessmentPeriod.YEAR)
        if spec["initiative"]:
            day = datetime.date(YEAR - 1 if spec["initiative"] == "last_year" else YEAR, 5, 1)
            # An unrecognised one carries the body the cadre typed: the text alone does not count.
            Initiative.objects.create(tenant=tenant, cadre=cadre, title="Sáng kiến", date=day,
                                      **({"recognised_by": "Huyện Đoàn"} if spec["initiative"] == "unrecognised"
                                         else RECOGNISED))
    return tenant, cycle


def _active(position) -> bool:
    return position.start_date <= ON and (position.end_date is None or position.end_date >= ON)


def recount(tenant, cycle) -> dict[int, dict]:
    """Every unit's figures, the slow and obvious way."""
    units = [u for u in Unit.objects.filter(tenant=tenant) if u.archived_at is None]
    homes = {}
    for cadre in Cadre.objects.filter(tenant=tenant, archived_at__isnull=True):
        positions = [p for p in Position.objects.filter(cadre=cadre).select_related("unit")
                     if _active(p) and p.unit.archived_at is None]
        if positions:
            best = min(positions, key=lambda p: (-LEVELS.index(p.unit.level), -p.unit.depth,
                                                 PositionRole.values.index(p.role), p.unit.path))
            homes[cadre.pk] = (cadre, best.unit)
    own = {}
    for cadre, home in homes.values():
        registrations = Registration.objects.filter(cycle=cycle, cadre=cadre)
        yearly = SelfAssessment.objects.filter(cycle=cycle, cadre=cadre, period=AssessmentPeriod.YEAR)
        submitted = [s for s in yearly if s.submitted_at]
        finalised = sorted((s for s in yearly if s.state == AssessmentState.FINALISED),
                           key=lambda s: (s.finalised_at, s.pk))
        secretary = any(_active(p) and p.role == PositionRole.SECRETARY and p.unit.level == UnitLevel.GRASSROOTS
                        and p.unit.archived_at is None
                        for p in Position.objects.filter(cadre=cadre).select_related("unit"))
        initiative = Initiative.objects.filter(cadre=cadre, date__year=cycle.year, state="recognised").exists()
        registered = any(r.submitted_at for r in registrations)
        rating = finalised[-1].final_rating if finalised else None
        own[cadre.pk] = {
            "cadres": 1, "registered": int(registered),
            "registrations_approved": int(any(r.state == RegistrationState.APPROVED for r in registrations)),
            "self_assessed": int(bool(submitted)), "self_assessments_finalised": int(bool(finalised)),
            "registered_and_self_assessed": int(registered and bool(submitted)),
            "rated_excellent": int(rating == Rating.EXCELLENT), "rated_good": int(rating == Rating.GOOD),
            "rated_completed": int(rating == Rating.COMPLETED),
            "rated_not_completed": int(rating == Rating.NOT_COMPLETED),
            "late_registrations": int(any(r.submitted_at and r.is_late for r in registrations)),
            "late_self_assessments": int(any(s.is_late for s in submitted)),
            "grassroots_secretaries": int(secretary), "grassroots_secretaries_with_initiative": int(
                secretary and initiative),
            "civil_servants": int(cadre.is_civil_servant),
            "civil_servants_four_gains": int(cadre.is_civil_servant and any(
                s.gains_people and s.gains_work and s.gains_organisation and s.gains_public for s in submitted)),
        }
    expected = {}
    for unit in units:
        inside = [c for c, (cadre, home) in homes.items() if home.path.startswith(unit.path)]
        figures = dict.fromkeys(CADRE_COLUMNS, 0)
        for cadre_id in inside:
            for key, value in own[cadre_id].items():
                figures[key] += value
        subtree = [u for u in units if u.path.startswith(unit.path)]
        figures["units"] = len(subtree)
        figures["units_with_programme"] = sum(
            Programme.objects.filter(owner_unit=u, status=ProgrammeStatus.PUBLISHED, start_year__lte=cycle.year,
                                     end_year__gte=cycle.year).exists() for u in subtree)
        grassroots = [u for u in subtree if u.level == UnitLevel.GRASSROOTS]
        figures["grassroots_units"] = len(grassroots)
        complete = 0
        for g in grassroots:
            theirs = [c for c, (cadre, home) in homes.items() if home.path.startswith(g.path)]
            complete += bool(theirs) and all(own[c]["registered"] for c in theirs)
        figures["grassroots_units_complete"] = complete
        targets = defaultdict(lambda: [0, 0])
        for result in CommitmentResult.objects.filter(
                self_assessment__cycle=cycle, self_assessment__period=AssessmentPeriod.YEAR,
                self_assessment__submitted_at__isnull=False, self_assessment__cadre_id__in=inside,
        ).select_related("commitment__criterion"):
            kind = result.commitment.criterion.kind
            if kind == CriterionKind.QUANTITATIVE and result.commitment.target is not None:
                met = result.actual_value is not None and result.actual_value >= result.commitment.target
            elif kind in (CriterionKind.YES_NO, CriterionKind.PROHIBITION) and result.outcome:
                met = result.outcome in ("met", "kept")
            else:
                continue
            entry = targets[str(result.commitment.criterion_id)]
            entry[0] += int(met)
            entry[1] += 1
        figures["targets"] = dict(sorted(targets.items()))
        expected[unit.pk] = dict(figures)
    return expected


def stored(cycle) -> dict[int, dict]:
    """The live figures as pages read them (`reports.figures`)."""
    rows = {}
    figures = list(UnitFigures.objects.filter(cycle=cycle).select_related("unit"))
    targets = subtree_targets(cycle, [row.unit.path for row in figures])
    for row in figures:
        values = {f.name: getattr(row, f.name) for f in UnitFigures._meta.concrete_fields
                  if f.name not in ("id", "tenant", "cycle", "unit", "extra", "computed_at")}
        values["targets"] = targets[row.unit.path]
        rows[row.unit_id] = values
    return rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(world=worlds())
def test_rollup_equals_a_brute_force_recount(world):
    tenant, cycle = build(world)
    rollup_cycle(cycle=cycle)
    expected = recount(tenant, cycle)
    assert stored(cycle) == expected


STEPS = ["registration", "assessment", "actual", "end_position", "add_position", "civil", "initiative", "archive"]


def _change(step: str, cadre: Cadre, units: list[Unit], pick: int, cycle) -> None:
    """One thing that happens to a cadre during the year, written as the services would."""
    registration = Registration.objects.filter(cycle=cycle, cadre=cadre).order_by("pk").first()
    if step == "registration" and registration is not None:
        state = RegistrationState.values[pick % len(RegistrationState.values)]
        registration.state = state
        unsent = state in (RegistrationState.DRAFT, RegistrationState.CLOSED)
        registration.submitted_at = None if unsent else datetime.datetime(YEAR, 3, 1, tzinfo=datetime.UTC)
        registration.save()
    elif step == "assessment" and registration is not None:
        assessment = SelfAssessment.objects.filter(registration=registration).first()
        if assessment is None:
            assessment = SelfAssessment.objects.create(
                tenant=cycle.tenant, cycle=cycle, cadre=cadre, unit=registration.unit, role=registration.role,
                registration=registration, state=AssessmentState.SUBMITTED,
                submitted_at=datetime.datetime(YEAR, 9, 1, tzinfo=datetime.UTC), gains_people=True,
                gains_work=True, gains_organisation=True, gains_public=True)
        else:
            assessment.state = AssessmentState.FINALISED
            assessment.final_rating = Rating.values[pick % len(Rating.values)]
            assessment.finalised_at = datetime.datetime(YEAR, 10, pick % 28 + 1, tzinfo=datetime.UTC)
            assessment.submitted_at = assessment.submitted_at or assessment.finalised_at
            assessment.save()
    elif step == "actual":
        result = CommitmentResult.objects.filter(self_assessment__cadre=cadre).order_by("pk").first()
        if result is not None:
            result.actual_value = Decimal(pick % 4)
            result.save()
    elif step == "end_position":
        position = Position.objects.filter(cadre=cadre, end_date__isnull=True).order_by("pk").first()
        if position is not None:
            position.end_date = max(position.start_date, datetime.date(YEAR, 6, 30))
            position.save()
    elif step == "add_position":
        Position.objects.create(tenant=cycle.tenant, cadre=cadre, unit=units[pick % len(units)],
                                role=PositionRole.values[pick % len(PositionRole.values)],
                                start_date=datetime.date(YEAR, 2, 1))
    elif step == "civil":
        cadre.is_civil_servant = not cadre.is_civil_servant
        cadre.save()
    elif step == "initiative":
        Initiative.objects.create(tenant=cycle.tenant, cadre=cadre, title="Sáng kiến mới", date=datetime.date(YEAR, 8, 1),
                                  **RECOGNISED)
    elif step == "archive":
        cadre.archived_at = datetime.datetime(YEAR, 7, 1, tzinfo=datetime.UTC)
        cadre.save()


def _frozen(snapshot) -> dict:
    units = {row.unit_id: {name: getattr(row, name) for name in FIGURE_COLUMNS} | {"path": row.path, "extra": row.extra}
             for row in SnapshotUnit.objects.filter(snapshot=snapshot)}
    cadres = sorted(SnapshotCadre.objects.filter(snapshot=snapshot).values_list("cadre_id", "unit_id", "registered"))
    return {"units": units, "cadres": cadres}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(world=worlds(), steps=st.lists(st.tuples(st.sampled_from(STEPS), st.integers(0, 50), st.integers(0, 50)),
                                      max_size=6),
       later=st.lists(st.tuples(st.sampled_from(["end_position", "add_position", "archive", "move"]),
                                st.integers(0, 50), st.integers(0, 50)), min_size=1, max_size=4))
def test_incremental_steps_equal_a_recount_and_a_closed_cycle_stays_frozen(world, steps, later):
    tenant, cycle = build(world)
    rollup_cycle(cycle=cycle)
    cadres = list(Cadre.objects.filter(tenant=tenant).order_by("pk"))
    units = list(Unit.objects.filter(tenant=tenant).order_by("path"))
    for step, who, pick in steps:
        if not cadres:
            break
        cadre = cadres[who % len(cadres)]
        _change(step, cadre, units, pick, cycle)
        rollup_cadres(cycle=cycle, cadre_ids=[cadre.pk])  # what the on-commit signal queues
        assert stored(cycle) == recount(tenant, cycle), (step, cadre.pk)

    staff = GrantFactory(unit=tenant.root_unit, role=GrantRole.PROVINCIAL_STAFF, tenant=tenant).user
    cycle_close(cycle=cycle, acting_user=staff)
    snapshot = FiguresSnapshot.objects.get(cycle=cycle)
    frozen = _frozen(snapshot)
    assert {unit_id: {k: v for k, v in row.items() if k not in ("path", "extra")} | {"targets": row["extra"]["targets"]}
            for unit_id, row in frozen["units"].items()} == recount(tenant, cycle)
    for step, who, pick in later:
        if step == "move" and len(units) > 2:
            node = Unit.objects.get(pk=units[1 + who % (len(units) - 1)].pk)
            target = Unit.objects.get(pk=units[0].pk)
            if UnitLevel.rank(node.level) > UnitLevel.rank(target.level) and node.depth > 2:
                Unit.objects.move(node, target, "last-child")
        elif cadres and step != "move":
            cadre = cadres[who % len(cadres)]
            _change(step, Cadre.objects.get(pk=cadre.pk), units, pick, cycle)
            assert rollup_cadres(cycle=cycle, cadre_ids=[cadre.pk]) == 0  # discarded: the cycle is closed
    assert _frozen(snapshot) == frozen
