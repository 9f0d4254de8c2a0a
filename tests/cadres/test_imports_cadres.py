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
                                                                     "+84912345678", True)
    assert not ha.user.has_usable_password()
    binh = Cadre.objects.get(phone="+84912000111")  # typed as a number, its 0 dropped
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
    ({"phone": "12345"}, "Dòng 2, cột “Số điện thoại”: “12345” không phải số điện thoại di động hoặc cố định Việt Nam "
                        "(ví dụ 0912 345 678 hoặc 0296 3852 123)."),
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


def by_header(data: bytes) -> list[dict]:
    header, *rows = read_xlsx(data)
    return [dict(zip(header, row)) for row in rows]


def test_a_cadre_with_two_positions_takes_two_rows(tree):
    # The second row repeats the name and the email; its other cells take the first row's.
    data = cadres_file(cadre_row(ethnicity="Khmer", party="x"),
                       cadre_row(birth="", gender="", phone="", full_time="", unit="B1", role="UV BCH"))
    report = run(tree, data)
    assert report.applied, messages(report)
    assert report.counts == {"new": 2, "changed": 0, "unchanged": 0, "error": 0}
    ha = Cadre.objects.get()
    assert (ha.phone, ha.ethnicity, ha.is_party_member, ha.is_full_time) == ("+84912345678", "Khmer", True, True)
    assert set(ha.positions.values_list("unit__code", "role")) == {
        ("G1", PositionRole.SECRETARY), ("B1", PositionRole.EXECUTIVE_MEMBER)}
    assert run(tree, data, dry_run=True).counts == {"new": 0, "changed": 0, "unchanged": 2, "error": 0}


def test_rows_are_one_cadre_through_either_the_email_or_the_phone(tree):
    report = run(tree, cadres_file(cadre_row(phone=""), cadre_row(email="", unit="B1", role="UV BCH"),
                                   cadre_row(unit="D1", role="UV BCH")))
    assert report.applied, messages(report)
    cadre = Cadre.objects.get()
    assert (cadre.email, cadre.phone, cadre.positions.count()) == ("thuha@example.vn", "+84912345678", 3)


def test_the_same_phone_under_another_name_is_an_error(tree):
    report = run(tree, cadres_file(cadre_row(), cadre_row(name="Trần Văn Bình", email="binh@example.vn", unit="B1")))
    assert messages(report) == ["Dòng 3, cột “Số điện thoại”: 0912 345 678 đã có ở dòng 2."]
    assert not Cadre.objects.exists()


def test_rows_of_one_cadre_must_agree(tree):
    report = run(tree, cadres_file(cadre_row(), cadre_row(gender="Nam", unit="B1"), cadre_row(ethnicity="Kinh")))
    assert messages(report) == [
        "Dòng 3, cột “Giới tính”: Dòng 2 của cùng cán bộ này ghi “Nữ”: hãy ghi giống nhau ở mọi dòng của cán bộ, "
        "hoặc để trống ô.",
        "Dòng 4, cột “Chức vụ”: Chức vụ này đã có ở dòng 2."]
    assert not Cadre.objects.exists()


def test_the_export_carries_every_column(tree):
    cadre = CadreFactory(unit=tree["g1"], full_name="Lê Thị Mai", email="mai@example.vn", phone="0912000444",
                         gender="female", ethnicity="Khmer", job_title="Giáo viên", is_party_member=True,
                         is_civil_servant=True, role=PositionRole.SECRETARY, start_date=datetime.date(2022, 10, 1))
    end = datetime.date(timezone.localdate().year + 1, 6, 30)
    Position.objects.create(tenant=cadre.tenant, cadre=cadre, unit=tree["b1"], role=PositionRole.EXECUTIVE_MEMBER,
                            start_date=datetime.date(2024, 1, 1), end_date=end)
    rows = by_header(export_file(kind="cadres", root=tree["d1"]))
    profile = {"Họ và tên": "Lê Thị Mai", "Ngày sinh": datetime.datetime(1995, 5, 17), "Giới tính": "Nữ",
               "Dân tộc": "Khmer", "Số điện thoại": "0912 000 444", "Email": "mai@example.vn",
               "Chức vụ chuyên môn": "Giáo viên", "Đảng viên": "x", "Chuyên trách": None, "CCVC": "x"}
    assert rows == [
        {**profile, "Mã đơn vị": "G1", "Chức vụ": "Bí thư", "Ngày bắt đầu": datetime.datetime(2022, 10, 1),
         "Ngày kết thúc": None},
        {**profile, "Mã đơn vị": "B1", "Chức vụ": "UV BCH", "Ngày bắt đầu": datetime.datetime(2024, 1, 1),
         "Ngày kết thúc": datetime.datetime.combine(end, datetime.time())},
    ]
    assert set(rows[0]) == set(CADRE_HEADER)
    report = run(tree, export_file(kind="cadres", root=tree["d1"]), dry_run=True)
    assert report.counts == {"new": 0, "changed": 0, "unchanged": 2, "error": 0}, messages(report)


def test_a_cell_changed_in_the_export_changes_exactly_that(tree):
    cadre = CadreFactory(unit=tree["g1"], email="mai@example.vn", role=PositionRole.SECRETARY)
    CadreFactory(unit=tree["g1"], email="other@example.vn")
    Position.objects.create(tenant=cadre.tenant, cadre=cadre, unit=tree["b1"], role=PositionRole.EXECUTIVE_MEMBER,
                            start_date=datetime.date(2024, 1, 1))
    header, *rows = [list(row) for row in read_xlsx(export_file(kind="cadres", root=tree["d1"]))]
    for row in rows:
        if row[header.index("Email")] == "mai@example.vn":
            row[header.index("Chức vụ chuyên môn")] = "Chuyên viên"
    events = AuditEvent.objects.count()
    report = run(tree, xlsx([header, *rows]))
    assert report.applied, messages(report)
    assert report.counts == {"new": 0, "changed": 1, "unchanged": 2, "error": 0}
    assert [row.changes for row in report.rows if row.status == "changed"] == [["Chức vụ chuyên môn: — → Chuyên viên"]]
    cadre.refresh_from_db()
    assert cadre.job_title == "Chuyên viên"
    update = AuditEvent.objects.get(action="cadre.update")
    assert update.data == {"job_title": ["", "Chuyên viên"]}
    assert AuditEvent.objects.count() == events + 2  # the update and the import


def test_an_end_date_ends_the_position_and_imports_again_unchanged(tree):
    cadre = CadreFactory(unit=tree["g1"], email="thuha@example.vn", role=PositionRole.SECRETARY,
                         start_date=datetime.date(2021, 5, 1))
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    data = cadres_file(cadre_row(end=yesterday.strftime("%d/%m/%Y")))
    report = run(tree, data)
    assert report.applied, messages(report)
    assert f"Ngày kết thúc: — → {yesterday:%d/%m/%Y}" in report.rows[0].changes
    assert list(cadre.positions.values_list("end_date", flat=True)) == [yesterday]
    assert AuditEvent.objects.filter(action="position.end").count() == 1
    report = run(tree, data, dry_run=True)
    assert report.rows[0].changes == [] and cadre.positions.count() == 1, report.rows[0].changes


def test_a_new_position_may_come_with_its_end(tree):
    report = run(tree, cadres_file(cadre_row(start="01/10/2022", end="30/09/2027")))
    assert report.applied, messages(report)
    assert list(Position.objects.values_list("start_date", "end_date")) == [
        (datetime.date(2022, 10, 1), datetime.date(2027, 9, 30))]


def test_an_end_before_the_start_is_refused(tree):
    CadreFactory(unit=tree["g1"], email="thuha@example.vn", role=PositionRole.SECRETARY,
                 start_date=datetime.date(2021, 5, 1))
    report = run(tree, cadres_file(cadre_row(end="30/04/2021"),
                                   cadre_row(name="B", email="b@example.vn", phone="", start="01/10/2022",
                                             end="30/09/2022")))
    assert messages(report) == [
        "Dòng 2, cột “Ngày kết thúc”: Chức vụ không thể kết thúc trước ngày bắt đầu (01/05/2021).",
        "Dòng 3, cột “Ngày kết thúc”: Chức vụ không thể kết thúc trước ngày bắt đầu (01/10/2022)."]
    assert Position.objects.get().end_date is None


def test_a_column_left_out_keeps_what_is_saved(tree):
    CadreFactory(unit=tree["g1"], email="thuha@example.vn", role=PositionRole.SECRETARY, full_name="Nguyễn Thị Thu Hà",
                 phone="0912345678", birth_date=datetime.date(1998, 5, 17), gender="female", is_full_time=True,
                 is_party_member=True, ethnicity="Kinh")
    # A file from before the Đảng viên and Dân tộc columns: a blank yes/no cell would mean no.
    old_file = without("Đảng viên", without("Dân tộc", [CADRE_HEADER, cadre_row()]))
    report = run(tree, xlsx(old_file), dry_run=True)
    assert report.counts["unchanged"] == 1, (messages(report), report.rows[0].changes)
    report = run(tree, cadres_file(cadre_row()), dry_run=True)
    assert report.rows[0].changes == ["Đảng viên: có → không"]
