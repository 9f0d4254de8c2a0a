"""The issue's Done means, on the demo: An Giang's provincial staff open the 2025 dashboard
and download, through the pages, the province summary and Huyện Đoàn Chợ Mới's report; the
PDF text shows 41/41 đoàn cơ sở and 402/402 cadres registered, 100%."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from pypdf import PdfReader

from evaluations.models import Cycle
from portal.demo import seed_demo
from reports.models import FiguresSnapshot, ReportFile, UnitFigures

pytestmark = pytest.mark.django_db


def _flat(text: str) -> str:
    return " ".join(text.split())


def _download(client, capture, code: str, kind: str) -> str:
    with capture(execute=True):
        response = client.post(reverse("report_file_request", args=["an-giang", code]), {"cycle": "2025", "kind": kind})
    job = ReportFile.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
    assert "Đã xong" in client.get(response.url).content.decode()
    pdf = b"".join(client.get(reverse("report_file_download", args=[job.pk])).streaming_content)
    assert pdf.startswith(b"%PDF")
    return _flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def test_demo_dashboard_and_pdfs_show_41_of_41_and_402_of_402(client, settings, tmp_path,
                                                               django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    seed_demo()
    cycle = Cycle.objects.get(tenant__slug="an-giang", year=2025)
    assert FiguresSnapshot.objects.filter(cycle=cycle, version=1).exists()  # frozen when the demo closed it
    client.force_login(get_user_model().objects.get(email="tinh.angiang@example.com"))

    dashboard = _flat(client.get(reverse("reports_dashboard") + "?cycle=2025").content.decode())
    assert "Huyện Đoàn Chợ Mới" in dashboard and "402/402 (100%)" in dashboard
    drill = _flat(client.get(reverse("reports_unit_dashboard", args=["an-giang", "CM"]) + "?cycle=2025")
                  .content.decode())
    assert "41 đơn vị trực thuộc" in drill and "41/41 (100%)" in drill and "402/402 (100%)" in drill

    summary = _download(client, django_capture_on_commit_callbacks, "TDAG", "summary_pdf")
    assert "BÁO CÁO TỔNG HỢP" in summary and "Huyện Đoàn Chợ Mới" in summary
    assert "41/41" in summary and "402/402" in summary and "100%" in summary
    report = _download(client, django_capture_on_commit_callbacks, "CM", "unit_pdf")
    assert "BCH HUYỆN ĐOÀN CHỢ MỚI" in report and "Đoàn cơ sở có toàn bộ cán bộ đăng ký 41/41 100%" in report
    assert "Cán bộ đã đăng ký 402/402 100%" in report


def test_seeding_the_reports_twice_writes_the_same_figures():
    seed_demo()
    fields = ["unit_id", "cycle_id", "cadres", "registered", "grassroots_units_complete"]
    before = sorted(UnitFigures.objects.values_list(*fields))
    seed_demo()
    assert sorted(UnitFigures.objects.values_list(*fields)) == before
