"""A small synthetic province for the benchmark, used only when `manage.py generate_province`
is not installed (it is the real generator). Bulk inserts, deterministic for a seed:
province → huyện → đoàn cơ sở → chi đoàn (depth 4), ~10 cadres per chi đoàn, an open cycle
of the current year, one published cadre programme and forms in every state."""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from cadres.models import Cadre, Position, PositionRole, Unit, UnitLevel
from cadres.services.units import tenant_create
from cadres.text import fold
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
from models_registry.models import CriteriaGroup, Criterion, CriterionKind, Programme, ProgrammeStatus

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _step(n: int) -> str:
    digits = ""
    for _ in range(Unit.steplen):
        n, digit = divmod(n, len(ALPHABET))
        digits = ALPHABET[digit] + digits
    return digits


@scopes_disabled()
@transaction.atomic
def build(*, slug: str, cadres: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    now = timezone.now()
    year = timezone.localdate().year
    tenant = tenant_create(name=f"Tỉnh Đoàn {slug}", slug=slug, root_code=slug.upper())
    root = Unit.objects.get(tenant=tenant, depth=1)
    branches_wanted = max(cadres // 10, 4)
    grassroots_wanted = max(branches_wanted // 8, 2)
    districts_wanted = max(grassroots_wanted // 12, 1)
    units: list[Unit] = []

    def add(parent_path: str, index: int, depth: int, level: str, code: str, name: str) -> Unit:
        unit = Unit(tenant=tenant, path=parent_path + _step(index + 1), depth=depth, numchild=0, level=level,
                    code=code, name=name, search_text=fold(f"{code} {name}"))
        units.append(unit)
        return unit

    districts = [add(root.path, d, 2, UnitLevel.DISTRICT, f"H{d}", f"Huyện Đoàn {d}") for d in range(districts_wanted)]
    grassroots = [add(districts[g % len(districts)].path, g // len(districts), 3, UnitLevel.GRASSROOTS, f"X{g}",
                      f"Đoàn xã {g}") for g in range(grassroots_wanted)]
    branches = [add(grassroots[b % len(grassroots)].path, b // len(grassroots), 4, UnitLevel.BRANCH, f"C{b}",
                    f"Chi đoàn {b}") for b in range(branches_wanted)]
    for parent, children in ((root, districts), *((d, [g for g in grassroots if g.path.startswith(d.path)])
                                                  for d in districts),
                             *((g, [b for b in branches if b.path.startswith(g.path)]) for g in grassroots)):
        parent.numchild = len(children)
    Unit.objects.bulk_create(units)
    root.numchild = len(districts)
    root.save(update_fields=["numchild"])
    units = {unit.path: unit for unit in Unit.objects.filter(tenant=tenant)}
    branches = [units[b.path] for b in branches]
    grassroots = [units[g.path] for g in grassroots]

    programme = Programme.objects.create(tenant=tenant, owner_unit=root, name="Cán bộ Đoàn trách nhiệm",
                                         start_year=year - 1, end_year=year + 3, status=ProgrammeStatus.PUBLISHED,
                                         published_at=now)
    Programme.objects.create(tenant=tenant, owner_unit=districts[0], name="Mô hình huyện", start_year=year,
                             end_year=year, status=ProgrammeStatus.PUBLISHED, published_at=now)
    group = CriteriaGroup.objects.create(tenant=tenant, programme=programme, title="Trách nhiệm")
    qualitative = Criterion.objects.create(tenant=tenant, group=group, position=1, title="Trách nhiệm",
                                           kind=CriterionKind.QUALITATIVE)
    hours = Criterion.objects.create(tenant=tenant, group=group, position=2, title="Giờ tình nguyện",
                                     kind=CriterionKind.QUANTITATIVE, target=Decimal(2), measure="hours",
                                     period="week", activity_kinds=["volunteer_hours"])
    cycle = Cycle.objects.create(tenant=tenant, year=year, registration_closes=datetime.date(year, 3, 31),
                                 self_assessment_due=datetime.date(year, 10, 15),
                                 review_due=datetime.date(year, 10, 25), unit_report_due=datetime.date(year, 10, 30))

    people = Cadre.objects.bulk_create(
        Cadre(tenant=tenant, full_name=f"Nguyễn Văn Đo {i}", sort_key=f"do {i:07d}", search_text=f"nguyen van do {i}",
              is_civil_servant=rng.random() < 0.3, is_full_time=rng.random() < 0.2,
              archived_at=now if rng.random() < 0.01 else None)
        for i in range(cadres)
    )
    start = datetime.date(year - 1, 1, 1)
    positions = []
    for i, cadre in enumerate(people):
        branch = branches[i % len(branches)]
        role = PositionRole.SECRETARY if i < len(branches) else rng.choice(
            [PositionRole.DEPUTY_SECRETARY, PositionRole.EXECUTIVE_MEMBER, PositionRole.EXECUTIVE_MEMBER])
        positions.append(Position(tenant=tenant, cadre=cadre, unit=branch, role=role, start_date=start))
        if i < len(grassroots):  # a grassroots secretary who also sits on a branch's committee
            positions.append(Position(tenant=tenant, cadre=cadre, unit=grassroots[i], role=PositionRole.SECRETARY,
                                      start_date=start))
        elif rng.random() < 0.02:  # a position that ended last year
            positions.append(Position(tenant=tenant, cadre=cadre, unit=grassroots[i % len(grassroots)],
                                      role=PositionRole.STANDING_MEMBER, start_date=start,
                                      end_date=datetime.date(year - 1, 12, 31)))
    Position.objects.bulk_create(positions)
    unit_of = {p.cadre_id: p.unit for p in positions if p.unit.level == UnitLevel.BRANCH}

    registrations, states = [], []
    for cadre in people:
        if rng.random() < 0.1:
            continue
        state = rng.choice([RegistrationState.DRAFT, RegistrationState.SUBMITTED, RegistrationState.RETURNED,
                            *[RegistrationState.APPROVED] * 5])
        submitted = None if state == RegistrationState.DRAFT else now
        registrations.append(Registration(
            tenant=tenant, cycle=cycle, cadre=cadre, programme=programme, unit=unit_of[cadre.pk],
            role=PositionRole.EXECUTIVE_MEMBER, state=state, submitted_at=submitted, full_name=cadre.full_name,
            is_late=submitted is not None and rng.random() < 0.1, unit_name=unit_of[cadre.pk].name,
            approved_at=now if state == RegistrationState.APPROVED else None, lock_version=2))
        states.append(state)
    Registration.objects.bulk_create(registrations)
    commitments = []
    for registration in registrations:
        commitments.append(Commitment(tenant=tenant, registration=registration, criterion=qualitative, position=1,
                                      text="Làm việc có trách nhiệm"))
        commitments.append(Commitment(tenant=tenant, registration=registration, criterion=hours, position=2,
                                      minimum=Decimal(2), target=Decimal(2 + rng.randrange(3))))
    Commitment.objects.bulk_create(commitments)

    assessments = []
    for registration in registrations:
        if registration.state != RegistrationState.APPROVED or rng.random() < 0.15:
            continue
        state = rng.choice([AssessmentState.DRAFT, AssessmentState.SUBMITTED, AssessmentState.RETURNED,
                            AssessmentState.PROPOSED, AssessmentState.PROPOSED, AssessmentState.FINALISED,
                            AssessmentState.FINALISED, AssessmentState.FINALISED])
        submitted = None if state == AssessmentState.DRAFT else now
        finalised = state == AssessmentState.FINALISED
        gains = rng.random() < 0.7
        assessments.append(SelfAssessment(
            tenant=tenant, cycle=cycle, cadre_id=registration.cadre_id, registration=registration,
            unit=registration.unit, role=registration.role, period=AssessmentPeriod.YEAR, state=state,
            submitted_at=submitted, is_late=submitted is not None and rng.random() < 0.1,
            gains_people=gains, gains_work=gains, gains_organisation=gains, gains_public=gains or None,
            self_rating=Rating.GOOD, proposed_rating=Rating.GOOD if state in ("proposed", "finalised") else "",
            final_rating=rng.choice(Rating.values) if finalised else "", finalised_at=now if finalised else None,
            lock_version=3))
    SelfAssessment.objects.bulk_create(assessments)
    by_registration = {c.registration_id: [] for c in commitments}
    for c in commitments:
        by_registration[c.registration_id].append(c)
    CommitmentResult.objects.bulk_create(
        CommitmentResult(tenant=tenant, self_assessment=a, commitment=c, result="Đạt",
                         actual_value=Decimal(rng.randrange(5)) if c.target is not None else None)
        for a in assessments for c in by_registration[a.registration_id])
    secretaries = {p.cadre_id for p in positions if p.role == PositionRole.SECRETARY}
    Initiative.objects.bulk_create(
        Initiative(tenant=tenant, cadre=cadre, title="Sáng kiến", date=datetime.date(year, 5, 1),
                   recognised_by="Tỉnh Đoàn" if rng.random() < 0.7 else "")
        for cadre in people if rng.random() < (0.4 if cadre.pk in secretaries else 0.05))
