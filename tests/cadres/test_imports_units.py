import pytest
from django.utils import translation

from cadres.actors import SYSTEM
from cadres.models import AuditEvent, Unit, UnitLevel
from cadres.services.imports import import_file
from cadres.services.reorganise import unit_archive
from tests.cadres.spreadsheets import units_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def codes(tenant):
    return set(Unit.objects.filter(tenant=tenant).values_list("code", flat=True))


def run(tree, data, dry_run=False):
    return import_file(kind="units", root=tree["d1"], data=data, dry_run=dry_run, acting_user=tree["manager"])


def messages(report):
    return [str(problem) for problem in report.problems]


def test_children_before_parents_in_the_file_are_created_in_order(tree):
    data = units_file(
        ["B7", "Chi đoàn Ấp 7", "Chi đoàn", "", "G7"],
        ["G7", "Đoàn xã Tấn Mỹ", "Đoàn cơ sở", "Địa bàn dân cư", "D1"],
        ["G1", "Đoàn xã Mỹ Hội Đông (mới)", "Đoàn cơ sở", "", ""],
        ["B1", "Chi đoàn Ấp 1", "chi doan", "", "G1"],
    )
    report = run(tree, data)
    assert report.applied, messages(report)
    assert report.counts == {"new": 2, "changed": 1, "unchanged": 1, "error": 0}
    g7 = Unit.objects.get(tenant=tree["root"].tenant, code="G7")
    b7 = Unit.objects.get(tenant=tree["root"].tenant, code="B7")
    assert Unit.objects.get_parent(b7) == g7 and Unit.objects.get_parent(g7) == tree["d1"]
    assert g7.sector == "residential" and b7.level == UnitLevel.BRANCH
    assert Unit.objects.get(pk=tree["g1"].pk).name == "Đoàn xã Mỹ Hội Đông (mới)"
    actions = list(AuditEvent.objects.values_list("action", flat=True)[:4])
    assert sorted(actions) == ["import.units", "unit.create", "unit.create", "unit.update"]


def test_dry_run_changes_nothing(tree):
    before = codes(tree["root"].tenant)
    audit_count = AuditEvent.objects.count()
    report = run(tree, units_file(["G7", "Đoàn xã Tấn Mỹ", "Đoàn cơ sở", "", "D1"]), dry_run=True)
    assert report.counts["new"] == 1 and not report.applied
    assert codes(tree["root"].tenant) == before
    assert AuditEvent.objects.count() == audit_count


def test_one_bad_row_writes_nothing(tree):
    before = codes(tree["root"].tenant)
    report = run(tree, units_file(
        ["G7", "Đoàn xã Tấn Mỹ", "Đoàn cơ sở", "", "D1"],
        ["B8", "Chi đoàn 8", "Chi đoàn", "", "KHONGCO"],
    ))
    assert not report.applied
    assert messages(report) == [
        "Dòng 3, cột “Mã đơn vị cấp trên”: Không tìm thấy đơn vị cấp trên KHONGCO: "
        "không có trong tệp và không thuộc các đơn vị bạn quản lý."
    ]
    assert codes(tree["root"].tenant) == before


def test_move_within_the_subtree(tree):
    g8 = Unit.objects.add_child(tree["d1"], dict(tenant=tree["root"].tenant, code="G8", name="Xã 8",
                                                 level=UnitLevel.GRASSROOTS))
    report = run(tree, units_file(["B1", "Chi đoàn Ấp 1", "Chi đoàn", "", "G8"]))
    assert report.applied and report.rows[0].changes == ["Mã đơn vị cấp trên: G1 → G8"]
    assert Unit.objects.get_parent(Unit.objects.get(pk=tree["b1"].pk)) == g8


@pytest.mark.parametrize("row, expected", [
    (["B9", "Chi đoàn 9", "Chi đoàn", "", "G2"],
     "Dòng 2, cột “Mã đơn vị cấp trên”: Đơn vị cấp trên G2 nằm ngoài các đơn vị bạn quản lý."),
    (["G2", "Đoàn xã Khác", "Đoàn cơ sở", "", "D1"],
     "Dòng 2, cột “Mã đơn vị”: Mã G2 thuộc một đơn vị nằm ngoài các đơn vị bạn quản lý."),
    (["B9", "Chi đoàn 9", "Chi đoàn", "", "G9"],  # G9 exists only in the other tenant
     "Dòng 2, cột “Mã đơn vị cấp trên”: Không tìm thấy đơn vị cấp trên G9: "
     "không có trong tệp và không thuộc các đơn vị bạn quản lý."),
    (["D1", "Huyện Đoàn Một", "Huyện đoàn", "", "D2"],
     "Dòng 2, cột “Mã đơn vị cấp trên”: Không thể chuyển đơn vị đang nhập dữ liệu vào sang cấp trên khác."),
    (["G7", "Xã 7", "Đoàn cơ sở", "", ""],
     "Dòng 2, cột “Mã đơn vị cấp trên”: Đơn vị mới cần có mã đơn vị cấp trên."),
    (["G7", "Xã 7", "Đoàn cơ sở", "", "B1"],
     "Dòng 2, cột “Cấp”: Đoàn cơ sở không thể trực thuộc Chi đoàn (B1)."),
    (["G1", "Xã", "Chi đoàn", "", ""],
     "Dòng 2, cột “Cấp”: Đơn vị trực thuộc B1 sẽ không còn nằm dưới một cấp cao hơn."),
    (["G7", "Xã 7", "Phường hội", "", "D1"],
     "Dòng 2, cột “Cấp”: Không hiểu “Phường hội”; hãy dùng một trong: "
     "Tỉnh đoàn, Huyện đoàn, Đoàn cơ sở, Liên chi đoàn, Chi đoàn."),
    (["G 7", "Xã 7", "Đoàn cơ sở", "", "D1"],
     "Dòng 2, cột “Mã đơn vị”: Mã chỉ gồm chữ, số, “.”, “-” và “_”: “G 7”."),
    (["", "Xã 7", "Đoàn cơ sở", "", "D1"], "Dòng 2, cột “Mã đơn vị”: Ô này không được để trống."),
], ids=["sibling-parent", "sibling-code", "other-tenant-parent", "move-root", "no-parent", "level-under-branch",
        "level-above-child", "unknown-level", "bad-code", "empty-code"])
def test_bad_rows_name_row_and_column(tree, row, expected):
    before = codes(tree["root"].tenant)
    report = run(tree, units_file(row))
    assert messages(report) == [expected]
    assert codes(tree["root"].tenant) == before


def test_duplicate_code_in_the_file(tree):
    report = run(tree, units_file(["G7", "Xã 7", "Đoàn cơ sở", "", "D1"], ["G7", "Xã 7b", "Đoàn cơ sở", "", "D1"]))
    assert messages(report) == ["Dòng 3, cột “Mã đơn vị”: Mã G7 đã có ở dòng 2."]
    assert not Unit.objects.filter(code="G7").exists()


def test_cycle_in_parents(tree):
    report = run(tree, units_file(
        ["G7", "Xã 7", "Đoàn cơ sở", "", "G8"],
        ["G8", "Xã 8", "Đoàn cơ sở", "", "G7"],
    ))
    assert messages(report) == [
        "Dòng 2, cột “Mã đơn vị cấp trên”: Các đơn vị cấp trên tạo thành vòng lặp: G7 → G8 → G7.",
        "Dòng 3, cột “Mã đơn vị cấp trên”: Các đơn vị cấp trên tạo thành vòng lặp: G8 → G7 → G8.",
    ]


def test_moving_a_unit_under_its_own_descendant_is_a_cycle(tree):
    report = run(tree, units_file(["G1", "Xã", "Đoàn cơ sở", "", "B1"]))
    assert "Dòng 2, cột “Mã đơn vị cấp trên”: Các đơn vị cấp trên tạo thành vòng lặp: G1 → B1 → G1." in messages(report)


def test_archived_unit_cannot_be_a_parent(tree):
    unit_archive(unit=tree["g1"], acting_user=SYSTEM)
    report = run(tree, units_file(["X1", "Tổ 1", "Chi đoàn", "", "G1"], ["B1", "Ấp 1", "Chi đoàn", "", ""]))
    assert messages(report) == ["Dòng 2, cột “Mã đơn vị cấp trên”: Đơn vị cấp trên G1 đã được lưu trữ.",
                                "Dòng 3, cột “Mã đơn vị”: Đơn vị B1 đã được lưu trữ."]


def test_export_then_import_is_unchanged(tree):
    from cadres.services.imports import export_file

    report = run(tree, export_file(kind="units", root=tree["d1"]), dry_run=True)
    assert report.counts == {"new": 0, "changed": 0, "unchanged": 3, "error": 0}, messages(report)
