"""Seed 004, Tỉnh Đoàn Bình Dương, "Gương mẫu – Sáng tạo – Trách nhiệm – Sâu sát cơ sở" (2020) run
whole: loaded alone; a UV BCH of a đoàn phường and the Thị Đoàn's Bí thư register against the 8
nên làm, the 3 trách nhiệm, the 8 không nên làm and the chế độ đi cơ sở (2 visits a month at
cơ sở, 4 at huyện: the province's defaults), log their visits, self-assess and are rated; the
đi cơ sở regime's progress comes from the visits; the Thị Đoàn's BTV proposes the cadre rated
"Hoàn thành xuất sắc nhiệm vụ" for a commendation and decides it (number, date); it is on the
cadre's page, in the Thị Đoàn's report PDF and in the province's summary."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from cadres.models import PositionRole, UnitLevel
from evaluations.models import Commendation, CommitmentResult
from tests.cadres.factories import CadreFactory, UnitFactory
from tests.seeds.whole import Year

pytestmark = pytest.mark.django_db
VISITS = "Đảm bảo chế độ đi cơ sở"


def _visits(per_month: int):
    return [("grassroots_visit", datetime.date(2020, month, 3 + 7 * n), "")
            for month in range(1, 13) for n in range(per_month)]


def test_binh_duong_2020_runs_whole_with_di_co_so_and_a_commendation(client, django_capture_on_commit_callbacks,
                                                                      settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    year = Year(client, django_capture_on_commit_callbacks, seed="004", year=2020, name="Tỉnh Đoàn Bình Dương",
                slug="binh-duong")
    with year.setting_up():
        thi_doan = UnitFactory(parent=year.root, code="DA", name="Thị Đoàn Dĩ An", level=UnitLevel.DISTRICT)
        phuong = UnitFactory(parent=thi_doan, code="DA-DH", name="Đoàn phường Đông Hòa", level=UnitLevel.GRASSROOTS)
        tinh_bithu = CadreFactory(unit=year.root, role=PositionRole.SECRETARY, full_name="Nguyễn Văn Tỉnh")
        thi_bithu = CadreFactory(unit=thi_doan, role=PositionRole.SECRETARY, full_name="Phan Thị Thu")
        phuong_bithu = CadreFactory(unit=phuong, role=PositionRole.SECRETARY, full_name="Võ Văn Đông")
        member = CadreFactory(unit=phuong, role=PositionRole.EXECUTIVE_MEMBER, full_name="Đặng Thị Hòa")
    programme = year.load_seed()

    # At cơ sở 2 visits a month, kept every month; at huyện 4, and the Bí thư made 1.
    year.whole(member, phuong_bithu, thi_bithu, programme, "excellent", activities=_visits(2))
    year.whole(thi_bithu, tinh_bithu, tinh_bithu, programme, "good", activities=_visits(1))
    visits = dict(CommitmentResult.objects.filter(commitment__criterion__title=VISITS)
                  .values_list("self_assessment__cadre__full_name", "actual_value"))
    assert visits == {"Đặng Thị Hòa": Decimal(2), "Phan Thị Thu": Decimal(1)}
    form = year.page(member.user, reverse("self_assessment_detail", args=[
        CommitmentResult.objects.get(self_assessment__cadre=member, commitment__criterion__title=VISITS)
        .self_assessment_id]))
    assert "12/12 tháng đạt" in form

    # The Thị Đoàn's BTV: the cadre rated "xuất sắc" is a candidate; proposed, then decided.
    page = year.page(thi_bithu.user, reverse("commendations_unit", args=[year.tenant.slug, "DA"]))
    assert "Đặng Thị Hòa" in page
    year.post("commendation_propose", [year.tenant.slug, "DA"], {
        "subject": f"cadre:{member.pk}", "ground": "rating", "grounds": "Hoàn thành xuất sắc nhiệm vụ năm 2020"})
    commendation = Commendation.objects.get(cadre=member)
    year.post("commendation_decide", [year.tenant.slug, "DA", commendation.pk], {
        "version": commendation.lock_version, "decision_number": "25-QĐ/TĐTN",
        "decision_date": "2020-12-15"})
    commendation.refresh_from_db()
    assert (commendation.state, commendation.decision_number) == ("decided", "25-QĐ/TĐTN")

    cadre_page = year.page(thi_bithu.user, reverse("cadre_detail", args=[member.pk]))
    assert "25-QĐ/TĐTN" in cadre_page and "15/12/2020" in cadre_page

    report = year.pdf(thi_bithu.user, thi_doan)
    assert "Kết quả thực hiện mô hình “Gương mẫu – Sáng tạo – Trách nhiệm – Sâu sát cơ sở” năm 2020" in report
    assert f"Đạt chỉ tiêu: {VISITS} 1/2 50%" in report  # the Bí thư made 1 of her 4 a month
    assert "Cán bộ được khen thưởng 1" in report
    assert "Đặng Thị Hòa" in report and "25-QĐ/TĐTN" in report
    assert "Hoàn thành xuất sắc nhiệm vụ 1 (50%) Hoàn thành tốt nhiệm vụ 1 (50%)" in report

    summary = year.pdf(year.provincial, year.root, "summary_pdf")
    assert "Cán bộ được khen thưởng 1" in summary
