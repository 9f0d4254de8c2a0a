"""Programmes of a generated province and its open cycle.

The tỉnh publishes a cadre programme for the term around the cycle's year (qualitative,
quantitative, yes/no and prohibition criteria, with per-audience targets as in Cần Thơ's
seed 002); most huyện publish their own for the year, inheriting the tỉnh's criteria and
adding one of their own; the tỉnh also runs "Chi đoàn 3 có" for units, with pilot chi đoàn
in every huyện (at least 5 each is the quota; some huyện fall short).
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from cadres.models import PositionRole, UnitLevel, User
from evaluations.models import Cycle, CycleStatus
from evaluations.services.cycles import default_dates
from models_registry.models import (
    ActivityKind as K,
    AudienceTarget,
    CriteriaGroup,
    Criterion,
    CriterionKind as C,
    MeasureUnit,
    Period,
    Programme,
    ProgrammeParticipant,
    ProgrammeStatus,
    ProgrammeSubject,
)
from models_registry.selectors import Applicable, Audience, audience_target_for, programme_groups
from reports.generator.tree import Node

DISTRICT_PROGRAMME_SHARE = 0.8
PILOT_QUOTA = 5


@dataclass(frozen=True)
class Spec:
    title: str
    kind: str
    target: int | None = None
    measure: str = ""
    period: str = ""
    kinds: tuple[str, ...] = ()
    # AudienceTarget rows: (unit_level, role, full_time, civil_servant, target).
    audiences: tuple[tuple[str, str, str, str, int | None], ...] = ()


ANYONE = ("", "", "", "", None)
CADRE_GROUPS = [
    ("Trách nhiệm – Gương mẫu – Trung thực", [
        Spec("Trách nhiệm: nắm chắc tình hình đoàn viên, thanh niên nơi mình phụ trách", C.QUALITATIVE),
        Spec("Gương mẫu: đi đầu trong các phong trào, hoạt động của Đoàn", C.QUALITATIVE),
        Spec("Trung thực: báo cáo đúng, đủ kết quả công tác", C.QUALITATIVE),
    ]),
    ("Chỉ tiêu hoạt động", [
        Spec("Tham gia hoạt động tình nguyện ngoài giờ hành chính", C.QUANTITATIVE, 2, MeasureUnit.HOURS, Period.WEEK,
             (K.VOLUNTEER_HOURS,)),
        Spec("Tham gia hoạt động tình nguyện hoặc dự sinh hoạt chi đoàn", C.QUANTITATIVE, 3, MeasureUnit.ACTIVITIES,
             Period.MONTH, (K.VOLUNTEER_ACTIVITY, K.BRANCH_MEETING),
             (ANYONE, (UnitLevel.DISTRICT, "", "", "", 4), (UnitLevel.PROVINCE, "", "", "", 4))),
        Spec("Có sáng kiến được thủ trưởng cơ quan hoặc Đoàn cấp trên công nhận", C.QUANTITATIVE, 1,
             MeasureUnit.INITIATIVES, Period.YEAR, (K.INITIATIVE,),
             (("", PositionRole.SECRETARY, "", "", None), ("", PositionRole.DEPUTY_SECRETARY, "", "", None),
              ("", "", "yes", "", None))),
        Spec("Học và hướng dẫn được ít nhất 1 bài hát, điệu nhảy tập thể hoặc môn thể thao", C.YES_NO,
             period=Period.YEAR, kinds=(K.SONG_DANCE_SPORT,), audiences=(("", "", "no", "", None),)),
    ]),
    ("Những điều không nên làm", [
        Spec("Mặc áo Thanh niên Việt Nam vào thứ Hai hằng tuần và khi sinh hoạt Đoàn", C.YES_NO, period=Period.WEEK),
        Spec("Không sử dụng rượu, bia trong giờ làm việc và khi tham gia hoạt động Đoàn", C.PROHIBITION),
        Spec("Không đến muộn, về sớm trong các cuộc họp, sinh hoạt", C.PROHIBITION),
    ]),
]
DISTRICT_OWN = Spec("Sâu sát cơ sở: dự sinh hoạt chi đoàn hoặc đi cơ sở", C.QUANTITATIVE, 1, MeasureUnit.MEETINGS,
                    Period.MONTH, (K.BRANCH_MEETING, K.GRASSROOTS_VISIT))
UNIT_GROUPS = [
    ("Chi đoàn 3 có", [
        Spec("Có cán bộ: Ban Chấp hành chi đoàn đủ số lượng, hoạt động hiệu quả", C.YES_NO, period=Period.YEAR),
        Spec("Có sinh hoạt: sinh hoạt chi đoàn định kỳ hằng tháng", C.YES_NO, period=Period.YEAR),
        Spec("Có công trình, phần việc thanh niên", C.YES_NO, period=Period.YEAR),
    ]),
]


@dataclass
class CadreProgramme:
    """A published cadre programme and, per audience, the criteria that apply (resolved once
    with the registry's own precedence rules)."""

    programme: Programme
    groups: list
    cache: dict = field(default_factory=dict)

    def applicable(self, level: str, role: str, full_time: bool, civil_servant: bool) -> list[Applicable]:
        key = (level, role, full_time, civil_servant)
        if key not in self.cache:
            audience = Audience(unit_level=level, role=role, full_time=full_time, civil_servant=civil_servant)
            rows = []
            for group in self.groups:
                for criterion in group.criteria.all():
                    applies, target = audience_target_for(criterion, audience)
                    if applies:
                        rows.append(Applicable(criterion, target))
            self.cache[key] = rows
        return self.cache[key]


@dataclass
class ProgrammeSet:
    province: CadreProgramme
    districts: dict[int, CadreProgramme]  # by owner unit pk
    units: Programme
    participants: int

    def for_node(self, node: Node) -> CadreProgramme:
        """The programme a cadre of this unit registers under: their huyện's, else the tỉnh's."""
        while node.parent is not None and node.level != UnitLevel.DISTRICT:
            node = node.parent
        return self.districts.get(node.pk, self.province)

    @property
    def cadre_programmes(self) -> list[CadreProgramme]:
        return [self.province, *self.districts.values()]

    @property
    def count(self) -> int:
        return 2 + len(self.districts)


class ProgrammeWriter:
    def __init__(self, rng: random.Random, tenant_id: int, year: int, staff: User):
        self.rng, self.tenant_id, self.year, self.staff = rng, tenant_id, year, staff
        self.published_at = timezone.make_aware(datetime.datetime(year, 1, 10, 9, 0))

    def programme(self, owner_pk: int, name: str, start: int, end: int, *, subject=ProgrammeSubject.CADRES,
                  parent=None, description: str = "", pilot_quota=None) -> Programme:
        return Programme.objects.create(
            tenant_id=self.tenant_id, owner_unit_id=owner_pk, name=name, start_year=start, end_year=end,
            subject=subject, status=ProgrammeStatus.PUBLISHED, parent=parent, description=description,
            pilot_quota=pilot_quota, created_by=self.staff, published_by=self.staff, published_at=self.published_at,
        )

    def criteria(self, programme: Programme, groups, inherited: dict | None = None, own: Spec | None = None) -> dict:
        """Groups and criteria from specs; returns {spec: criterion} for children to inherit."""
        made = {}
        for group_position, (title, specs) in enumerate(groups, start=1):
            group = CriteriaGroup.objects.create(tenant_id=self.tenant_id, programme=programme,
                                                 position=group_position, title=title)
            extra = [own] if own is not None and group_position == 2 else []
            for position, spec in enumerate([*specs, *extra], start=1):
                made[spec] = self._criterion(group, position, spec, (inherited or {}).get(spec))
        return made

    def _criterion(self, group: CriteriaGroup, position: int, spec: Spec, source: Criterion | None) -> Criterion:
        criterion = Criterion.objects.create(
            tenant_id=self.tenant_id, group=group, position=position, title=spec.title, kind=spec.kind,
            target=Decimal(spec.target) if spec.target is not None else None, measure=spec.measure,
            period=spec.period, activity_kinds=list(spec.kinds), inherited_from=source,
        )
        AudienceTarget.objects.bulk_create(
            AudienceTarget(tenant_id=self.tenant_id, criterion=criterion, unit_level=level, role=role,
                           full_time=full_time, civil_servant=civil,
                           target=Decimal(target) if target is not None else None)
            for level, role, full_time, civil, target in spec.audiences
        )
        return criterion

    def write(self, root: Node, province_name: str, districts: list[Node]) -> ProgrammeSet:
        rng, year = self.rng, self.year
        province = self.programme(root.pk, "Cán bộ Đoàn trách nhiệm – gương mẫu – sâu sát cơ sở", year - 1, year + 1,
                                  description=f"Mô hình rèn luyện tác phong cán bộ Đoàn của {province_name}.")
        made = self.criteria(province, CADRE_GROUPS)
        own_programmes = {}
        for district in districts:
            if rng.random() >= DISTRICT_PROGRAMME_SHARE and own_programmes:
                continue
            programme = self.programme(
                district.pk, f"Cán bộ Đoàn trách nhiệm – {district.name}", year, year, parent=province,
                description=f"{district.name} triển khai mô hình của tỉnh, bổ sung chỉ tiêu sâu sát cơ sở.")
            self.criteria(programme, CADRE_GROUPS, inherited=made, own=DISTRICT_OWN)
            own_programmes[district.pk] = programme
        units = self.programme(root.pk, "Chi đoàn 3 có", year, year, subject=ProgrammeSubject.UNITS,
                               pilot_quota=PILOT_QUOTA,
                               description="Có cán bộ, có sinh hoạt, có công trình phần việc; thí điểm ở mỗi huyện.")
        self.criteria(units, UNIT_GROUPS)
        participants = self._participants(units, districts)
        return ProgrammeSet(
            province=CadreProgramme(province, programme_groups(province)),
            districts={pk: CadreProgramme(p, programme_groups(p)) for pk, p in own_programmes.items()},
            units=units, participants=participants,
        )

    def _participants(self, programme: Programme, districts: list[Node]) -> int:
        rows = []
        for district in districts:
            branches = [node for node in _descendants(district) if node.level == UnitLevel.BRANCH]
            for node in self.rng.sample(branches, min(len(branches), self.rng.randint(3, 8))):
                rows.append(ProgrammeParticipant(tenant_id=self.tenant_id, programme=programme, unit_id=node.pk))
        ProgrammeParticipant.objects.bulk_create(rows)
        return len(rows)


def _descendants(node: Node):
    for child in node.children:
        yield child
        yield from _descendants(child)


def open_cycle(tenant_id: int, year: int, staff: User) -> Cycle:
    return Cycle.objects.create(tenant_id=tenant_id, year=year, status=CycleStatus.OPEN, opened_by=staff,
                                **default_dates(year))
