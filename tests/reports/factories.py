"""Trees, cadres and forms for report tests. Rows are written directly (not through the
evaluation services) so a test can build hundreds of cadres in any state quickly: the
rollup only reads what is stored."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from cadres.actors import SYSTEM
from cadres.models import Cadre, Position, PositionRole, Tenant, Unit, UnitLevel
from cadres.services.units import tenant_create
from cadres.text import fold, person_sort_key
from evaluations.models import (
    AssessmentPeriod,
    AssessmentState,
    Commitment,
    CommitmentResult,
    Cycle,
    Registration,
    RegistrationState,
    SelfAssessment,
)
from models_registry.models import CriteriaGroup, Criterion, CriterionKind, Programme, ProgrammeStatus

YEAR = 2025  # a past year: positions are read as they stood on 31/12/2025
HELD_SINCE = datetime.date(2020, 1, 1)  # a position's start when a test gives none: well before YEAR
_serial = itertools.count(1)


def make_tenant(name: str = "", slug: str = "") -> Tenant:
    n = next(_serial)
    return tenant_create(name=name or f"Tỉnh Đoàn Báo Cáo {n}", slug=slug or f"bao-cao-{n}",
                         root_code=(slug or f"bao-cao-{n}").upper(), acting_user=SYSTEM)


def add_unit(parent: Unit, *, level: str, name: str = "", code: str = "", sector: str = "") -> Unit:
    n = next(_serial)
    return Unit.objects.add_child(parent, {"tenant": parent.tenant, "code": code or f"U{n}",
                                           "name": name or f"Đơn vị {n}", "level": level, "sector": sector})


def make_cycle(tenant: Tenant, year: int = YEAR, **dates) -> Cycle:
    defaults = dict(registration_closes=datetime.date(year, 3, 31), self_assessment_due=datetime.date(year, 9, 30),
                    review_due=datetime.date(year, 10, 15), unit_report_due=datetime.date(year, 10, 30))
    return Cycle.objects.create(tenant=tenant, year=year, **{**defaults, **dates})


def make_programme(unit: Unit, year: int = YEAR, *, status=ProgrammeStatus.PUBLISHED, subject="cadres",
                   name: str = "", pilot_quota=None, quantitative: int = 1, others=()) -> Programme:
    """`quantitative` weekly hours targets of 2, then one criterion of each kind in `others`."""
    programme = Programme.objects.create(
        tenant=unit.tenant, owner_unit=unit, name=name or f"Mô hình {next(_serial)}", start_year=year,
        end_year=year, subject=subject, status=status, pilot_quota=pilot_quota,
    )
    group = CriteriaGroup.objects.create(tenant=unit.tenant, programme=programme, title="Chỉ tiêu")
    for index in range(quantitative):
        Criterion.objects.create(tenant=unit.tenant, group=group, position=index, title=f"Chỉ tiêu {index + 1}",
                                 kind=CriterionKind.QUANTITATIVE, target=Decimal(2), measure="hours",
                                 period="week")
    for index, kind in enumerate(others, start=quantitative):
        Criterion.objects.create(tenant=unit.tenant, group=group, position=index, title=f"Tiêu chí {index + 1}",
                                 kind=kind)
    return programme


def make_cadre(tenant: Tenant, positions, *, civil_servant: bool = False, archived: bool = False,
               full_name: str = "", email: str = "") -> Cadre:
    """`positions`: (unit, role) or (unit, role, start, end) tuples; no start means HELD_SINCE."""
    name = full_name or f"Nguyễn Văn Cán Bộ {next(_serial)}"
    cadre = Cadre.objects.create(tenant=tenant, full_name=name, is_civil_servant=civil_servant, email=email,
                                 archived_at=timezone.now() if archived else None)
    for spec in positions:
        unit, role, start, end = (*spec, None, None)[:4]
        Position.objects.create(tenant=tenant, cadre=cadre, unit=unit, role=role, start_date=start or HELD_SINCE,
                                end_date=end)
    return cadre


def bulk_cadres(unit: Unit, count: int, prefix: str = "Cán bộ") -> list[Cadre]:
    """`count` cadres of `unit` (the first its Bí thư), written in three queries."""
    cadres = Cadre.objects.bulk_create([
        Cadre(tenant=unit.tenant, full_name=f"{prefix} {unit.code} {i}", sort_key=person_sort_key(f"{prefix} {i}"),
              search_text=fold(f"{prefix} {unit.code} {i}")) for i in range(count)
    ])
    Position.objects.bulk_create([
        Position(tenant=unit.tenant, cadre=cadre, unit=unit, start_date=HELD_SINCE,
                 role=PositionRole.SECRETARY if i == 0 else PositionRole.EXECUTIVE_MEMBER)
        for i, cadre in enumerate(cadres)
    ])
    return cadres


def make_registration(cycle: Cycle, programme: Programme, cadre: Cadre, unit: Unit, *,
                      state: str = RegistrationState.APPROVED, late: bool = False, revision: int = 1,
                      targets=()) -> Registration:
    # A closed draft was never sent.
    submitted = state not in (RegistrationState.DRAFT, RegistrationState.CLOSED)
    registration = Registration.objects.create(
        tenant=cycle.tenant, cycle=cycle, cadre=cadre, unit=unit, role=PositionRole.EXECUTIVE_MEMBER,
        programme=programme, state=state, is_late=late, revision=revision,
        submitted_at=timezone.now() if submitted else None,
    )
    criteria = Criterion.objects.filter(group__programme=programme).order_by("position")
    for criterion, target in zip(criteria, targets):
        Commitment.objects.create(tenant=cycle.tenant, registration=registration, criterion=criterion,
                                  target=target, minimum=criterion.target)
    return registration


def bulk_registrations(cycle: Cycle, programme: Programme, cadres, unit: Unit) -> None:
    Registration.objects.bulk_create([
        Registration(tenant=cycle.tenant, cycle=cycle, cadre=cadre, unit=unit, role=PositionRole.EXECUTIVE_MEMBER,
                     programme=programme, state=RegistrationState.APPROVED, submitted_at=timezone.now())
        for cadre in cadres
    ])


def make_self_assessment(registration: Registration, *, state: str = AssessmentState.FINALISED,
                         rating: str = "", late: bool = False, gains=(None, None, None, None),
                         actuals=(), period: str = AssessmentPeriod.YEAR) -> SelfAssessment:
    submitted = state != AssessmentState.DRAFT
    people, work, organisation, public = gains
    assessment = SelfAssessment.objects.create(
        tenant=registration.tenant, cycle=registration.cycle, cadre=registration.cadre, unit=registration.unit,
        role=registration.role, registration=registration, period=period, state=state, is_late=late,
        final_rating=rating if state == AssessmentState.FINALISED else "",
        finalised_at=timezone.now() if state == AssessmentState.FINALISED else None,
        submitted_at=timezone.now() if submitted else None, gains_people=people, gains_work=work,
        gains_organisation=organisation, gains_public=public,
    )
    # An actual per commitment in order: a number (or None), or the outcome of a yes/no or prohibition.
    for commitment, actual in zip(registration.commitments.order_by("position", "id"), actuals):
        outcome = actual if isinstance(actual, str) else ""
        CommitmentResult.objects.create(tenant=registration.tenant, self_assessment=assessment, commitment=commitment,
                                        actual_value=None if isinstance(actual, str) else actual, outcome=outcome)
    return assessment


def cho_moi(tenant: Tenant | None = None, year: int = YEAR):
    """Huyện Đoàn Chợ Mới under its tỉnh: 41 đoàn cơ sở, 402 cadres (the huyện's own 5,
    then 28 units of 10 and 13 of 9, minus 0), every one registered and approved."""
    n = next(_serial)
    tenant = tenant or make_tenant(f"Tỉnh Đoàn An Giang {n}", f"an-giang-{n}")
    root = tenant.root_unit
    root.name = "Tỉnh Đoàn An Giang"
    root.save(update_fields=["name", "search_text"])
    huyen = add_unit(root, level=UnitLevel.DISTRICT, name="Huyện Đoàn Chợ Mới", code="CM")
    other = add_unit(root, level=UnitLevel.DISTRICT, name="Thành Đoàn Long Xuyên", code="LX")
    cycle = make_cycle(tenant, year)
    programme = make_programme(huyen, year, name="3 cần, 5 quyết tâm")
    grassroots = [add_unit(huyen, level=UnitLevel.GRASSROOTS, name=f"Đoàn xã Số {i + 1:02d}", code=f"CM-X{i + 1:02d}")
                  for i in range(41)]
    cadres = bulk_cadres(huyen, 5, "Huyện")
    for index, unit in enumerate(grassroots):
        cadres += bulk_cadres(unit, 10 if index < 28 else 9)
    assert len(cadres) == 402
    homes = {p.cadre_id: p.unit for p in Position.objects.filter(cadre__in=cadres).select_related("unit")}
    for unit in [huyen, *grassroots]:
        bulk_registrations(cycle, programme, [c for c in cadres if homes[c.pk] == unit], unit)
    return dict(tenant=tenant, root=root, huyen=huyen, other=other, cycle=cycle, programme=programme,
                grassroots=grassroots, cadres=cadres)
