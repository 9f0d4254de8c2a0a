"""The scripted reorganisations: each command prints what it will do (--dry-run) or did,
and exits non-zero with nothing written on a refusal."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from cadres.models import Position, Unit
from tests.cadres import reorganise_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return reorganise_world.build()


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return " ".join(out.getvalue().split())


def _unit(code: str) -> Unit:
    return Unit.objects.get(tenant__slug="hoa-binh", code=code)


def _plan(tmp_path, units, places) -> str:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Đơn vị mới"
    sheet.append(["Mã đơn vị", "Tên đơn vị", "Cấp", "Khối"])
    for row in units:
        sheet.append(row)
    mapping = book.create_sheet("Phân chia")
    mapping.append(["Mã", "Chuyển vào"])
    for row in places:
        mapping.append(row)
    path = tmp_path / "tach.xlsx"
    book.save(path)
    return str(path)


def test_unit_move_dry_run_then_for_real(w):
    out = _run("unit_move", "--tenant", "hoa-binh", "--unit", "B3", "--to", "X2", "--dry-run")
    assert "Chi đoàn Ấp 3 chuyển từ Đoàn xã An Bình sang Đoàn xã An Lạc" in out and "chưa ghi gì" in out
    assert Unit.objects.get_parent(_unit("B3")).code == "X1"
    out = _run("unit_move", "--tenant", "hoa-binh", "--unit", "B3", "--to", "X2")
    assert "Đã xong." in out and Unit.objects.get_parent(_unit("B3")).code == "X2"


def test_unit_move_refuses_a_lower_level(w):
    with pytest.raises(CommandError, match="Chưa ghi gì: Đoàn cơ sở không thể trực thuộc Chi đoàn"):
        _run("unit_move", "--tenant", "hoa-binh", "--unit", "X2", "--to", "B1")
    with pytest.raises(CommandError, match="Không có đơn vị mã NOPE"):
        _run("unit_move", "--tenant", "hoa-binh", "--unit", "NOPE", "--to", "X1")


def test_unit_merge_into_a_new_unit_and_into_an_existing_one(w):
    out = _run("unit_merge", "--tenant", "hoa-binh", "--units", "B1,B2", "--into", "B12", "--name", "Chi đoàn Ấp 1-2")
    assert "Tạo đơn vị mới Chi đoàn Ấp 1-2 (B12, Chi đoàn) trực thuộc Đoàn xã An Bình." in out
    assert "3 cán bộ chuyển từ Chi đoàn Ấp 1 sang Chi đoàn Ấp 1-2." in out
    assert _unit("B1").is_archived and Position.objects.active().filter(unit__code="B12").count() == 5
    _run("unit_merge", "--tenant", "hoa-binh", "--units", "B3", "--into", "B12")
    assert _unit("B3").is_archived and Position.objects.active().filter(unit__code="B12").count() == 7


def test_unit_merge_refuses_merging_a_unit_into_itself(w):
    with pytest.raises(CommandError, match="Không thể hợp nhất một đơn vị vào chính nó"):
        _run("unit_merge", "--tenant", "hoa-binh", "--units", "B1,B2", "--into", "B1")
    assert not _unit("B2").is_archived


def test_unit_archive_needs_a_destination_for_open_forms(w):
    with pytest.raises(CommandError, match="Chi đoàn Ấp 1 còn 3 biểu mẫu đang mở"):
        _run("unit_archive", "--tenant", "hoa-binh", "--unit", "B1")
    out = _run("unit_archive", "--tenant", "hoa-binh", "--unit", "B1", "--transfer-to", "B3")
    assert "Chi đoàn Ấp 1 được lưu trữ" in out and _unit("B1").is_archived


def test_unit_split_from_a_plan_file(w, tmp_path):
    secretary, member = w["cadres"]["X1"]
    secretary.email, member.phone = "bithu@example.vn", "0912345678"
    secretary.save()
    member.save()
    plan = _plan(tmp_path, [["X1A", "Đoàn xã An Bình A", "", ""], ["X1B", "Đoàn xã An Bình B", "Đoàn cơ sở", ""]],
                 [["B1", "X1A"], ["B2", "X1A"], ["B3", "X1B"], ["bithu@example.vn", "X1A"],
                  ["+84 912 345 678", "X1B"]])  # the phone written another way
    out = _run("unit_split", "--tenant", "hoa-binh", "--unit", "X1", "--plan", plan, "--dry-run")
    assert "chưa ghi gì" in out and not _unit("X1").is_archived
    out = _run("unit_split", "--tenant", "hoa-binh", "--unit", "X1", "--plan", plan)
    assert "Đoàn xã An Bình được lưu trữ" in out
    assert Unit.objects.get_parent(_unit("B3")).code == "X1B"
    assert Position.objects.active().get(cadre=secretary).unit.code == "X1A"
    assert Position.objects.active().get(cadre=member).unit.code == "X1B"


def test_unit_split_refuses_unknown_codes_and_unplaced_cadres(w, tmp_path):
    plan = _plan(tmp_path, [["X1A", "A", "", ""], ["X1B", "B", "", ""]],
                 [["B1", "X1A"], ["B2", "X1A"], ["B9", "X1B"]])
    with pytest.raises(CommandError, match="tệp phân chia có 1 lỗi"):
        _run("unit_split", "--tenant", "hoa-binh", "--unit", "X1", "--plan", plan)
    plan = _plan(tmp_path, [["X1A", "A", "", ""], ["X1B", "B", "", ""]], [["B1", "X1A"], ["B2", "X1A"], ["B3", "X1B"]])
    with pytest.raises(CommandError, match="Hãy chọn đơn vị mới cho từng cán bộ; chưa xếp: Trần Thị X1 Số 1"):
        _run("unit_split", "--tenant", "hoa-binh", "--unit", "X1", "--plan", plan)
    assert not Unit.objects.filter(code="X1A").exists() and not _unit("X1").is_archived
