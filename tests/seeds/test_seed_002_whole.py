"""Seed 002, Thành đoàn Cần Thơ, "Cán bộ Đoàn trách nhiệm" 2023–2027 (khối CCVC) run whole: loaded
alone; in a CCVC đoàn cơ sở under the Đoàn Khối, a UV BCH (không chuyên trách) and the Bí thư
(chuyên trách) register against the 3 trọng tâm and their own audience's targets, log volunteer
hours and meetings, self-assess with the "4 được", the Bí thư's sáng kiến is recognised, and the
Khối's report PDF prints the figures and the plan's 4 chỉ tiêu with the share reached."""

import datetime

import pytest

from cadres.models import PositionRole, Sector, UnitLevel
from evaluations.models import CommitmentResult
from tests.cadres.factories import CadreFactory, UnitFactory
from tests.seeds.whole import Year

pytestmark = pytest.mark.django_db
CCVC = Sector.CIVIL_SERVICE


def test_can_tho_2024_runs_to_the_report_pdf_with_its_four_targets(client, django_capture_on_commit_callbacks,
                                                                     settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    year = Year(client, django_capture_on_commit_callbacks, seed="002", year=2024, name="Thành đoàn Cần Thơ",
                slug="can-tho")
    with year.setting_up():
        khoi = UnitFactory(parent=year.root, code="KCQ", name="Đoàn Khối các cơ quan thành phố",
                           level=UnitLevel.DISTRICT, sector=CCVC)
        so = UnitFactory(parent=khoi, code="SNV", name="Đoàn cơ sở Sở Nội vụ", level=UnitLevel.GRASSROOTS,
                         sector=CCVC)
        khoi_bithu = CadreFactory(unit=khoi, role=PositionRole.SECRETARY, full_name="Huỳnh Văn Khối",
                                  is_civil_servant=True, is_full_time=True)
        bithu = CadreFactory(unit=so, role=PositionRole.SECRETARY, full_name="Lâm Thị Ngọc",
                             is_civil_servant=True, is_full_time=True)
        member = CadreFactory(unit=so, role=PositionRole.EXECUTIVE_MEMBER, full_name="Châu Văn Phúc",
                              is_civil_servant=True)
    programme = year.load_seed()

    # The UV BCH: volunteer hours every week of January count toward ≥2 giờ/tuần.
    sundays = [datetime.date(2024, 1, day) for day in (7, 14, 21, 28)]
    year.whole(member, bithu, khoi_bithu, programme, "good",
               activities=[("volunteer_hours", day, "3") for day in sundays])
    hours = CommitmentResult.objects.filter(self_assessment__cadre=member, commitment__criterion__measure="hours")
    assert [result.actual_value for result in hours] and all(result.actual_value > 0 for result in hours)

    # The Bí thư: a sáng kiến, recognised by the Khối's Bí thư on her self-assessment.
    registration = year.register(bithu, programme)
    year.approve(khoi_bithu, registration)
    initiative = year.initiative(bithu, "Số hóa hồ sơ đoàn viên Sở Nội vụ", datetime.date(2024, 5, 19))
    assessment = year.self_assess(bithu, registration)
    year.recognise(khoi_bithu, assessment, initiative, datetime.date(2024, 6, 1))
    year.rate(khoi_bithu, khoi_bithu, assessment, "excellent")

    report = year.pdf(khoi_bithu.user, khoi)
    assert "Kết quả thực hiện mô hình “Cán bộ Đoàn trách nhiệm” năm 2024" in report
    assert "Cán bộ đã đăng ký 2/3 66,7%" in report  # the Khối's Bí thư did not register
    assert "Chỉ tiêu 3: Bí thư đoàn cơ sở có sáng kiến được công nhận 1/1 100%" in report
    assert "Chỉ tiêu 4: cán bộ CCVC đạt đủ “4 được” 2/3 66,7%" in report
    # The plan's own 4 chỉ tiêu, each with the share reached against its 100%.
    assert "100% cán bộ Đoàn có bản đăng ký và tự kiểm điểm" in report
    assert "100% Bí thư Đoàn cơ sở có giải pháp sáng tạo" in report
    assert "2/3 66,7% trên 100%: chưa đạt" in report and "1/1 100% trên 100%: đạt" in report
    assert "Hoàn thành xuất sắc nhiệm vụ 1 (50%) Hoàn thành tốt nhiệm vụ 1 (50%)" in report
