"""Phone numbers: every Vietnamese mobile and landline however it is written is valid and
stored in E.164; anything else is refused in Vietnamese; pages show the national format with
E.164 tel: links; a search finds a number in any written form; the importer reads them all."""

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from cadres.actors import SYSTEM
from cadres.models import Cadre, PositionRole, User
from cadres.services.imports import import_file
from cadres.services.people import cadre_create
from cadres.text import canonical_phone, display_phone, normalize_phone
from tests.cadres.factories import CadreFactory, TenantFactory, UnitFactory
from tests.cadres.spreadsheets import cadre_row, cadres_file

pytestmark = pytest.mark.django_db

# (as typed, stored in E.164, shown)
VALID = [
    # Mobiles, one or more per prefix family.
    ("0321 234 567", "+84321234567", "0321 234 567"),
    ("0356789012", "+84356789012", "0356 789 012"),
    ("0562 345 678", "+84562345678", "0562 345 678"),
    ("0587654321", "+84587654321", "0587 654 321"),
    ("0591234567", "+84591234567", "0591 234 567"),
    ("0701234567", "+84701234567", "0701 234 567"),
    ("0789 123 456", "+84789123456", "0789 123 456"),
    ("0812345678", "+84812345678", "0812 345 678"),
    ("0866 123 456", "+84866123456", "0866 123 456"),
    ("0888.888.888", "+84888888888", "0888 888 888"),
    ("0900100735", "+84900100735", "0900 100 735"),
    ("0912.345.678", "+84912345678", "0912 345 678"),
    ("0987-654-321", "+84987654321", "0987 654 321"),
    # Landlines: 0 + area code + subscriber number, 11 digits in all.
    ("0296 3852 123", "+842963852123", "0296 3852 123"),
    ("02963852123", "+842963852123", "0296 3852 123"),
    ("024 3825 1234", "+842438251234", "024 3825 1234"),
    ("028 3822 1234", "+842838221234", "028 3822 1234"),
    ("(0236) 3822 123", "+842363822123", "0236 3822 123"),
    # International forms.
    ("+84900100735", "+84900100735", "0900 100 735"),
    ("+84 900 100 735", "+84900100735", "0900 100 735"),
    ("84900100735", "+84900100735", "0900 100 735"),
    ("84 900-100-735", "+84900100735", "0900 100 735"),
    ("+84 (0) 900 100 735", "+84900100735", "0900 100 735"),
    ("0084 900 100 735", "+84900100735", "0900 100 735"),
    ("+84 24 3825 1234", "+842438251234", "024 3825 1234"),
    ("842963852123", "+842963852123", "0296 3852 123"),
    # Excel dropped the leading 0 (a cell typed as a number).
    ("912345678", "+84912345678", "0912 345 678"),
    ("2963852123", "+842963852123", "0296 3852 123"),
]

INVALID = [
    ("0000000000", "all zeros"),
    ("090010073", "too short"),
    ("09001007355", "too long"),
    ("0296 385 212", "landline too short"),
    ("0900 10O 735", "the letter O for a zero"),
    ("abc", "letters"),
    ("0900100735x", "a letter after the number"),
    ("0900100735 ext 5", "an extension"),
    ("0521234567", "an unused prefix"),
    ("0123456789", "an old 11-digit prefix cut short"),
    ("1900 1234", "a service number"),
    ("1800 1234", "a toll-free number"),
    ("+1 650 253 0000", "a foreign number"),
    ("+84", "the country code alone"),
    ("", "nothing"),
    ("   ", "spaces"),
]


@pytest.mark.parametrize("typed, stored, shown", VALID, ids=[typed for typed, _, _ in VALID])
def test_a_vietnamese_number_is_stored_in_e164_and_shown_in_the_national_format(typed, stored, shown):
    assert normalize_phone(typed) == stored
    assert display_phone(stored) == shown
    assert normalize_phone(shown) == stored  # what a page shows, typed back, is the same number


@pytest.mark.parametrize("typed", [typed for typed, _ in INVALID], ids=[why for _, why in INVALID])
def test_anything_else_is_refused(typed):
    with pytest.raises(ValueError):
        normalize_phone(typed)


@pytest.mark.parametrize("kept", ["0000000000", "12345", "090 xyz"])
def test_a_value_kept_from_before_is_stored_and_shown_as_it_was(kept):
    assert canonical_phone(kept) == kept
    assert display_phone(kept) == kept


@pytest.fixture
def tenant_unit():
    return TenantFactory(slug="a").root_unit


def test_the_models_store_any_written_form_in_e164(tenant_unit):
    user = User.objects.create_user(email="a@example.vn", phone="0296 3852 123")
    cadre = Cadre.objects.create(tenant=tenant_unit.tenant, full_name="Lê Văn A", phone="84 912 345 678")
    user.refresh_from_db()
    cadre.refresh_from_db()
    assert (user.phone, cadre.phone) == ("+842963852123", "+84912345678")
    # The search column holds both forms, so part of the number as people type it is found.
    assert "+84912345678" in cadre.search_text and "0912345678" in cadre.search_text


def test_the_service_refuses_an_invalid_number_in_vietnamese(tenant_unit):
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        cadre_create(tenant=tenant_unit.tenant, full_name="Lê Văn A", phone="0000000000", acting_user=SYSTEM)
    assert refused.value.message_dict == {"phone": [
        "Nhập số điện thoại di động hoặc cố định Việt Nam, ví dụ 0912 345 678 hoặc 0296 3852 123."]}
    assert not Cadre.objects.exists() and not User.objects.exists()


def test_the_same_number_written_another_way_is_the_same_account(tenant_unit):
    CadreFactory(unit=tenant_unit, phone="0912 345 678")
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        cadre_create(tenant=tenant_unit.tenant, full_name="Lê Văn B", phone="+84912345678", acting_user=SYSTEM)
    assert refused.value.message_dict == {"phone": ["Số điện thoại 0912 345 678 đã thuộc về một tài khoản khác."]}


def test_the_filter_shows_the_national_format_and_a_kept_value_as_it_is():
    template = Template("{% load ui %}{{ a|phone }}|{{ b|phone }}|{{ c|phone }}|{{ d|phone }}")
    assert template.render(Context({"a": "+84900100735", "b": "+842963852123", "c": "0000000000", "d": None})) == (
        "0900 100 735|0296 3852 123|0000000000|")


# ---- Through the pages -------------------------------------------------------------------

@pytest.fixture
def tree():
    root = TenantFactory(slug="a").root_unit
    district = UnitFactory(parent=root, code="D1", name="Huyện Đoàn Một")
    branch = UnitFactory(parent=UnitFactory(parent=district, code="G1"), code="B1")
    manager = CadreFactory(unit=district, role=PositionRole.SECRETARY, email="bithu@example.vn").user
    mobile = CadreFactory(unit=branch, full_name="Nguyễn Thị Di Động", phone="0900100735")
    landline = CadreFactory(unit=branch, full_name="Trần Văn Cố Định", phone="0296 3852 123")
    other = CadreFactory(unit=branch, full_name="Lê Văn Khác", phone="0900100736")
    return dict(district=district, manager=manager, mobile=mobile, landline=landline, other=other)


SEARCHES = [
    ("+84900100735", "mobile"), ("0900 100 735", "mobile"), ("0900100735", "mobile"), ("84900100735", "mobile"),
    ("84 900 100 735", "mobile"), ("0900.100.735", "mobile"), ("0900-100-735", "mobile"), ("090 010 0735", "mobile"),
    ("+84 900 100 735", "mobile"),
    ("0296 3852 123", "landline"), ("02963852123", "landline"), ("+84 296 3852 123", "landline"),
    ("(0296) 3852-123", "landline"),
]


@pytest.mark.parametrize("typed, who", SEARCHES, ids=[typed for typed, _ in SEARCHES])
def test_the_cadre_list_and_the_managers_hub_find_a_number_however_it_is_written(client, tree, typed, who):
    client.force_login(tree["manager"])
    for url in (reverse("unit_cadres", args=["a", "D1"]), reverse("manage")):
        page = client.get(url, {"q": typed})
        assert page.status_code == 200
        found = {name for name in ("mobile", "landline", "other")
                 if reverse("cadre_detail", args=[tree[name].pk]) in page.content.decode()}
        assert found == {who}, url
    # The hub's hit shows the number in the national format.
    assert {"mobile": "0900 100 735", "landline": "0296 3852 123"}[who] in page.content.decode()


def test_part_of_a_number_finds_every_cadre_whose_number_starts_so(client, tree):
    client.force_login(tree["manager"])
    page = client.get(reverse("unit_cadres", args=["a", "D1"]), {"q": "0900 100"}).content.decode()
    assert reverse("cadre_detail", args=[tree["mobile"].pk]) in page
    assert reverse("cadre_detail", args=[tree["other"].pk]) in page
    assert reverse("cadre_detail", args=[tree["landline"].pk]) not in page


def test_the_profile_shows_the_national_format_with_an_e164_link(client, tree):
    client.force_login(tree["manager"])
    page = client.get(reverse("cadre_detail", args=[tree["landline"].pk])).content.decode()
    assert '<a href="tel:+842963852123">0296 3852 123</a>' in page


def test_a_number_kept_from_before_is_shown_as_it_was_stored(client, tree):
    # As the migration leaves an invalid stored value (written here past the service).
    Cadre.objects.filter(pk=tree["mobile"].pk).update(phone="0000000000")
    client.force_login(tree["manager"])
    page = client.get(reverse("cadre_detail", args=[tree["mobile"].pk])).content.decode()
    assert '<a href="tel:0000000000">0000000000</a>' in page


# ---- The importer ------------------------------------------------------------------------

def test_an_import_reads_every_written_form_and_finds_known_cadres_by_any_of_them(tree):
    known = tree["mobile"]
    rows = [
        cadre_row(name="Nguyễn Thị Di Động", phone="+84 900 100 735", email="", unit="G1", role="UV BCH"),
        cadre_row(name="Phạm Thị Số", phone=912000111, email="", unit="B1", role="UV BCH"),  # a number cell, its 0 dropped
        cadre_row(name="Hồ Văn Chấm", phone="0912.000.222", email="", unit="B1", role="UV BCH"),
        cadre_row(name="Đỗ Thị Gạch", phone="0912-000-333", email="", unit="B1", role="UV BCH"),
        cadre_row(name="Võ Văn Quốc Tế", phone="84 912 000 444", email="", unit="B1", role="UV BCH"),
        cadre_row(name="Lý Thị Bàn", phone="0296 3852 124", email="", unit="B1", role="UV BCH"),
        cadre_row(name="Mai Văn Bàn", phone=2438251234, email="", unit="B1", role="UV BCH"),  # a landline number cell
    ]
    report = import_file(kind="cadres", root=tree["district"], data=cadres_file(*rows), dry_run=False,
                         acting_user=tree["manager"])
    assert report.applied, [str(problem) for problem in report.problems]
    assert report.counts["new"] == 6 and report.counts["changed"] == 1
    assert set(Cadre.objects.exclude(pk__in=[tree["manager"].cadre.pk, tree["landline"].pk, tree["other"].pk])
               .values_list("full_name", "phone")) == {
        ("Nguyễn Thị Di Động", "+84900100735"), ("Phạm Thị Số", "+84912000111"), ("Hồ Văn Chấm", "+84912000222"),
        ("Đỗ Thị Gạch", "+84912000333"), ("Võ Văn Quốc Tế", "+84912000444"), ("Lý Thị Bàn", "+842963852124"),
        ("Mai Văn Bàn", "+842438251234")}
    # The known cadre got the new position instead of a twin.
    assert known.positions.filter(role=PositionRole.EXECUTIVE_MEMBER).count() == 2
    assert User.objects.filter(phone="+842438251234").exists()


def test_an_import_with_an_invalid_number_says_so_in_vietnamese_and_writes_nothing(tree):
    before = Cadre.objects.count()
    with translation.override("vi"):
        report = import_file(kind="cadres", root=tree["district"], dry_run=False, acting_user=tree["manager"],
                             data=cadres_file(cadre_row(phone="0000000000", email="", unit="B1", role="UV BCH")))
        problems = [str(problem) for problem in report.problems]
    assert problems == ["Dòng 2, cột “Số điện thoại”: “0000000000” không phải số điện thoại di động hoặc cố định "
                        "Việt Nam (ví dụ 0912 345 678 hoặc 0296 3852 123)."]
    assert Cadre.objects.count() == before
