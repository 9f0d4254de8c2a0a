"""The documents: the unit report and the summary as PDF (text extracted with pypdf), the
report_pdf command, the Excel summary (formula-safe), and generation jobs with a queue that
is up or down."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from cadres.models import GrantRole, PositionRole
from reports import documents
from reports.models import ReportFile, ReportFileDownload, ReportFileKind, ReportFileStatus
from reports.selectors import get_report_file_for_user
from reports.services.files import report_file_download_log, report_file_request, report_file_run
from reports.services.rollup import rollup_cycle
from reports.services.unit_reports import unit_report_get_or_create, unit_report_update
from reports.tasks import enqueue_report_file
from tests.cadres.factories import GrantFactory, UnitFactory
from tests.conftest import shared
from tests.reports.factories import cho_moi, make_cadre

pytestmark = pytest.mark.django_db
A4 = (595.28, 841.89)


@pytest.fixture(scope="module")
def world_once(module_db):
    world = cho_moi()
    world["cadres"][0].full_name = "Lê Minh Tuấn"  # the huyện's Bí thư
    world["cadres"][0].save()
    make_cadre(world["tenant"], [(world["huyen"], PositionRole.EXECUTIVE_MEMBER)])  # not registered
    rollup_cycle(cycle=world["cycle"])  # what the on-commit re-roll does after each change
    return world


@pytest.fixture
def w(world_once, db):
    return shared(world_once)


def _flat(text: str) -> str:
    """Table cells wrap their words over lines; compare text with single spaces."""
    return " ".join(text.split())


def _text(pdf: bytes) -> str:
    return _flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def test_unit_report_pdf_shows_41_of_41_and_the_cadres_registered(w):
    pdf = documents.unit_report_pdf(w["cycle"], w["huyen"])
    text = _text(pdf)
    # One cadre of the huyện itself has not registered: 402 of 403, every đoàn cơ sở complete.
    for expected in ["BCH HUYỆN ĐOÀN CHỢ MỚI", "TỈNH ĐOÀN AN GIANG", "Số: …-BC/HĐTN", "BÁO CÁO",
                     "Kết quả thực hiện mô hình “3 cần, 5 quyết tâm” năm 2025", "Đoàn cơ sở có toàn bộ cán bộ đăng ký",
                     "41/41", "402/403", "Số liệu theo đơn vị trực thuộc", "Đoàn xã Số 41", "Kết quả xếp loại",
                     "Nơi nhận:", "TM. BAN THƯỜNG VỤ", "BÍ THƯ", "Lê Minh Tuấn"]:
        assert expected in text, expected


def test_the_seed_figures_read_41_of_41_and_402_of_402():
    w = cho_moi()
    rollup_cycle(cycle=w["cycle"])
    text = _text(documents.unit_report_pdf(w["cycle"], w["huyen"]))
    assert "41/41" in text and "402/402" in text and "100%" in text
    summary = _text(documents.summary_pdf(w["cycle"], w["root"]))
    assert "BÁO CÁO TỔNG HỢP" in summary and "41/41" in summary and "402/402" in summary
    assert "Huyện Đoàn Chợ Mới" in summary and "Thành Đoàn Long Xuyên" in summary


def test_report_pdf_is_a4_with_only_the_bundled_serif_font(w):
    reader = PdfReader(io.BytesIO(documents.unit_report_pdf(w["cycle"], w["huyen"])))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert (round(float(page.mediabox.width), 1), round(float(page.mediabox.height), 1)) == (
            round(A4[0], 1), round(A4[1], 1))
    fonts = {str(font["/BaseFont"]) for page in reader.pages for font in page["/Resources"]["/Font"].values()}
    assert fonts and all("Liberation-Serif" in name for name in fonts)


def test_units_table_header_repeats_on_every_page_of_the_summary(w):
    reader = PdfReader(io.BytesIO(documents.summary_pdf(w["cycle"], w["root"])))
    pages = [_flat(page.extract_text()) for page in reader.pages]
    table_pages = [text for text in pages if "Đoàn xã Số" in text]
    assert len(table_pages) >= 2 and all("Đoàn cơ sở hoàn thành" in text for text in table_pages)


def test_rating_chart_is_inline_svg_with_the_four_ratings():
    svg = documents.rating_chart_svg({"rated_excellent": 3, "rated_good": 5})
    assert svg.startswith("<svg") and svg.count("<rect") == 4 and "<script" not in svg


def test_report_pdf_command(w, tmp_path):
    out = tmp_path / "cm.pdf"
    call_command("report_pdf", tenant=w["tenant"].slug, unit="CM", year=2025, output=str(out))
    assert "402/403" in _text(out.read_bytes())
    with pytest.raises(CommandError, match="không có đơn vị nào có mã “XX”"):
        call_command("report_pdf", tenant=w["tenant"].slug, unit="XX", year=2025, output=str(out))


def test_excel_summary_keeps_formula_like_names_as_text(w):
    UnitFactory(parent=w["huyen"], code="EVIL", name="=HYPERLINK(\"http://x\",\"y\")", level="grassroots")
    book = load_workbook(io.BytesIO(documents.summary_xlsx(w["cycle"], w["root"])))
    units = book["Đơn vị"]
    cell = next(row[1] for row in units.iter_rows(min_row=2) if row[0].value == "EVIL")
    assert cell.data_type == "s" and cell.quotePrefix and cell.value.startswith("=HYPERLINK")
    summary = {row[0].value: row[1:] for row in book["Tổng hợp"].iter_rows(min_row=2)}
    assert [c.value for c in summary["Cán bộ đã đăng ký"][:2]] == [402, 403]


def test_excel_figures_are_numbers_a_sheet_can_sum(w):
    """Counts are integers and rates numbers shown as %, not the text "402/402" or "100%"."""
    book = load_workbook(io.BytesIO(documents.summary_xlsx(w["cycle"], w["root"])))
    registered = next(row for row in book["Tổng hợp"].iter_rows(min_row=2) if row[0].value == "Cán bộ đã đăng ký")
    assert [c.value for c in registered[1:3]] == [402, 403] and [c.data_type for c in registered[1:3]] == ["n", "n"]
    assert registered[3].value == pytest.approx(402 / 403) and registered[3].number_format == "0.0%"
    late = next(row for row in book["Tổng hợp"].iter_rows(min_row=2) if row[0].value == "Đăng ký nộp trễ hạn")
    assert late[1].value == 0 and late[1].data_type == "n"
    units = book["Đơn vị"]
    header = [c.value for c in units[1]]
    assert header[:8] == ["Mã", "Đơn vị", "Cán bộ", "Đăng ký", "Tỷ lệ", "Kiểm điểm", "Đoàn cơ sở",
                          "Đoàn cơ sở hoàn thành"]
    rows = {row[0].value: row for row in units.iter_rows(min_row=2)}
    huyen = rows["CM"]
    assert [c.value for c in huyen[2:4]] == [403, 402] and huyen[4].number_format == "0.0%"
    assert huyen[4].value == pytest.approx(402 / 403) and huyen[7].value == 41
    # The sheet sums: the huyện's 5 cadres and its 41 đoàn xã's registered make the huyện's 402.
    assert 5 + sum(row[3].value for code, row in rows.items() if code.startswith("CM-X")) == 402


def test_the_rating_distribution_is_printed_once(w):
    """The summary's figures table leaves the ratings to the chart under it."""
    text = _text(documents.summary_pdf(w["cycle"], w["huyen"]))
    assert text.count("Hoàn thành xuất sắc nhiệm vụ") == 1 and "Kết quả xếp loại" in text


# --- Generation jobs --------------------------------------------------------------------


@pytest.fixture
def manager(w):
    return GrantFactory(unit=w["root"], role=GrantRole.PROVINCIAL_STAFF).user


def test_requested_file_is_generated_on_commit_and_downloads_are_logged(w, manager, settings, tmp_path,
                                                                       django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        job = report_file_request(user=manager, unit=w["root"], cycle=w["cycle"], kind=ReportFileKind.SUMMARY_PDF)
        enqueue_report_file(job)
    job.refresh_from_db()
    assert job.status == ReportFileStatus.DONE and job.progress == 100
    assert job.filename == f"tong-hop-{w['root'].code.lower()}-2025.pdf"
    assert "tong-hop" not in job.file.name and job.file.name.startswith(f"reports/{w['tenant'].pk}/")
    assert job.file.read().startswith(b"%PDF")
    report_file_download_log(report_file=job, user=manager)
    assert ReportFileDownload.objects.filter(report_file=job, user=manager).count() == 1
    assert get_report_file_for_user(manager, job.pk) == job


def test_another_huyen_manager_gets_404_for_the_province_file(w, manager):
    from django.http import Http404

    job = ReportFile.objects.create(tenant=w["tenant"], kind=ReportFileKind.SUMMARY_PDF, unit=w["root"],
                                    cycle=w["cycle"], requested_by=manager)
    other_manager = GrantFactory(unit=w["other"], role=GrantRole.UNIT_MANAGER).user
    with pytest.raises(Http404):
        get_report_file_for_user(other_manager, job.pk)
    with pytest.raises(Exception, match="Chỉ cán bộ quản lý đơn vị này"):
        report_file_request(user=other_manager, unit=w["root"], cycle=w["cycle"], kind=ReportFileKind.SUMMARY_PDF)


def test_broker_down_leaves_the_job_queued_and_not_handed_over(w, manager, broker_down,
                                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = report_file_request(user=manager, unit=w["huyen"], cycle=w["cycle"], kind=ReportFileKind.UNIT_PDF)
        enqueue_report_file(job)
    job.refresh_from_db()
    assert job.status == ReportFileStatus.QUEUED and job.sent_at is None and job.awaits_broker and not job.error


def test_with_the_broker_up_the_job_is_recorded_handed_over(w, manager, settings, tmp_path,
                                                            django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        job = report_file_request(user=manager, unit=w["huyen"], cycle=w["cycle"], kind=ReportFileKind.SUMMARY_XLSX)
        enqueue_report_file(job)
    job.refresh_from_db()
    assert job.status == ReportFileStatus.DONE and job.sent_at is not None and job.started_at is not None


def test_a_retried_task_leaves_a_finished_file_alone(w, manager, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = ReportFile.objects.create(tenant=w["tenant"], kind=ReportFileKind.SUMMARY_XLSX, unit=w["huyen"],
                                    cycle=w["cycle"], requested_by=manager)
    first = report_file_run(file_id=job.pk)
    again = report_file_run(file_id=job.pk)
    assert first.status == again.status == ReportFileStatus.DONE and first.file.name == again.file.name


# --- Layout: the signature block never alone, the rating distribution once ----------------


def _pdf_pages(pdf: bytes) -> list[str]:
    return [_flat(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


# The block fell alone for about six lengths in a row (12–18 lines); a step of 4 lands in any such run.
@pytest.mark.parametrize("lines", range(0, 30, 4))
def test_the_signature_block_stays_with_the_proposals(w, lines):
    """Whatever the narrative's length, "Nơi nhận / TM. BAN THƯỜNG VỤ" shares its page with
    the last paragraph: a page holding the block alone is a page nobody signs under."""
    manager = GrantFactory(unit=w["huyen"], role=GrantRole.UNIT_MANAGER).user
    report = unit_report_get_or_create(cycle=w["cycle"], unit=w["huyen"], acting_user=manager)
    unit_report_update(report=report, acting_user=manager, expected_version=report.lock_version,
                       achievements="\n".join(["Triển khai đến 41/41 đoàn cơ sở, 402 cán bộ đăng ký."] * lines),
                       limitations="Còn chậm.", proposals="Đề nghị Tỉnh đoàn tiếp tục tập huấn cho cán bộ cơ sở.")
    last = _pdf_pages(documents.unit_report_pdf(w["cycle"], w["huyen"]))[-1]
    assert "TM. BAN THƯỜNG VỤ" in last and "Đề nghị Tỉnh đoàn tiếp tục tập huấn" in last
