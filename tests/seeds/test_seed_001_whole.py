"""Seed 001, Tỉnh Đoàn An Giang, "3 cần, 5 quyết tâm" (2023) run whole: loaded alone into a
fresh tenant, owned by Huyện Đoàn Chợ Mới (CM, the pilot); every cadre of two đoàn xã and the
huyện's Bí thư register against the 3 cần and 5 quyết tâm, are approved, self-assess and are
rated; the huyện's report PDF reads "2/2 đoàn cơ sở" and every cadre registered (100%), as the
seed's 41/41 and 402/402, and the province's summary carries Chợ Mới's row."""

import pytest

from cadres.models import PositionRole, UnitLevel
from tests.cadres.factories import CadreFactory, UnitFactory
from tests.seeds.whole import Year

pytestmark = pytest.mark.django_db


def test_an_giang_2023_runs_from_registration_to_the_report_pdf(client, django_capture_on_commit_callbacks,
                                                                  settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    year = Year(client, django_capture_on_commit_callbacks, seed="001", year=2023, name="Tỉnh Đoàn An Giang",
                slug="an-giang")
    with year.setting_up():
        huyen = UnitFactory(parent=year.root, code="CM", name="Huyện Đoàn Chợ Mới", level=UnitLevel.DISTRICT)
        xa = [UnitFactory(parent=huyen, code=f"CM-X{n}", name=name, level=UnitLevel.GRASSROOTS)
              for n, name in enumerate(["Đoàn xã Mỹ Hội Đông", "Đoàn xã Kiến An"], start=1)]
        tinh_bithu = CadreFactory(unit=year.root, role=PositionRole.SECRETARY, full_name="Hồ Văn Tỉnh")
        huyen_bithu = CadreFactory(unit=huyen, role=PositionRole.SECRETARY, full_name="Nguyễn Thanh Tùng")
        bithu = [CadreFactory(unit=unit, role=PositionRole.SECRETARY, full_name=f"Lê Văn Bí Thư {n}")
                 for n, unit in enumerate(xa, start=1)]
        members = [CadreFactory(unit=unit, role=PositionRole.EXECUTIVE_MEMBER, full_name=f"Trần Thị Ủy Viên {n}")
                   for n, unit in enumerate(xa, start=1)]
    programme = year.load_seed()
    assert programme.owner_unit == huyen

    for member, secretary in zip(members, bithu):
        year.whole(member, secretary, huyen_bithu, programme, "good")
        year.whole(secretary, huyen_bithu, huyen_bithu, programme, "excellent")
    year.whole(huyen_bithu, tinh_bithu, tinh_bithu, programme, "good")  # a Bí thư's form goes up a level

    report = year.pdf(huyen_bithu.user, huyen)
    assert "Kết quả thực hiện mô hình “3 cần, 5 quyết tâm” năm 2023" in report
    assert "Đoàn cơ sở có toàn bộ cán bộ đăng ký 2/2 100%" in report
    assert "Cán bộ đã đăng ký 5/5 100%" in report and "Bản kiểm điểm đã xếp loại 5/5 100%" in report
    assert "Đoàn xã Mỹ Hội Đông 2/2 100% 2/2" in report
    assert "Hoàn thành xuất sắc nhiệm vụ 2 (40%) Hoàn thành tốt nhiệm vụ 3 (60%)" in report

    summary = year.pdf(year.provincial, year.root, "summary_pdf")
    assert "Huyện Đoàn Chợ Mới 5/5 100%" in summary
