"""Every list page and dashboard costs the same number of queries whatever the size of what
it lists: each page is read once with a few rows, the world grows tenfold, and the page is
read again (tests/scale_world.py; row P2 of `make bench` does the same at 10 and 1,000)."""

import pytest
from django.urls import reverse

from cadres.models import JoinRequest, PositionRole, UnitLevel
from tests.reports.factories import add_unit, make_cadre
from tests.scale_world import PAGES, Province, page_cost, persona_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", sorted(PAGES))
def test_each_page_costs_the_same_queries_at_two_sizes(client, persona):
    province = Province()
    province.grow(2)
    client.force_login(persona_user(province, persona))
    small = {name: page_cost(client, name, args(province))[0] for name, args in PAGES[persona]}
    province.grow(20)
    large = {name: page_cost(client, name, args(province))[0] for name, args in PAGES[persona]}
    assert {name: (small[name], large[name]) for name in small if large[name] > small[name]} == {}


def test_long_lists_come_a_page_at_a_time(client):
    province = Province()
    for i in range(60):
        add_unit(province.huyen, level=UnitLevel.GRASSROOTS, code=f"X{i}", name=f"Đoàn xã Xa {i:02d}")
        joiner = make_cadre(province.tenant, [], full_name=f"Người xin vào {i}")
        JoinRequest.objects.create(tenant=province.tenant, unit=province.huyen, cadre=joiner,
                                   role=PositionRole.EXECUTIVE_MEMBER)
    client.force_login(province.manager)
    page = client.get(reverse("unit_detail", args=[province.tenant.slug, "H1"])).content.decode()
    assert page.count('class="tree-node"') == 50 and "Trang 1 / 2" in page  # 61 sub-units with Đoàn xã Không
    fragment = client.get(reverse("unit_children", args=[province.tenant.slug, "H1"])).content.decode()
    assert "Còn 11 đơn vị trực thuộc Huyện Đoàn Một: xem tất cả" in fragment
    requests = client.get(reverse("join_request_list")).content.decode()
    assert requests.count('id="join-') == 25 and "Người xin vào 0<" in requests
    second = client.get(reverse("join_request_list"), {"page": 3}).content.decode()
    assert second.count('id="join-') == 10
    dashboard = reverse("reports_unit_dashboard", args=[province.tenant.slug, "H1"])
    first_page = client.get(dashboard).content.decode()
    assert first_page.count('class="row-links"') == 50 and "61 đơn vị trực thuộc" in first_page
    assert client.get(dashboard, {"page": 2}).content.decode().count('class="row-links"') == 11
