"""Whole-file problems, the management commands, the template and formula escaping."""

import io
import re
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from cadres.actors import SYSTEM
from cadres.imports.reader import OLE_SIGNATURE
from cadres.models import Cadre, Unit
from cadres.services.imports import export_file, import_file, template_file
from tests.cadres.factories import CadreFactory
from tests.cadres.spreadsheets import CADRE_HEADER, UNIT_HEADER, cadre_row, cadres_file, read_xlsx, units_file, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def problems_for(tree, data):
    report = import_file(kind="units", root=tree["d1"], data=data, dry_run=False, acting_user=SYSTEM)
    assert not report.applied
    return [str(problem) for problem in report.problems]


def test_unreadable_files(tree, settings):
    before = Unit.objects.count()
    assert problems_for(tree, b"") == ["Tệp trống."]
    assert problems_for(tree, b"PK\x03\x04 not really a zip") == ["Tệp bị hỏng hoặc không phải tệp Excel (.xlsx)."]
    assert problems_for(tree, units_file()[:-200]) == ["Tệp bị hỏng hoặc không phải tệp Excel (.xlsx)."]
    assert problems_for(tree, b"\xff\xfe\x00garbage") == ["Tệp bị hỏng hoặc không phải tệp Excel (.xlsx)."]
    assert problems_for(tree, OLE_SIGNATURE + b"\x00" * 600) == [
        "Tệp được đặt mật khẩu hoặc ở định dạng .xls cũ: hãy bỏ mật khẩu và lưu lại dưới dạng .xlsx."]
    assert problems_for(tree, xlsx([])) == ["Tệp trống: dòng đầu tiên phải là tên các cột."]
    assert problems_for(tree, units_file()) == ["Tệp không có dòng dữ liệu nào dưới dòng tên cột."]
    assert Unit.objects.count() == before


def test_size_and_row_limits(tree, settings):
    data = units_file(*[[f"G{n}", f"Xã {n}", "Đoàn cơ sở", "", "D1"] for n in range(20)])
    settings.IMPORT_MAX_ROWS = 19
    assert problems_for(tree, data) == [too_many_rows(19)]
    settings.IMPORT_MAX_ROWS = 20
    settings.IMPORT_MAX_UPLOAD_BYTES = len(data) - 1
    assert problems_for(tree, data) == [f"Tệp lớn hơn {round((len(data) - 1) / 1024 / 1024, 1)} MB."]
    assert not Unit.objects.filter(code="G0").exists()


def too_many_rows(n):
    return (f"Tệp có hơn {n} dòng (tính cả dòng trống); hãy xoá các dòng trống ở cuối hoặc chia thành các tệp "
            "nhỏ hơn.")


def test_blank_rows_count_toward_the_limit(tree, settings):
    settings.IMPORT_MAX_ROWS = 10
    rows = [["G1", "Xã 1", "Đoàn cơ sở", "", "D1"], *[[None] * 5] * 12]
    assert problems_for(tree, units_file(*rows)) == [too_many_rows(10)]
    data = "Mã đơn vị;Tên đơn vị;Cấp;Khối;Mã đơn vị cấp trên\nG7;Xã;Đoàn cơ sở;;D1\n" + ";;;;\n" * 12
    assert problems_for_csv(tree, data.encode()) == [too_many_rows(10)]


def with_declared_rows(data: bytes, rows: int) -> bytes:
    """The same workbook whose sheet declares `rows` rows (the <dimension> an attacker sets)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="A1:E{rows}"'.encode(), content)
            target.writestr(info, content)
    return out.getvalue()


def test_the_declared_size_is_refused_before_any_row_is_read(tree, settings):
    settings.IMPORT_MAX_ROWS = 50_000
    data = with_declared_rows(units_file(["G1", "Xã 1", "Đoàn cơ sở", "", "D1"]), 2_000_000)
    assert problems_for(tree, data) == [too_many_rows(50_000)]


def problems_for_csv(tree, data):
    report = import_file(kind="units", root=tree["d1"], data=data, dry_run=True, filename="don-vi.csv", acting_user=SYSTEM)
    return [str(problem) for problem in report.problems]


def test_csv_the_reader_cannot_read_is_a_message(tree):
    header = "Mã đơn vị;Tên đơn vị;Cấp;Khối;Mã đơn vị cấp trên\n"
    unreadable = "Tệp CSV không đọc được: có ô quá dài hoặc dấu ngoặc kép chưa đóng. Hãy lưu lại từ Excel dưới dạng .xlsx."
    assert problems_for_csv(tree, (header + "G1;" + "x" * 200_000 + ";Đoàn cơ sở;;D1\n").encode()) == [unreadable]
    # A quote never closed swallows the rest of the file into one field.
    assert problems_for_csv(tree, (header + 'G1;"Xã;Đoàn cơ sở;;D1\n' + "G2;Xã;Đoàn cơ sở;;D1\n" * 9000).encode()
                            ) == [unreadable]


def test_a_preview_gives_up_after_its_time(tree, settings):
    settings.IMPORT_READ_SECONDS = 0
    rows = [[f"X{n}", f"Xã {n}", "Đoàn cơ sở", "", "D1"] for n in range(1200)]
    report = import_file(kind="units", root=tree["d1"], data=units_file(*rows), dry_run=True, acting_user=SYSTEM)
    assert [str(problem) for problem in report.problems] == ["Tệp đọc quá lâu; hãy chia thành các tệp nhỏ hơn."]
    # The import itself runs in a job, without the web's time limit.
    report = import_file(kind="units", root=tree["d1"], data=units_file(*rows), dry_run=False, acting_user=SYSTEM)
    assert report.applied


def test_csv_is_accepted(tree):
    data = "Mã đơn vị;Tên đơn vị;Cấp;Khối;Mã đơn vị cấp trên\nG7;Đoàn xã Tấn Mỹ;Đoàn cơ sở;;D1\n".encode("utf-8-sig")
    report = import_file(kind="units", root=tree["d1"], data=data, dry_run=False, filename="don-vi.csv", acting_user=SYSTEM)
    assert report.applied and Unit.objects.filter(code="G7").exists()


def test_a_text_file_named_xlsx_is_not_read_as_csv(tree):
    data = "Mã đơn vị;Tên đơn vị;Cấp;Khối;Mã đơn vị cấp trên\n".encode()
    report = import_file(kind="units", root=tree["d1"], data=data, dry_run=True, filename="don-vi.xlsx", acting_user=SYSTEM)
    assert [str(problem) for problem in report.problems] == ["Tệp bị hỏng hoặc không phải tệp Excel (.xlsx)."]


def test_template_has_the_header_and_a_guide():
    book = openpyxl.load_workbook(io.BytesIO(template_file(kind="cadres")))
    assert book.sheetnames == ["Dữ liệu", "Hướng dẫn"]
    assert list(book["Dữ liệu"].values) == [tuple(CADRE_HEADER)]
    guide = list(book["Hướng dẫn"].values)
    assert guide[0] == ("Cột", "Bắt buộc", "Cách ghi", "Ví dụ")
    assert guide[1] == ("Họ và tên", "có", "Họ, tên đệm và tên.", "Nguyễn Thị Thu Hà")
    assert guide[CADRE_HEADER.index("Ngày bắt đầu") + 1] == (
        "Ngày bắt đầu", "không", "dd/mm/yyyy, hoặc ô ngày của Excel: ngày cán bộ bắt đầu giữ chức vụ; để trống là "
        "ngày nhập dữ liệu. Chức vụ cán bộ đang giữ thì giữ nguyên ngày cũ.", "01/10/2022")


def test_the_cadre_template_explains_one_row_per_position_and_the_round_trip():
    book = openpyxl.load_workbook(io.BytesIO(template_file(kind="cadres")))
    guide = [row[0] for row in book["Hướng dẫn"].values if row and row[0]]
    assert {"Dân tộc", "Chức vụ chuyên môn", "Đảng viên", "Ngày kết thúc"} <= set(guide)
    assert any(line.startswith("Mỗi dòng là một chức vụ. Cán bộ giữ nhiều chức vụ thì ghi mỗi chức vụ một dòng, "
                               "cùng họ tên và cùng email hoặc số điện thoại") for line in guide)
    assert any(line.startswith("Tệp tải về bằng nút “Xuất dữ liệu hiện có” nhập lại được nguyên trạng") for line in guide)


def test_export_makes_formulae_inert(tree):
    CadreFactory(unit=tree["g1"], full_name="=1+1", email="a@example.vn")
    CadreFactory(unit=tree["g1"], full_name="@SUM(A1)", email="b@example.vn")
    CadreFactory(unit=tree["g1"], full_name="+84 Ngô", email="c@example.vn")
    book = openpyxl.load_workbook(io.BytesIO(export_file(kind="cadres", root=tree["d1"])))
    cells = {cell.value: cell for cell in book.worksheets[0]["A"][1:]}
    assert set(cells) == {"=1+1", "@SUM(A1)", "+84 Ngô"}
    for cell in cells.values():
        assert cell.data_type == "s"  # a string, never a formula
        assert cell.quotePrefix  # and Excel keeps it text when the cell is edited


def test_units_export_lists_parents_first(tree):
    rows = read_xlsx(export_file(kind="units", root=tree["d1"]))
    assert rows[0] == tuple(UNIT_HEADER)
    assert [row[0] for row in rows[1:]] == ["D1", "G1", "B1"]
    assert rows[2] == ("G1", "Đoàn xã Mỹ Hội Đông", "Đoàn cơ sở", None, "D1")


def test_import_units_command(tree, tmp_path, capsys):
    path = tmp_path / "units.xlsx"
    path.write_bytes(units_file(["G7", "Đoàn xã Tấn Mỹ", "Đoàn cơ sở", "", "D1"], ["G1", "Xã mới", "Đoàn cơ sở", "", ""]))
    call_command("import_units", str(path), "--tenant", "a", "--dry-run")
    assert "1 mới, 1 thay đổi, 0 không đổi, 0 có lỗi." in capsys.readouterr().out
    assert not Unit.objects.filter(code="G7").exists()
    call_command("import_units", str(path), "--tenant", "a")
    assert "Đã nhập xong." in capsys.readouterr().out
    assert Unit.objects.filter(code="G7", tenant=tree["root"].tenant).exists()


def test_import_cadres_command_fails_with_row_and_column(tree, tmp_path, capsys):
    path = tmp_path / "cadres.xlsx"
    path.write_bytes(cadres_file(cadre_row(unit="G2"), cadre_row(name="X", email="x@example.vn", phone="0912",
                                                                  unit="G2")))
    with pytest.raises(CommandError, match="Chưa ghi gì: tệp có 1 lỗi."):
        # The command covers the whole tenant, so G2 is in scope; only the phone is wrong.
        call_command("import_cadres", str(path), "--tenant", "a")
    captured = capsys.readouterr()
    assert "Dòng 3, cột “Số điện thoại”: “0912” không phải số điện thoại di động hoặc cố định Việt Nam" in captured.err
    assert "1 mới, 0 thay đổi, 0 không đổi, 1 có lỗi." in captured.out
    assert not Cadre.objects.filter(email="thuha@example.vn").exists()


def test_commands_exit_non_zero(tree, tmp_path, capsys):
    from cadres.management.commands.import_units import Command

    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    with pytest.raises(CommandError):
        call_command("import_units", str(tmp_path / "missing.xlsx"), "--tenant", "a")
    with pytest.raises(CommandError, match="Không có tỉnh/thành đoàn"):
        call_command("import_units", str(path), "--tenant", "khong-co")
    # run_from_argv is what manage.py calls: a CommandError becomes exit status 1.
    # Last, because it closes the database connection when done.
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["manage.py", "import_units", str(path), "--tenant", "a"])
    assert exit_info.value.code == 1
    assert "Tệp trống." in capsys.readouterr().err
