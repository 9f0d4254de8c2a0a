"""The managers' hub finds units and cadres by name, code, email or phone, within reach only."""

import pytest
from django.urls import reverse

from cadres.models import PositionRole
from tests.cadres.factories import CadreFactory, TenantFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    root = TenantFactory(slug="a").root_unit
    d1 = UnitFactory(parent=root, code="D1", name="Huyện Đoàn Một")
    d2 = UnitFactory(parent=root, code="D2", name="Huyện Đoàn Hai")
    b1 = UnitFactory(parent=UnitFactory(parent=d1, code="G1", name="Đoàn xã Mỹ Hội"), code="B1",
                     name="Chi đoàn ấp Mỹ Hòa")
    manager = CadreFactory(unit=d1, role=PositionRole.SECRETARY, email="bithu@example.vn").user
    mine = CadreFactory(unit=b1, full_name="Nguyễn Thị Thu Hà", phone="0912345678", email="thuha@example.vn")
    theirs = CadreFactory(unit=d2, full_name="Nguyễn Thị Thu Hằng", phone="0987654321")
    foreign = CadreFactory(unit=UnitFactory(parent=TenantFactory(slug="b").root_unit, code="D1"),
                           full_name="Nguyễn Thị Thu Hà", phone="0911111111")
    return dict(manager=manager, mine=mine, theirs=theirs, foreign=foreign, b1=b1)


def search(client, query):
    page = client.get(reverse("manage"), {"q": query})
    assert page.status_code == 200
    return page.content.decode()


def test_a_manager_finds_units_and_cadres_in_reach_however_they_type(client, tree):
    client.force_login(tree["manager"])
    assert reverse("manage") in client.get(reverse("home")).content.decode()  # the menu's "Quản lý"
    mine = reverse("cadre_detail", args=[tree["mine"].pk])
    for typed in ("thu ha", "Thu Hà", "thuha@example", "0912 345 678", "+84912345678", "84 912 345 678"):
        page = search(client, typed)
        assert mine in page, typed
        assert reverse("cadre_detail", args=[tree["theirs"].pk]) not in page
        assert reverse("cadre_detail", args=[tree["foreign"].pk]) not in page
    page = search(client, "my hoa")
    assert reverse("unit_detail", args=["a", "B1"]) in page
    assert reverse("unit_detail", args=["a", "D2"]) not in search(client, "D2")
    assert "Không tìm thấy gì trong các đơn vị bạn quản lý." in search(client, "0987654321")


def test_the_hub_and_its_search_do_not_exist_for_a_plain_cadre(client, tree):
    client.force_login(tree["mine"].user)
    assert client.get(reverse("manage"), {"q": "thu"}).status_code == 404
