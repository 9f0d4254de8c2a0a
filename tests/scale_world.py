"""A province that grows: the world behind the query-count test
(tests/test_queries_per_page.py) and row P2 of `make bench` (bench/pages.py). Each list page
and dashboard is read at one size and again after `grow(n)`; a page whose query count grows
has a query per row somewhere."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadres.models import GrantRole, JoinRequest, Notice, NoticeKind, PositionRole, UnitLevel
from evaluations.models import Activity, RegistrationState
from models_registry.models import ActivityKind
from reports.services.rollup import rollup_cycle
from tests.cadres.factories import CadreFactory, GrantFactory
from tests.reports.factories import (
    add_unit,
    bulk_cadres,
    make_cadre,
    make_cycle,
    make_programme,
    make_registration,
    make_tenant,
)

YEAR = datetime.date.today().year


class Province:
    """A tỉnh with one huyện; `grow(n)` adds n đoàn cơ sở (a chi đoàn and 3 cadres each, a
    published programme of its own), n join requests, n activities, n notices and n forms
    waiting in the chi đoàn Bí thư's review queue."""

    def __init__(self):
        self.tenant = make_tenant()
        self.cycle = make_cycle(self.tenant, YEAR, registration_closes=datetime.date(YEAR, 12, 31),
                                self_assessment_due=datetime.date(YEAR, 12, 31),
                                review_due=datetime.date(YEAR, 12, 31), unit_report_due=datetime.date(YEAR, 12, 31))
        self.huyen = add_unit(self.tenant.root_unit, level=UnitLevel.DISTRICT, code="H1", name="Huyện Đoàn Một")
        self.programme = make_programme(self.tenant.root_unit, YEAR, name="Mô hình của tỉnh")
        self.manager = GrantFactory(unit=self.huyen, tenant=self.tenant, role=GrantRole.UNIT_MANAGER).user
        self.staff = GrantFactory(unit=self.tenant.root_unit, tenant=self.tenant,
                                  role=GrantRole.PROVINCIAL_STAFF).user
        first = add_unit(self.huyen, level=UnitLevel.GRASSROOTS, code="G0", name="Đoàn xã Không")
        self.branch = add_unit(first, level=UnitLevel.BRANCH, code="G0-B", name="Chi đoàn Không")
        self.secretary = CadreFactory(unit=self.branch, role=PositionRole.SECRETARY, email="bithu@example.vn")
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
            member = make_cadre(self.tenant, [(self.branch, PositionRole.EXECUTIVE_MEMBER)],
                                full_name=f"Đoàn viên chờ duyệt {i}")
            make_registration(self.cycle, self.programme, member, self.branch, state=RegistrationState.SUBMITTED)
        rollup_cycle(cycle=self.cycle)


def _unit(code):
    return lambda p: [p.tenant.slug, code]


def _none(p):
    return []


# (page, its arguments) read by each persona.
PAGES = {
    "manager": [
        ("home", _none), ("inbox", _none), ("notice_list", _none), ("join_request_list", _none),
        ("programme_list", _none), ("programme_coverage", _none), ("unit_list", _none), ("manage", _none),
        ("unit_detail", _unit("H1")), ("unit_children", _unit("H1")), ("unit_cadres", _unit("H1")),
        ("reports_dashboard", _none), ("reports_unit_dashboard", _unit("H1")),
        ("reports_unregistered", _unit("H1")), ("review_queue", _none), ("unit_audit", _unit("H1")),
        ("import_list", _none), ("cycle_list", _none),
    ],
    "staff": [
        ("reports_dashboard", _none), ("reports_unit_dashboard", lambda p: [p.tenant.slug, p.tenant.root_unit.code]),
        ("programme_list", _none), ("cycle_list", _none), ("unit_list", _none),
    ],
    "reviewer": [
        ("home", _none), ("inbox", _none), ("review_queue", _none), ("registration_list", _none),
    ],
    "cadre": [
        ("home", _none), ("registration_list", _none), ("activity_list", _none), ("notice_list", _none),
    ],
}


def persona_user(province: Province, persona: str):
    return {"manager": province.manager, "staff": province.staff, "reviewer": province.secretary.user,
            "cadre": province.cadre.user}[persona]


def page_cost(client, name, args) -> tuple[int, int]:
    """(queries, bytes) of one GET of the page."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name, args=args))
    assert response.status_code == 200, (name, response.status_code)
    return len(captured.captured_queries), len(response.content)
