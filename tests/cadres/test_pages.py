"""Home, my profile, the unit tree browser and cadre lists: who sees what, and what they read."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cadres.actors import SYSTEM
from cadres.models import Cadre, GrantRole, Position, PositionRole
from cadres.services.reorganise import unit_archive
from tests.cadres.factories import CadreFactory, GrantFactory, TenantFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Tỉnh A: D1 → G1 → B1 and an archived G9; sibling D2 → G2. Tỉnh B has its own D1."""
    root = TenantFactory(name="Tỉnh Đoàn A", slug="tinh-a").root_unit
    d1 = UnitFactory(parent=root, code="D1", name="Huyện Đoàn Một")
    g1 = UnitFactory(parent=d1, code="G1", name="Đoàn xã Mỹ Hội Đông")
    b1 = UnitFactory(parent=g1, code="B1", name="Chi đoàn ấp Mỹ Hòa")
    g9 = UnitFactory(parent=d1, code="G9", name="Đoàn xã Đã Sáp Nhập")
    unit_archive(unit=g9, acting_user=SYSTEM)
    d2 = UnitFactory(parent=root, code="D2", name="Huyện Đoàn Hai")
    g2 = UnitFactory(parent=d2, code="G2", name="Đoàn xã Bên Cạnh")
    foreign_root = TenantFactory(name="Tỉnh Đoàn B", slug="tinh-b").root_unit
    foreign = UnitFactory(parent=foreign_root, code="D1", name="Huyện Đoàn Xa Lạ")
    manager = CadreFactory(unit=d1, role=PositionRole.SECRETARY, full_name="Lê Minh Tuấn")
    member = CadreFactory(
        unit=b1, full_name="Võ Văn Hậu", birth_date=datetime.date(1996, 3, 9), phone="0912345678",
        is_party_member=True,
    )
    provincial = UserFactory(full_name="Trần Thị Ngọc Hân")
    GrantFactory(user=provincial, unit=root, role=GrantRole.PROVINCIAL_STAFF)
    return dict(
        root=root, d1=d1, g1=g1, b1=b1, g9=g9, d2=d2, g2=g2, foreign=foreign,
        manager=manager.user, member=member.user, member_cadre=member, provincial=provincial,
        sibling_cadre=CadreFactory(unit=g2, full_name="Phạm Văn Bên"),
        foreign_cadre=CadreFactory(unit=foreign, full_name="Đỗ Văn Xa"),
    )


def unit_url(name, unit, **kwargs):
    return reverse(name, args=[unit.tenant.slug, unit.code]) + (f"?{kwargs['query']}" if kwargs else "")


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def text(response) -> str:
    """The page's visible words, tags dropped and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


# --- Who sees which page -------------------------------------------------------------

@pytest.mark.parametrize(
    "persona, page, unit, status",
    [
        ("manager", "unit_list", None, 200),
        ("member", "unit_list", None, 404),
        ("provincial", "unit_list", None, 200),
        ("manager", "unit_detail", "d1", 200),
        ("member", "unit_detail", "d1", 404),
        ("member", "unit_detail", "b1", 200),
        ("provincial", "unit_detail", "d2", 200),
        ("manager", "unit_children", "d1", 200),
        ("member", "unit_children", "b1", 404),
        ("provincial", "unit_children", "d1", 200),
        ("manager", "unit_cadres", "g1", 200),
        ("member", "unit_cadres", "b1", 404),
        ("provincial", "unit_cadres", "root", 200),
    ],
)
def test_unit_pages_by_persona(client, world, persona, page, unit, status):
    url = reverse(page) if unit is None else unit_url(page, world[unit])
    assert get(client, world[persona], url).status_code == status


@pytest.mark.parametrize("page", ["unit_detail", "unit_children", "unit_cadres"])
@pytest.mark.parametrize("unit", ["foreign", "g2", "g9"])
def test_foreign_sibling_and_archived_units_are_404(client, world, page, unit):
    """Tỉnh B's D1 shares the code of the manager's own D1: the tenant slug decides."""
    assert get(client, world["manager"], unit_url(page, world[unit])).status_code == 404


@pytest.mark.parametrize("page", ["unit_detail", "unit_children", "unit_cadres"])
def test_missing_unit_and_wrong_tenant_slug_are_404(client, world, page):
    client.force_login(world["manager"])
    assert client.get(reverse(page, args=["tinh-a", "KHONG-CO"])).status_code == 404
    assert client.get(reverse(page, args=["tinh-b", "G1"])).status_code == 404


@pytest.mark.parametrize(
    "persona, cadre, status",
    [
        ("manager", "member_cadre", 200),
        ("member", "member_cadre", 200),
        ("provincial", "member_cadre", 200),
        ("manager", "sibling_cadre", 404),
        ("manager", "foreign_cadre", 404),
        ("member", "sibling_cadre", 404),
        ("provincial", "foreign_cadre", 404),
    ],
)
def test_cadre_detail_by_persona(client, world, persona, cadre, status):
    url = reverse("cadre_detail", args=[world[cadre].pk])
    assert get(client, world[persona], url).status_code == status


def test_archived_and_missing_cadres_are_404(client, world):
    Cadre.objects.filter(pk=world["member_cadre"].pk).update(archived_at=timezone.now())
    client.force_login(world["manager"])
    assert client.get(reverse("cadre_detail", args=[world["member_cadre"].pk])).status_code == 404
    assert client.get(reverse("cadre_detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("page", ["home", "my_profile", "unit_list"])
def test_pages_need_a_login(client, page):
    response = client.get(reverse(page))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- What each page says --------------------------------------------------------------

def test_home_of_a_plain_cadre_shows_their_unit_and_no_manager_menu(client, world):
    page = text(get(client, world["member"], reverse("home")))
    assert "Xin chào, Võ Văn Hậu" in page
    assert "Đơn vị của tôi" in page and "Chi đoàn ấp Mỹ Hòa" in page and "Ủy viên Ban Chấp hành" in page
    assert "Đơn vị tôi quản lý" not in page
    assert "Nhập dữ liệu" not in page and "Đăng xuất" in page


def test_home_of_a_manager_links_the_managed_unit(client, world):
    response = get(client, world["manager"], reverse("home"))
    page = text(response)
    assert "Đơn vị tôi quản lý" in page and "Huyện Đoàn Một" in page
    assert unit_url("unit_cadres", world["d1"]) in response.content.decode()


def test_home_of_provincial_staff_without_a_cadre_profile(client, world):
    page = text(get(client, world["provincial"], reverse("home")))
    assert "Tài khoản của bạn chưa gắn với hồ sơ cán bộ nào" in page
    assert "Đơn vị tôi quản lý" in page and "Tỉnh Đoàn A" in page


def test_my_profile_shows_profile_and_positions_with_vietnamese_dates(client, world):
    Position.objects.filter(cadre=world["member_cadre"]).update(start_date=datetime.date(2022, 10, 1))
    Position.objects.create(
        tenant=world["root"].tenant, cadre=world["member_cadre"], unit=world["g1"],
        role=PositionRole.DEPUTY_SECRETARY, start_date=datetime.date(2019, 1, 5), end_date=datetime.date(2021, 12, 31),
    )
    page = text(get(client, world["member"], reverse("my_profile")))
    assert "Hồ sơ và chức vụ của tôi" in page
    assert "Ngày sinh 09/03/1996" in page and "Số điện thoại 0912 345 678" in page
    assert "Đảng viên Có" in page and "Loại cán bộ Không chuyên trách" in page
    assert "Chi đoàn ấp Mỹ Hòa Ủy viên Ban Chấp hành 01/10/2022 — Đang giữ" in page
    assert "Đoàn xã Mỹ Hội Đông Phó Bí thư 05/01/2019 31/12/2021 Đã kết thúc" in page


def test_my_profile_without_a_cadre_profile_says_so(client, world):
    page = text(get(client, world["provincial"], reverse("my_profile")))
    assert "Tài khoản của bạn chưa gắn với hồ sơ cán bộ nào" in page


def test_a_member_sees_their_own_unit_page_but_not_its_lists(client, world):
    page = text(get(client, world["member"], unit_url("unit_detail", world["b1"])))
    assert "Chi đoàn ấp Mỹ Hòa" in page and "Bạn là thành viên của đơn vị này" in page
    assert "Danh sách cán bộ" not in page and "Xem toàn bộ" not in page


def test_unit_page_of_a_manager_lists_children_with_counts(client, world):
    CadreFactory(unit=world["g1"], full_name="Nguyễn Thị Lan")
    response = get(client, world["manager"], unit_url("unit_detail", world["g1"]))
    page = text(response)
    assert "Huyện Đoàn Một" in page  # the breadcrumb
    assert "Xem toàn bộ 2 cán bộ" in page
    assert "Chi đoàn ấp Mỹ Hòa Chi đoàn · B1 · 1 cán bộ" in page
    html = response.content.decode()
    # The child expands in place with htmx and stays a plain link without JS.
    assert f'href="{unit_url("unit_detail", world["b1"])}"' in html
    assert "Đã Sáp Nhập" not in page


def test_children_fragment(client, world):
    response = get(client, world["manager"], unit_url("unit_children", world["d1"]))
    html = response.content.decode()
    assert "<html" not in html  # a fragment, not a page
    page = text(response)
    assert "Đoàn xã Mỹ Hội Đông Đoàn cơ sở · G1 · 1 đơn vị trực thuộc · 1 cán bộ" in page
    assert f'hx-get="{unit_url("unit_children", world["g1"])}"' in html
    assert "Đã Sáp Nhập" not in page
    leaf = text(get(client, world["manager"], unit_url("unit_children", world["b1"])))
    assert leaf == "Đơn vị này không có đơn vị trực thuộc."


def test_unit_search_ignores_diacritics_and_stays_in_scope(client, world):
    page = text(get(client, world["manager"], reverse("unit_list") + "?q=my hoi dong"))
    assert "Đơn vị khớp với “my hoi dong”" in page and "Đoàn xã Mỹ Hội Đông" in page
    page = text(get(client, world["manager"], reverse("unit_list") + "?q=ben canh"))
    assert "Không có đơn vị nào bạn quản lý khớp với “ben canh”." in page and "Bên Cạnh" not in page


# --- The cadre list -------------------------------------------------------------------

def cadre_names(response) -> list[str]:
    return re.findall(r'<a class="strong" href="/cadres/\d+/">([^<]+)</a>', response.content.decode())


def test_cadre_list_sorted_by_given_name_and_shows_role_and_unit(client, world):
    for name in ["Nguyễn Văn Bình", "Trần Thị Ánh", "Lê Văn An"]:
        CadreFactory(unit=world["g1"], full_name=name)
    response = get(client, world["manager"], unit_url("unit_cadres", world["d1"]))
    assert cadre_names(response) == [
        "Lê Văn An", "Trần Thị Ánh", "Nguyễn Văn Bình", "Võ Văn Hậu", "Lê Minh Tuấn"
    ]
    page = text(response)
    assert "Cán bộ của Huyện Đoàn Một" in page and "5 cán bộ trong đơn vị và các đơn vị trực thuộc." in page
    assert "Võ Văn Hậu Ủy viên Ban Chấp hành · Chi đoàn ấp Mỹ Hòa" in page
    assert "Lê Minh Tuấn Bí thư · Huyện Đoàn Một" in page
    assert "Phạm Văn Bên" not in page and "Đỗ Văn Xa" not in page


def test_cadre_list_search_ignores_diacritics(client, world):
    for name in ["Nguyễn Văn Bình", "Nguyễn Thị Lan", "Trần Văn Nguyên"]:
        CadreFactory(unit=world["g1"], full_name=name)
    response = get(client, world["manager"], unit_url("unit_cadres", world["d1"], query="q=nguyen+van"))
    assert cadre_names(response) == ["Nguyễn Văn Bình", "Trần Văn Nguyên"]
    assert "2 cán bộ khớp với “nguyen van”." in text(response)
    response = get(client, world["manager"], unit_url("unit_cadres", world["d1"], query="q=khong+ai"))
    assert cadre_names(response) == [] and "Không tìm thấy cán bộ nào." in text(response)


def test_cadre_list_pages_by_fifty_keeping_the_search(client, world):
    for index in range(51):
        CadreFactory(unit=world["b1"], full_name=f"Nguyễn Văn Số {index:02d}")
    url = unit_url("unit_cadres", world["d1"], query="q=nguyen")
    first = get(client, world["manager"], url)
    assert len(cadre_names(first)) == 50
    assert "Trang 1 / 2" in text(first) and 'href="?q=nguyen&amp;page=2"' in first.content.decode()
    second = client.get(url + "&page=2")
    assert len(cadre_names(second)) == 1 and "Trang 2 / 2" in text(second)
    assert set(cadre_names(first)).isdisjoint(cadre_names(second))
    # A page number out of range or not a number falls back to a real page, never a 500.
    assert client.get(url + "&page=99").status_code == 200
    assert client.get(url + "&page=abc").status_code == 200


def test_cadre_detail_shows_profile_and_positions(client, world):
    page = text(get(client, world["manager"], reverse("cadre_detail", args=[world["member_cadre"].pk])))
    assert "Võ Văn Hậu" in page and "Ngày sinh 09/03/1996" in page
    assert "Chi đoàn ấp Mỹ Hòa Ủy viên Ban Chấp hành" in page


def test_numbers_use_the_vietnamese_thousands_separator():
    from cadres.templatetags.ui import dmy, num

    assert num(12345) == "12.345" and num(402) == "402"
    assert dmy(datetime.date(2026, 10, 30)) == "30/10/2026"


def test_language_switcher_turns_the_pages_to_english(client, world):
    client.force_login(world["member"])
    assert "Xin chào, Võ Văn Hậu" in text(client.get(reverse("home")))
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    response = client.get(reverse("home"))
    assert "Hello, Võ Văn Hậu" in text(response) and "My units" in text(response)
    assert 'name="language" value="vi"' in response.content.decode()  # and the way back


def test_a_phone_set_to_english_still_gets_vietnamese(client, world):
    client.force_login(world["member"])
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Xin chào, Võ Văn Hậu" in text(response)
    assert response.headers["Content-Language"] == "vi"


def test_managers_get_the_unit_tools_and_can_invite_a_cadre_without_password(client, world):
    from cadres.models import Cadre

    client.force_login(world["manager"])
    page = text(client.get(unit_url("unit_detail", world["g1"])))
    assert "Mời cán bộ" in page and "Nhập cán bộ từ Excel" in page
    newcomer = Cadre.objects.get(pk=world["member_cadre"].pk)
    newcomer.user.set_unusable_password()
    newcomer.user.save()
    detail = text(client.get(reverse("cadre_detail", args=[newcomer.pk])))
    assert "Gửi thư mời" in detail
    client.force_login(world["member"])
    assert "Gửi thư mời" not in text(client.get(reverse("cadre_detail", args=[newcomer.pk])))


def test_the_menu_stays_short_and_managers_find_the_rest_in_the_hub(client, world):
    client.force_login(world["member"])
    menu = text(client.get(reverse("home")))
    assert "Bản đăng ký" in menu and "Hoạt động" in menu and "Quản lý" not in menu and "Duyệt" not in menu
    client.force_login(world["manager"])
    assert "Quản lý" in text(client.get(reverse("home")))
    hub = text(client.get(reverse("manage")))
    for entry in ["Đơn vị", "Yêu cầu tham gia", "Nhập dữ liệu", "Tiến độ và báo cáo", "Đăng nhập hai bước"]:
        assert entry in hub
    assert "Cài đặt mô hình" not in hub  # provincial staff only
