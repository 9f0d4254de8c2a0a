"""Which criteria and targets apply to a cadre: Cần Thơ's plan (seed 002, domain §4.1)."""

import datetime
from decimal import Decimal

import pytest

from cadres.actors import SYSTEM
from cadres.models import PositionRole, Sector, UnitLevel
from cadres.services.people import position_create
from models_registry.models import Programme
from models_registry.seeding import load_seed_programmes
from models_registry.selectors import (
    Audience,
    applicable_criteria,
    applicable_criteria_for_unit,
    audience_for,
    criteria_for_audience,
)
from tests.cadres.factories import CadreFactory, TenantFactory, UnitFactory
from tests.models_registry.factories import ProgrammeFactory, quantitative

pytestmark = pytest.mark.django_db

HOURS = "Mỗi tuần đăng ký làm thêm ít nhất 02 giờ làm việc tình nguyện của tổ chức Đoàn"
ACTIVITIES = ("Định kỳ hằng tháng cán bộ Đoàn cần đảm bảo tham dự các hoạt động tình nguyện của tổ chức Đoàn cấp "
              "dưới và tham dự các buổi sinh hoạt Chi đoàn")
INITIATIVE = "Trong năm có ít nhất 01 sáng kiến kinh nghiệm"
SONG = ("Mỗi năm rèn luyện, học tập ít nhất 01 bài hát, 01 điệu múa tập thể hoặc 01 môn thể thao phù hợp "
        "theo hoạt động của từng đơn vị")
SHIRT = "Chấp hành việc mặc áo Thanh niên Việt Nam"
ON_TIME = "Tham dự đầy đủ các buổi họp … đảm bảo đúng giờ, đúng thành phần"
ALCOHOL = "Uống rượu, bia trong giờ làm việc"
CCVC = Sector.CIVIL_SERVICE


@pytest.fixture
def can_tho():
    """Thành đoàn (root) → Đoàn Khối cơ quan (huyện level) → Đoàn cơ sở Sở Nội vụ → Chi đoàn Văn phòng,
    all CCVC; and a residential quận beside them."""
    tenant = TenantFactory(name="Thành đoàn Cần Thơ", slug="can-tho")
    root = tenant.root_unit
    khoi = UnitFactory(parent=root, code="TT01", name="Đoàn Khối Các cơ quan thành phố", sector=CCVC)
    so = UnitFactory(parent=khoi, code="TT01-C01", name="Đoàn cơ sở Sở Nội vụ", sector=CCVC)
    chi_doan = UnitFactory(parent=so, code="TT01-C01-B1", name="Chi đoàn Văn phòng Sở", sector=CCVC)
    quan = UnitFactory(parent=root, code="Q01", name="Quận Đoàn Ninh Kiều", sector=Sector.RESIDENTIAL)
    load_seed_programmes(tenant, seeds=["002"], acting_user=SYSTEM)
    programme = Programme.objects.get(tenant=tenant, seed_key="can-tho-2023-can-bo-doan-trach-nhiem")
    return dict(programme=programme, root=root, khoi=khoi, so=so, chi_doan=chi_doan, quan=quan)


def cadre(unit, role, *, full_time=False, civil_servant=True):
    return CadreFactory(unit=unit, role=role, is_full_time=full_time, is_civil_servant=civil_servant)


def targets(programme, person) -> dict[str, Decimal | None]:
    return {item.criterion.title: item.target for item in applicable_criteria(programme, person)}


def test_full_time_secretary_at_huyen_level_attends_four_activities_a_month(can_tho):
    got = targets(can_tho["programme"], cadre(can_tho["khoi"], PositionRole.SECRETARY, full_time=True))
    assert got[ACTIVITIES] == Decimal("4")
    assert got[HOURS] == Decimal("2")
    assert INITIATIVE in got and got[INITIATIVE] == Decimal("1")
    assert SONG not in got
    assert {SHIRT, ON_TIME, ALCOHOL} <= set(got)
    assert got[SHIRT] is None  # yes/no: no number


def test_secretary_at_co_so_level_attends_three(can_tho):
    got = targets(can_tho["programme"], cadre(can_tho["so"], PositionRole.SECRETARY))
    assert got[ACTIVITIES] == Decimal("3")
    assert INITIATIVE in got  # a Bí thư, even không chuyên trách
    assert SONG not in got


def test_part_time_committee_member_of_a_chi_doan(can_tho):
    got = targets(can_tho["programme"], cadre(can_tho["chi_doan"], PositionRole.EXECUTIVE_MEMBER))
    assert got[ACTIVITIES] == Decimal("3")
    assert SONG in got
    assert INITIATIVE not in got
    assert any(title.startswith("Cần chủ động xung kích đảm nhận thực hiện việc mới") for title in got)
    assert not any(title.startswith("Cần nhận thức đầy đủ trách nhiệm cá nhân") for title in got)  # leaders'



def test_full_time_staff_without_a_committee_role_must_have_an_initiative(can_tho):
    got = targets(can_tho["programme"], cadre(can_tho["so"], PositionRole.FULL_TIME_STAFF, full_time=True))
    assert got[INITIATIVE] == Decimal("1")
    assert got[ACTIVITIES] == Decimal("3")
    assert SONG not in got


def test_full_time_deputy_at_the_thanh_doan_takes_the_higher_figure(can_tho):
    got = targets(can_tho["programme"], cadre(can_tho["root"], PositionRole.DEPUTY_SECRETARY, full_time=True))
    assert got[ACTIVITIES] == Decimal("4")


def test_part_time_committee_member_at_huyen_level_has_no_monthly_target(can_tho):
    # The plan sets the monthly figure for leaders and for cơ sở / chi đoàn committees only.
    got = targets(can_tho["programme"], cadre(can_tho["khoi"], PositionRole.EXECUTIVE_MEMBER))
    assert ACTIVITIES not in got and SONG not in got and INITIATIVE not in got
    assert got[HOURS] == Decimal("2")


def test_a_cadre_without_a_position_gets_a_clear_none(can_tho):
    person = cadre(can_tho["so"], None)
    assert audience_for(can_tho["programme"], person) is None
    assert applicable_criteria(can_tho["programme"], person) == []


def test_an_ended_position_no_longer_counts(can_tho):
    person = cadre(can_tho["so"], None)
    position_create(cadre=person, unit=can_tho["so"], role=PositionRole.SECRETARY,
                    start_date=datetime.date(2020, 1, 1), acting_user=SYSTEM)
    person.positions.update(end_date=datetime.date(2021, 12, 31))
    assert applicable_criteria(can_tho["programme"], person) == []


def test_two_positions_the_lowest_unit_decides(can_tho):
    person = cadre(can_tho["khoi"], PositionRole.DEPUTY_SECRETARY)
    position_create(cadre=person, unit=can_tho["chi_doan"], role=PositionRole.EXECUTIVE_MEMBER, acting_user=SYSTEM)
    audience = audience_for(can_tho["programme"], person)
    assert (audience.unit, audience.role) == (can_tho["chi_doan"], PositionRole.EXECUTIVE_MEMBER)
    got = targets(can_tho["programme"], person)
    assert got[ACTIVITIES] == Decimal("3") and SONG in got and INITIATIVE not in got


def test_two_positions_in_the_lowest_unit_the_highest_role_decides(can_tho):
    person = cadre(can_tho["so"], PositionRole.EXECUTIVE_MEMBER)
    position_create(cadre=person, unit=can_tho["so"], role=PositionRole.DEPUTY_SECRETARY, acting_user=SYSTEM)
    assert audience_for(can_tho["programme"], person).role == PositionRole.DEPUTY_SECRETARY
    got = targets(can_tho["programme"], person)
    assert INITIATIVE in got and SONG not in got


def test_a_ccvc_programme_does_not_reach_a_residential_unit(can_tho):
    person = cadre(can_tho["quan"], PositionRole.SECRETARY, full_time=True)
    assert applicable_criteria(can_tho["programme"], person) == []
    # ...unless the cadre also holds a position the programme covers; that one decides.
    position_create(cadre=person, unit=can_tho["khoi"], role=PositionRole.STANDING_MEMBER, acting_user=SYSTEM)
    assert audience_for(can_tho["programme"], person).unit == can_tho["khoi"]


def test_the_order_is_the_programmes(can_tho):
    got = [item.criterion.title for item in applicable_criteria(can_tho["programme"],
                                                                  cadre(can_tho["so"], PositionRole.SECRETARY))]
    assert got[:3] == ["Trách nhiệm", "Gương mẫu", "Trung thực"]
    assert got.index(SHIRT) < got.index(ALCOHOL) < got.index(HOURS)


def test_preview_for_an_audience_without_a_cadre(can_tho):
    preview = criteria_for_audience(can_tho["programme"], Audience(unit_level=UnitLevel.DISTRICT,
                                                                   role=PositionRole.SECRETARY, full_time=True))
    assert {item.criterion.title: item.target for item in preview}[ACTIVITIES] == Decimal("4")


def test_precedence_more_conditions_win_then_role_over_level():
    programme = ProgrammeFactory(groups=[dict(title="Chỉ tiêu", criteria=[quantitative(
        "Hoạt động mỗi tháng", 3, audiences=[
            dict(unit_level="grassroots", target=5),
            dict(role="secretary", target=6),
            dict(unit_level="grassroots", role="secretary", target=7),
            dict(full_time="yes", civil_servant="yes", target=8),
            dict(role="executive_member", applies=False),
        ])])])

    def target_for(**audience):
        found = criteria_for_audience(programme, Audience(**audience))
        return found[0].target if found else "không áp dụng"

    assert target_for(unit_level="grassroots", role="secretary") == 7  # two conditions beat one
    assert target_for(unit_level="district", role="secretary") == 6
    assert target_for(unit_level="grassroots", role="deputy_secretary") == 5
    # Two conditions each: role+level (7) against full-time+CCVC (8): the role wins.
    assert target_for(unit_level="grassroots", role="secretary", full_time=True, civil_servant=True) == 7
    assert target_for(unit_level="district", role="deputy_secretary", full_time=True, civil_servant=True) == 8
    assert target_for(unit_level="branch", role="executive_member") == "không áp dụng"
    assert target_for(unit_level="branch", role="deputy_secretary") == "không áp dụng"  # rows exist, none match


def test_unit_programme_targets_by_unit_level():
    tenant = TenantFactory()
    district = UnitFactory(parent=tenant.root_unit, sector=Sector.RESIDENTIAL)
    commune = UnitFactory(parent=district, sector=Sector.RESIDENTIAL)
    branch = UnitFactory(parent=commune, sector=Sector.RESIDENTIAL)
    load_seed_programmes(tenant, seeds=["003"], acting_user=SYSTEM)
    two_one = Programme.objects.get(tenant=tenant, seed_key="tay-nguyen-2022-2-giao-1-lien-ket")
    assert [(i.criterion.title[:20], i.target) for i in applicable_criteria_for_unit(two_one, commune)] == [
        ("Ban Chấp hành Đoàn c", Decimal("2"))]
    assert [i.criterion.activity_kinds for i in applicable_criteria_for_unit(two_one, branch)] == [
        ["inter_branch_meeting"]]
    three = Programme.objects.get(tenant=tenant, seed_key="tay-nguyen-2022-chi-doan-3-co")
    assert len(applicable_criteria_for_unit(three, branch)) == 3
    assert applicable_criteria(three, CadreFactory(unit=branch)) == []  # a unit programme has no cadre targets
