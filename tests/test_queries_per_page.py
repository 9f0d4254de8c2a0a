"""Every list page and dashboard costs the same number of queries whatever the size of what
it lists: each page is read once with a few rows, the world grows tenfold, and the page is
read again. A page whose count grows has a query per row somewhere."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadres.models import GrantRole, JoinRequest, Notice, NoticeKind, PositionRole, UnitLevel
from evaluations.models import Activity
from models_registry.models import ActivityKind
from reports.services.rollup import rollup_cycle
from tests.cadres.factories import CadreFactory, GrantFactory
from tests.reports.factories import add_unit, bulk_cadres, make_cadre, make_cycle, make_programme, make_tenant

pytestmark = pytest.mark.django_db
YEAR = datetime.date.today().year


class Province:
    """A tỉnh with one huyện; `grow(n)` adds n đoàn cơ sở (a chi đoàn and 3 cadres each, a
    published programme of its own), n join requests, n activities and n notices."""

    def __init__(self):
        self.tenant = make_tenant()
        self.cycle = make_cycle(self.tenant, YEAR, registration_closes=datetime.date(YEAR, 12, 31),
                                self_assessment_due=datetime.date(YEAR, 12, 31),
                                review_due=datetime.date(YEAR, 12, 31), unit_report_due=datetime.date(YEAR, 12, 31))
        self.huyen = add_unit(self.tenant.root_unit, level=UnitLevel.DISTRICT, code="H1", name="Huyện Đoàn Một")
        make_programme(self.tenant.root_unit, YEAR, name="Mô hình của tỉnh")
        self.manager = GrantFactory(unit=self.huyen, tenant=self.tenant, role=GrantRole.UNIT_MANAGER).user
        first = add_unit(self.huyen, level=UnitLevel.GRASSROOTS, code="G0", name="Đoàn xã Không")
        self.branch = add_unit(first, level=UnitLevel.BRANCH, code="G0-B", name="Chi đoàn Không")
        self.cadre = CadreFactory(unit=self.branch, role=PositionRole.EXECUTIVE_MEMBER, email="canbo@example.vn")
        self.grown = 0

    def grow(self, n: int) -> None:
        for _ in range(n):
            i = self.grown = self.grown + 1
            grassroots = add_unit(self.huyen, level=UnitLevel.GRASSROOTS, code=f"G{i}", name=f"Đoàn xã {i}")
            branch = add_unit(grassroots, level=UnitLevel.BRANCH, code=f"G{i}-B", name=f"Chi đoàn {i}")
            make_programme(grassroots, YEAR, name=f"Mô hình xã {i}")
            bulk_cadres(branch, 3, prefix=f"Cán bộ {i}")
            joiner = make_cadre(self.tenant, [], full_name=f"Người xin vào {i}")
            JoinRequest.objects.create(tenant=self.tenant, unit=self.huyen, cadre=joiner,
                                       role=PositionRole.EXECUTIVE_MEMBER)
            Activity.objects.create(tenant=self.tenant, cadre=self.cadre, kind=ActivityKind.VOLUNTEER_HOURS,
                                    date=datetime.date(YEAR, 1 + i % 11, 1), hours=2)
            Notice.objects.create(tenant=self.tenant, recipient=self.manager, kind=NoticeKind.SUBMITTED,
                                  subject=f"Thông báo {i}", link="/inbox/")
        rollup_cycle(cycle=self.cycle)


MANAGER_PAGES = [
    ("home", lambda p: []),
    ("inbox", lambda p: []),
    ("notice_list", lambda p: []),
    ("join_request_list", lambda p: []),
    ("programme_list", lambda p: []),
    ("unit_list", lambda p: []),
    ("unit_detail", lambda p: [p.tenant.slug, "H1"]),
    ("unit_children", lambda p: [p.tenant.slug, "H1"]),
    ("unit_cadres", lambda p: [p.tenant.slug, "H1"]),
    ("reports_dashboard", lambda p: []),
    ("reports_unit_dashboard", lambda p: [p.tenant.slug, "H1"]),
    ("reports_unregistered", lambda p: [p.tenant.slug, "H1"]),
    ("review_queue", lambda p: []),
    ("unit_audit", lambda p: [p.tenant.slug, "H1"]),
]
CADRE_PAGES = [
    ("home", lambda p: []),
    ("registration_list", lambda p: []),
    ("activity_list", lambda p: []),
    ("notice_list", lambda p: []),
]


def queries(client, name, args) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name, args=args))
    assert response.status_code == 200, (name, response.status_code)
    return len(captured.captured_queries)


@pytest.mark.parametrize("persona, pages", [("manager", MANAGER_PAGES), ("cadre", CADRE_PAGES)])
def test_each_page_costs_the_same_queries_at_two_sizes(client, persona, pages):
    province = Province()
    province.grow(2)
    user = province.manager if persona == "manager" else province.cadre.user
    client.force_login(user)
    small = {name: queries(client, name, args(province)) for name, args in pages}
    province.grow(20)
    large = {name: queries(client, name, args(province)) for name, args in pages}
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
