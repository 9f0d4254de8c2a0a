"""Figures over time: a closed year stays what the province signed, whatever happens after.

On the demo, An Giang's 2025 cycle is closed (Huyện Đoàn Chợ Mới: 41/41 đoàn cơ sở, 402/402
cadres). Then 2026 happens: a manager imports new cadres into Chợ Mới, positions end and a
đoàn cơ sở is moved to sit directly under the tỉnh. The 2025 dashboard, PDFs and Excel,
reached as provincial staff reach them, still read 41/41 and 402/402 (100%). Reopening,
changing and closing again makes version 2 beside version 1, and the pages show the
difference."""

import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cadres.models import Position, Unit, UnitLevel
from cadres.services.imports import import_file
from cadres.services.people import position_end
from evaluations.models import Cycle
from evaluations.services.cycles import cycle_close, cycle_reopen
from portal.demo import seed_demo
from reports.models import FiguresSnapshot, ReportFile, SnapshotCadre
from tests.cadres.spreadsheets import cadre_row, cadres_file
from tests.reports.pages_world import build_world

pytestmark = pytest.mark.django_db
User = get_user_model()


def _flat(text: str) -> str:
    return " ".join(text.split())


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return _flat(response.content.decode())


def _file(client, capture, code: str, kind: str) -> bytes:
    with capture(execute=True):
        response = client.post(reverse("report_file_request", args=["an-giang", code]), {"cycle": "2025", "kind": kind})
    job = ReportFile.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
    assert "Đã xong" in client.get(response.url).content.decode()
    return b"".join(client.get(reverse("report_file_download", args=[job.pk])).streaming_content)


def _pdf_text(data: bytes) -> str:
    return _flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def _sheet_rows(data: bytes, index: int) -> list[list]:
    return [list(row) for row in openpyxl.load_workbook(io.BytesIO(data)).worksheets[index].values]


def _check_2025(client, capture):
    """What provincial staff see of 2025: the menu's dashboard, the year switcher, Chợ Mới."""
    assert reverse("manage") in _page(client, reverse("home"))
    assert reverse("reports_dashboard") in _page(client, reverse("manage"))
    province = _page(client, reverse("reports_dashboard") + "?cycle=2025")
    assert "Số liệu đã khoá sổ, phiên bản 1" in province
    assert "Huyện Đoàn Chợ Mới" in province and "402/402 (100%)" in province
    drill = _page(client, reverse("reports_unit_dashboard", args=["an-giang", "CM"]) + "?cycle=2025")
    assert "41 đơn vị trực thuộc" in drill and "41/41 (100%)" in drill and "402/402 (100%)" in drill

    summary = _pdf_text(_file(client, capture, "TDAG", "summary_pdf"))
    assert "Huyện Đoàn Chợ Mới 402/402 100%" in summary and "41/41" in summary
    report = _pdf_text(_file(client, capture, "CM", "unit_pdf"))
    assert "Đoàn cơ sở có toàn bộ cán bộ đăng ký 41/41 100%" in report
    assert "Cán bộ đã đăng ký 402/402 100%" in report
    excel = _file(client, capture, "TDAG", "summary_xlsx")
    rows = {row[0]: row for row in _sheet_rows(excel, 1)}
    assert rows["CM"][1:5] == ["Huyện Đoàn Chợ Mới", 402, 402, 1.0] and rows["CM"][6:8] == [41, 41]


def test_closed_2025_figures_stay_41_of_41_and_402_of_402_after_the_world_changes(
        client, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    seed_demo()
    client.force_login(User.objects.get(email="tinh.angiang@example.com"))
    _check_2025(client, django_capture_on_commit_callbacks)

    cho_moi = Unit.objects.get(tenant__slug="an-giang", code="CM")
    grassroots = list(Unit.objects.get_children(cho_moi).filter(level=UnitLevel.GRASSROOTS).order_by("path"))
    manager = User.objects.get(email="huyen.angiang@example.com")
    # 2026: thirty new cadres imported into Chợ Mới (their positions start today) ...
    rows = [cadre_row(name=f"Nguyễn Văn Mới {i}", phone=f"09{i:08d}", email=f"moi{i}@example.vn",
                      unit=grassroots[i % 5].code, role="UV BCH", full_time="") for i in range(30)]
    with django_capture_on_commit_callbacks(execute=True):
        result = import_file(kind="cadres", root=cho_moi, data=cadres_file(*rows), dry_run=False,
                             acting_user=manager)
    assert result.applied, [str(problem) for problem in result.problems]
    # ... five positions end today ...
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        for position in Position.objects.filter(unit=grassroots[6], end_date__isnull=True)[:5]:
            position_end(position=position, end_date=today, acting_user=manager)
    # ... and a đoàn cơ sở now sits directly under the tỉnh.
    Unit.objects.move(grassroots[7], Unit.objects.get(tenant__slug="an-giang", depth=1), "last-child")
    cycle = Cycle.objects.get(tenant__slug="an-giang", year=2025)
    with pytest.raises(CommandError, match="Đợt đánh giá năm 2025 đã khoá"):
        call_command("rollup", tenant="an-giang", year=2025)

    _check_2025(client, django_capture_on_commit_callbacks)
    assert FiguresSnapshot.objects.filter(cycle=cycle).count() == 1
    cm_path = FiguresSnapshot.objects.get(cycle=cycle).units_frozen.get(unit=cho_moi).path
    assert SnapshotCadre.objects.filter(snapshot__cycle=cycle, path__startswith=cm_path).count() == 402


def test_reopen_change_and_close_again_keeps_both_versions_and_shows_the_difference(client):
    w = build_world()
    staff = w.people["provincial"]
    cycle_close(cycle=w.cycle, acting_user=staff)
    leaving = Position.objects.filter(unit=w.grassroots[0], end_date__isnull=True).order_by("id")[1]
    cycle = cycle_reopen(cycle=w.cycle, reason="Một cán bộ đã thôi chức từ tháng 6", acting_user=staff)
    position_end(position=leaving, end_date=timezone.datetime(2025, 6, 30).date(), acting_user=staff)
    cycle_close(cycle=cycle, acting_user=staff)
    assert list(FiguresSnapshot.objects.filter(cycle=cycle).values_list("version", flat=True)) == [2, 1]

    client.force_login(staff)
    url = reverse("reports_unit_dashboard", args=[w.tenant.slug, "CM"]) + f"?cycle={cycle.year}"
    latest = _page(client, url)
    assert "Số liệu đã khoá sổ, phiên bản 2" in latest and "401/401 (100%)" in latest
    assert "Lý do mở lại: Một cán bộ đã thôi chức từ tháng 6" in latest
    assert "Số liệu phiên bản 2, thay đổi so với phiên bản 1:" in latest
    assert "Cán bộ đã đăng ký: <del>402/402</del> → <ins>401/401</ins>" in latest
    first = _page(client, url + "&version=1")
    assert "Số liệu đã khoá sổ, phiên bản 1" in first and "402/402 (100%)" in first
    sibling = _page(client, reverse("reports_unit_dashboard", args=[w.tenant.slug, "LX"]) + f"?cycle={cycle.year}")
    assert "Không có số liệu nào của đơn vị này thay đổi." in sibling
    assert "Số liệu đã khoá sổ, phiên bản 2" in _page(client, url + "&version=abc")  # unknown: the latest


def test_reopening_needs_a_reason_and_provincial_staff_through_the_page(client):
    w = build_world()
    cycle_close(cycle=w.cycle, acting_user=w.people["provincial"])
    client.force_login(w.people["manager"])
    assert client.post(reverse("cycle_reopen", args=[w.cycle.pk]), {"reason": "Sửa"}).status_code == 404
    client.force_login(w.people["provincial"])
    page = _page(client, reverse("cycle_edit", args=[w.cycle.pk]))
    assert "Mở lại đợt đánh giá" in page
    response = client.post(reverse("cycle_reopen", args=[w.cycle.pk]), {"reason": "   "}, follow=True)
    assert "Hãy ghi lý do mở lại đợt" in response.content.decode()
    assert not Cycle.objects.get(pk=w.cycle.pk).is_open
    response = client.post(reverse("cycle_reopen", args=[w.cycle.pk]), {"reason": "Bổ sung số liệu"}, follow=True)
    assert "Đợt đánh giá năm 2025 đã được mở lại." in response.content.decode()
    assert Cycle.objects.get(pk=w.cycle.pk).is_open
