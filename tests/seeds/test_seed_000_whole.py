"""Seed 000, Tỉnh đoàn Ninh Bình, "Cán bộ Đoàn trách nhiệm" (2023, khối CCVC) run whole: loaded
alone, two cadres of a CCVC chi đoàn register against the five criteria and the named volunteer
days, the chi đoàn's Bí thư approves the member's form (the đoàn cơ sở's Bí thư hers), they
self-assess, the BTV of the đoàn cơ sở rates them, and its report PDF prints the figures."""

import datetime

import pytest

from cadres.models import PositionRole, Sector, UnitLevel
from tests.cadres.factories import CadreFactory, UnitFactory
from tests.seeds.whole import Year

pytestmark = pytest.mark.django_db
CCVC = Sector.CIVIL_SERVICE


def test_ninh_binh_2023_runs_from_registration_to_the_report_pdf(client, django_capture_on_commit_callbacks,
                                                                   settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    year = Year(client, django_capture_on_commit_callbacks, seed="000", year=2023, name="Tỉnh đoàn Ninh Bình",
                slug="ninh-binh")
    with year.setting_up():
        khoi = UnitFactory(parent=year.root, code="KCQ", name="Đoàn Khối các cơ quan tỉnh",
                           level=UnitLevel.DISTRICT, sector=CCVC)
        so = UnitFactory(parent=khoi, code="STP", name="Đoàn cơ sở Sở Tư pháp", level=UnitLevel.GRASSROOTS,
                         sector=CCVC)
        chi_doan = UnitFactory(parent=so, code="STP-VP", name="Chi đoàn Văn phòng Sở", level=UnitLevel.BRANCH,
                               sector=CCVC)
        btv = CadreFactory(unit=so, role=PositionRole.SECRETARY, full_name="Đinh Văn Hùng", is_civil_servant=True)
        bithu = CadreFactory(unit=chi_doan, role=PositionRole.SECRETARY, full_name="Phạm Thị Lan",
                             is_civil_servant=True)
        member = CadreFactory(unit=chi_doan, role=PositionRole.EXECUTIVE_MEMBER, full_name="Trần Văn Nam",
                              is_civil_servant=True)
    programme = year.load_seed()

    sunday = datetime.date(2023, 3, 26)  # a "Ngày Chủ nhật xanh"
    year.whole(member, bithu, btv, programme, "excellent", activities=[("volunteer_activity", sunday, "")])
    year.whole(bithu, btv, btv, programme, "good")

    report = year.pdf(btv.user, so)
    assert "Kết quả thực hiện mô hình “Cán bộ Đoàn trách nhiệm” năm 2023" in report
    assert "Cán bộ đã đăng ký 2/3 66,7%" in report  # the đoàn cơ sở's Bí thư has not registered
    assert "Bản kiểm điểm đã xếp loại 2/3 66,7%" in report
    assert "Đạt: Ngày Chủ nhật xanh 2/2 100%" in report
    assert "Chi đoàn Văn phòng Sở 2/2 100% 2/2" in report
    assert "Hoàn thành xuất sắc nhiệm vụ 1 (50%) Hoàn thành tốt nhiệm vụ 1 (50%)" in report
