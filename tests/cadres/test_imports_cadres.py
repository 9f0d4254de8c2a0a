import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from cadres.models import AuditEvent, Cadre, Position, PositionRole
from cadres.services.imports import export_file, import_file
from tests.cadres.factories import CadreFactory, UserFactory
from tests.cadres.spreadsheets import CADRE_HEADER, cadre_row, cadres_file, read_xlsx, without, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def run(tree, data, dry_run=False):
    return import_file(kind="cadres", root=tree["d1"], data=data, dry_run=dry_run, acting_user=tree["manager"])


def messages(report):
    return [str(problem) for problem in report.problems]


def test_new_cadres_get_an_account_and_a_position(tree):
    birth = datetime.datetime(1999, 1, 2)  # a real Excel date cell
    report = run(tree, cadres_file(
        cadre_row(),
        cadre_row(name="Trần Văn Bình", birth=birth, gender="nam", phone=912000111, email="", unit="B1",
                  role="UV BCH", full_time="", civil="có"),
    ))
    assert report.applied, messages(report)
    assert report.counts["new"] == 2
    ha = Cadre.objects.get(email="thuha@example.vn")
    assert (ha.birth_date, ha.gender, ha.phone, ha.is_full_time) == (datetime.date(1998, 5, 17), "female",
                                                                     "0912345678", True)
    assert not ha.user.has_usable_password()
    binh = Cadre.objects.get(phone="0912000111")
    assert (binh.birth_date, binh.is_civil_servant, binh.email) == (datetime.date(1999, 1, 2), True, "")
    assert Position.objects.filter(cadre=binh, unit=tree["b1"], role=PositionRole.EXECUTIVE_MEMBER).exists()
    assert AuditEvent.objects.filter(action="position.create").count() == 2


def test_existing_cadre_found_by_phone_is_updated_and_gets_the_position(tree):
    known = CadreFactory(unit=tree["g1"], full_name="Lê Văn Cũ", email="cu@example.vn", phone="0987654321")
    report = run(tree, cadres_file(cadre_row(name="Lê Văn Mới", phone="+84 987 654 321", email="", role="Phó Bí thư")))
    assert report.applied, messages(report)
    assert report.rows[0].status == "changed"
    assert "Họ và tên: Lê Văn Cũ → Lê Văn Mới" in report.rows[0].changes
    known.refresh_from_db()
    assert known.full_name == "Lê Văn Mới" and known.email == "cu@example.vn"  # blank email keeps the old one
    assert set(Position.objects.filter(cadre=known).values_list("role", flat=True)) == {
        PositionRole.EXECUTIVE_MEMBER, PositionRole.DEPUTY_SECRETARY}


def test_reimporting_the_export_is_unchanged(tree):
    CadreFactory(unit=tree["g1"], full_name="=1+1 Nguyễn", email="a@example.vn", phone="0911111111")
    report = run(tree, export_file(kind="cadres", root=tree["d1"]), dry_run=True)
    assert report.counts == {"new": 0, "changed": 0, "unchanged": 1, "error": 0}, messages(report)


def test_dry_run_and_a_bad_row_write_nothing(tree):
    data = cadres_file(cadre_row(), cadre_row(name="B", phone="0912000222", email="b@example.vn", birth="31/02/2000"))
    counts = (Cadre.objects.count(), AuditEvent.objects.count())
    assert run(tree, cadres_file(cadre_row()), dry_run=True).counts["new"] == 1
    report = run(tree, data)
    assert not report.applied
    assert messages(report) == ["Dòng 3, cột “Ngày sinh”: Không có ngày 31/02/2000."]
    assert (Cadre.objects.count(), AuditEvent.objects.count()) == counts


@pytest.mark.parametrize("changes, expected", [
    ({"phone": "12345"}, "Dòng 2, cột “Số điện thoại”: “12345” không phải số điện thoại Việt Nam (0xxxxxxxxx hoặc +84…)."),
    ({"email": "khong-phai-email"}, "Dòng 2, cột “Email”: “khong-phai-email” không phải địa chỉ email."),
    ({"birth": "2000-13-01"}, "Dòng 2, cột “Ngày sinh”: “2000-13-01” không phải là ngày; hãy ghi theo dạng dd/mm/yyyy."),
    ({"gender": "Trai"}, "Dòng 2, cột “Giới tính”: Không hiểu “Trai”; hãy dùng một trong: Nam, Nữ, Khác."),
    ({"full_time": "hơi hơi"}, "Dòng 2, cột “Chuyên trách”: Không hiểu “hơi hơi”; ghi “x” hoặc “có” nếu có, "
                               "để trống hoặc “không” nếu không."),
    ({"role": "Chủ tịch"}, "Dòng 2, cột “Chức vụ”: Không hiểu “Chủ tịch”; hãy dùng một trong: "
                           "Bí thư, Phó Bí thư, UV BTV, UV BCH, Chuyên trách."),
    ({"phone": "", "email": ""}, "Dòng 2, cột “Số điện thoại”: Cần có số điện thoại hoặc email."),
    ({"unit": "G2"}, "Dòng 2, cột “Mã đơn vị”: Đơn vị G2 nằm ngoài các đơn vị bạn quản lý hoặc đã lưu trữ."),
    ({"unit": "G9"}, "Dòng 2, cột “Mã đơn vị”: Không có đơn vị mã G9."),
    ({"name": ""}, "Dòng 2, cột “Họ và tên”: Ô này không được để trống."),
], ids=["phone", "email", "date-format", "gender", "boolean", "role", "no-contact", "sibling-unit",
        "other-tenant-unit", "no-name"])
def test_bad_cells(tree, changes, expected):
    report = run(tree, cadres_file(cadre_row(**changes)))
    assert messages(report) == [expected]
    assert not Cadre.objects.filter(full_name="Nguyễn Thị Thu Hà").exists()


def test_email_of_another_account(tree):
    UserFactory(email="thuha@example.vn")
    report = run(tree, cadres_file(cadre_row()))
    assert messages(report) == ["Dòng 2, cột “Email”: Email thuha@example.vn đã thuộc về một tài khoản khác."]
    assert not Cadre.objects.filter(full_name="Nguyễn Thị Thu Hà").exists()


def test_cadre_of_a_sibling_subtree_cannot_be_changed(tree):
    CadreFactory(unit=tree["g2"], full_name="Người Huyện Hai", email="thuha@example.vn")
    report = run(tree, cadres_file(cadre_row()))
    assert messages(report) == ["Dòng 2: Cán bộ này thuộc đơn vị nằm ngoài các đơn vị bạn quản lý."]
    assert Cadre.objects.get(email="thuha@example.vn").full_name == "Người Huyện Hai"


def test_duplicates_within_the_file(tree):
    report = run(tree, cadres_file(cadre_row(), cadre_row(name="Khác", phone="0912000333")))
    assert messages(report) == ["Dòng 3, cột “Email”: thuha@example.vn đã có ở dòng 2."]


def test_email_and_phone_of_two_different_cadres(tree):
    CadreFactory(unit=tree["g1"], email="thuha@example.vn", phone="")
    CadreFactory(unit=tree["g1"], email="khac@example.vn", phone="0912345678")
    report = run(tree, cadres_file(cadre_row()))
    assert messages(report) == ["Dòng 2, cột “Số điện thoại”: Email và số điện thoại thuộc về hai cán bộ khác nhau."]


def test_wrong_column(tree):
    header = [h if h != "Email" else "Emial" for h in CADRE_HEADER]
    report = run(tree, xlsx([header, cadre_row()]))
    assert messages(report) == ["Dòng 1, cột “Emial”: Cột không hợp lệ; xem các cột cần dùng trong tệp mẫu."]
    report = run(tree, xlsx(without("Chức vụ", [CADRE_HEADER, cadre_row()])))
    assert messages(report) == ["Dòng 1, cột “Chức vụ”: Thiếu cột này."]


def test_start_date_column_sets_when_the_position_starts(tree):
    report = run(tree, cadres_file(
        cadre_row(start="01/10/2022"),
        cadre_row(name="Trần Văn Bình", phone="0912000111", email="", unit="B1", role="UV BCH",
                  start=datetime.datetime(2023, 3, 26)),  # a real Excel date cell
    ))
    assert report.applied, messages(report)
    assert set(Position.objects.values_list("cadre__full_name", "start_date")) == {
        ("Nguyễn Thị Thu Hà", datetime.date(2022, 10, 1)), ("Trần Văn Bình", datetime.date(2023, 3, 26))}


def test_without_a_start_date_the_position_starts_on_the_import_date(tree):
    assert run(tree, xlsx(without("Ngày bắt đầu", [CADRE_HEADER, cadre_row()]))).applied
    assert run(tree, cadres_file(cadre_row(name="Trần Văn Bình", phone="0912000111", email="", start=""))).applied
    assert list(Position.objects.values_list("start_date", flat=True)) == [timezone.localdate()] * 2


@pytest.mark.parametrize("start, expected", [
    ("31/02/2024", "Dòng 2, cột “Ngày bắt đầu”: Không có ngày 31/02/2024."),
    ("2024-13-01", "Dòng 2, cột “Ngày bắt đầu”: “2024-13-01” không phải là ngày; hãy ghi theo dạng dd/mm/yyyy."),
    ("31/12/1949", "Dòng 2, cột “Ngày bắt đầu”: Ngày bắt đầu phải nằm trong khoảng từ 01/01/1950 đến 31/12/{next}."),
    ("01/01/{after}", "Dòng 2, cột “Ngày bắt đầu”: Ngày bắt đầu phải nằm trong khoảng từ 01/01/1950 đến 31/12/{next}."),
], ids=["no-such-day", "format", "too-early", "too-late"])
def test_bad_start_date_is_refused_and_nothing_is_written(tree, start, expected):
    year = timezone.localdate().year
    counts = (Cadre.objects.count(), Position.objects.count(), AuditEvent.objects.count())
    report = run(tree, cadres_file(cadre_row(phone="0912000111", email="", start="01/10/2022"),
                                   cadre_row(start=start.format(after=year + 2))))
    assert not report.applied
    assert messages(report) == [expected.replace("Dòng 2", "Dòng 3").format(next=year + 1)]
    assert (Cadre.objects.count(), Position.objects.count(), AuditEvent.objects.count()) == counts


def test_a_position_already_held_keeps_its_start_date(tree):
    known = CadreFactory(unit=tree["g1"], email="thuha@example.vn", role=PositionRole.SECRETARY,
                         start_date=datetime.date(2021, 5, 1), full_name="Nguyễn Thị Thu Hà", phone="0912345678",
                         birth_date=datetime.date(1998, 5, 17), gender="female", is_full_time=True)
    report = run(tree, cadres_file(cadre_row(start="01/10/2022")))
    assert report.counts["unchanged"] == 1, messages(report)
    assert list(known.positions.values_list("start_date", flat=True)) == [datetime.date(2021, 5, 1)]


def test_the_preview_gives_a_new_positions_start_date(tree):
    known = CadreFactory(unit=tree["g1"], email="thuha@example.vn")
    report = run(tree, cadres_file(cadre_row(role="Phó Bí thư", start="01/10/2022"),
                                   cadre_row(name="Trần Văn Bình", phone="0912000111", email="", role="Phó Bí thư")),
                 dry_run=True)
    ha = report.rows[0].changes
    assert "Chức vụ mới: Phó Bí thư tại G1 từ 01/10/2022" in ha
    assert not known.positions.filter(role=PositionRole.DEPUTY_SECRETARY).exists()
    CadreFactory(unit=tree["g1"], phone="0912000111", email="")
    report = run(tree, cadres_file(cadre_row(name="Trần Văn Bình", phone="0912000111", email="", role="Phó Bí thư")),
                 dry_run=True)
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert f"Chức vụ mới: Phó Bí thư tại G1 từ {today}" in report.rows[0].changes


def test_an_appointment_ahead_is_kept_and_not_duplicated_by_a_second_import(tree):
    ahead = datetime.date(timezone.localdate().year + 1, 1, 1)
    data = cadres_file(cadre_row(start=ahead.strftime("%d/%m/%Y")))
    assert run(tree, data).applied
    position = Position.objects.get()
    assert position.start_date == ahead and not Position.objects.active().exists()
    report = run(tree, data)
    assert report.counts["unchanged"] == 1, messages(report)
    assert Position.objects.count() == 1


def test_export_then_import_keeps_the_start_dates(tree):
    dates = {"a@example.vn": datetime.date(2019, 1, 5), "b@example.vn": datetime.date(2024, 9, 30)}
    for email, start in dates.items():
        CadreFactory(unit=tree["g1"], email=email, phone="", start_date=start)
    CadreFactory(unit=tree["b1"], email="c@example.vn", phone="", role=PositionRole.SECRETARY,
                 start_date=datetime.date(2022, 10, 1))
    dates["c@example.vn"] = datetime.date(2022, 10, 1)
    exported = export_file(kind="cadres", root=tree["d1"])
    rows = read_xlsx(exported)
    email, start = CADRE_HEADER.index("Email"), CADRE_HEADER.index("Ngày bắt đầu")
    assert rows[0] == tuple(CADRE_HEADER)
    assert {row[email]: row[start].date() for row in rows[1:]} == dates
    # Start again from an empty province: the file alone brings the same positions back.
    users = [cadre.user_id for cadre in Cadre.objects.all()]
    Position.objects.all().delete()
    Cadre.objects.all().delete()
    get_user_model().objects.filter(pk__in=users).delete()
    report = run(tree, exported)
    assert report.counts["new"] == 3, messages(report)
    assert dict(Position.objects.values_list("cadre__email", "start_date")) == dates


def test_a_large_import_refreshes_the_table_statistics(tree, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cadres.services import imports

    monkeypatch.setattr(imports, "ANALYZE_AFTER_ROWS", 2)
    with CaptureQueriesContext(connection) as small:
        assert run(tree, cadres_file(cadre_row())).applied
    with CaptureQueriesContext(connection) as large:
        assert run(tree, cadres_file(cadre_row(email="a@example.vn", phone="0912000001"),
                                     cadre_row(email="b@example.vn", phone="0912000002"))).applied
    analysed = [q["sql"] for q in large.captured_queries if q["sql"].startswith("ANALYZE")]
    assert analysed and "cadres_position" in " ".join(analysed)
    assert not [q for q in small.captured_queries if q["sql"].startswith("ANALYZE")]
