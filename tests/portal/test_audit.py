"""The audit trail: whose trail a row joins, who reads which trail, the page, its filters,
the Excel file, its cost, and a label for every action the services write."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cadres.actors import SYSTEM
from cadres.models import AuditEvent, JoinRequestStatus, PositionRole
from cadres.selectors import cadre_audit_events, filter_audit_events, unit_audit_events
from cadres.services.audit import audit_record
from cadres.services.imports import KINDS as IMPORT_KINDS
from cadres.services.people import cadre_update, position_create, position_end
from cadres.services.units import unit_update
from config.admin import LOG_ACTIONS
from evaluations.flows import ASSESSMENT_FLOW, REGISTRATION_FLOW, UNIT_ASSESSMENT_FLOW, UNIT_REGISTRATION_FLOW
from models_registry.services import PROGRAMME_FLOW
from portal.audit import ACTION_LABELS, action_label, describe
from reports.services.unit_reports import UNIT_REPORT_FLOW
from tests.cadres.factories import CadreFactory, GrantFactory, UserFactory, province_pair
from tests.cadres.test_pages import text

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def world():
    """Tỉnh A: D1 → G1 → B1 and D2 → G2; tỉnh B. `boss` manages D1 (Bí thư there), `staff`
    is the province's staff; Hân holds a position in B1 and one in G2."""
    world = province_pair()
    boss = CadreFactory(unit=world["d1"], role=PositionRole.SECRETARY, full_name="Lê Minh Tuấn")
    staff = UserFactory(full_name="Trần Thị Ngọc Hân")
    GrantFactory(user=staff, unit=world["root"], role="provincial_staff")
    han = CadreFactory(unit=world["b1"], full_name="Võ Thị Hân")
    position_create(cadre=han, unit=world["g2"], role=PositionRole.EXECUTIVE_MEMBER, acting_user=staff,
                    start_date=datetime.date(2020, 1, 1))
    foreign_cadre = CadreFactory(unit=world["foreign"])
    return dict(world, boss=boss.user, staff=staff, han=han, foreign_cadre=foreign_cadre,
                before=AuditEvent.objects.latest("id").pk)


def trail(unit, after: int = 0):
    return list(unit_audit_events(unit).filter(pk__gt=after).values_list("action", "object_id"))


# --- Whose trail a row joins ---------------------------------------------------------------

def test_a_row_names_the_unit_it_happened_in_and_the_cadre_it_is_about(world):
    han = world["han"]
    position = position_create(cadre=han, unit=world["g1"], role=PositionRole.DEPUTY_SECRETARY, acting_user=world["boss"])
    row = AuditEvent.objects.get(action="position.create", object_id=str(position.pk))
    assert (row.unit, row.cadre) == (world["g1"], han)
    cadre_update(cadre=han, phone="0987654321", acting_user=world["boss"])
    assert AuditEvent.objects.filter(action="cadre.update", unit__isnull=True, cadre=han).exists()
    unit_update(unit=world["b1"], name="Chi đoàn Ấp Một", level=world["b1"].level, acting_user=world["boss"])
    assert AuditEvent.objects.get(action="unit.update").unit == world["b1"]
    # An object that points at neither (a cycle) says whose row it is.
    tenant = world["root"].tenant
    tenant_row = audit_record(actor=None, action="cycle.deadline_set", obj=tenant, tenant=tenant, unit=world["g1"])
    assert (tenant_row.unit, tenant_row.cadre, tenant_row.tenant_id) == (world["g1"], None, world["root"].tenant_id)


def test_a_units_trail_is_its_subtree_and_its_cadres_while_they_were_there(world):
    han, boss = world["han"], world["boss"]
    unit_update(unit=world["b1"], name="Chi đoàn Ấp Một", level=world["b1"].level, acting_user=boss)
    unit_update(unit=world["g2"], name="Đoàn xã Bên Kia", level=world["g2"].level, acting_user=SYSTEM)
    cadre_update(cadre=han, ethnicity="Khmer", acting_user=boss)
    foreign = world["foreign"]
    unit_update(unit=foreign, name="Huyện Đoàn Lạ", level=foreign.level, acting_user=SYSTEM)

    after = world["before"]
    assert set(trail(world["d1"], after)) == {("unit.update", str(world["b1"].pk)), ("cadre.update", str(han.pk))}
    # Hân's position in G2 was recorded there; her profile is hers wherever she holds one.
    assert set(trail(world["d2"], after)) == {("unit.update", str(world["g2"].pk)), ("cadre.update", str(han.pk))}
    assert ("position.create", str(han.positions.get(unit=world["g2"]).pk)) in trail(world["d2"])
    # The root's trail is the tenant's, with rows of the tenant itself; never another tenant's.
    root_trail = trail(world["root"])
    assert ("tenant.create", str(world["root"].tenant_id)) in root_trail
    assert ("unit.update", str(foreign.pk)) not in root_trail and len(trail(world["root"], after)) == 3


def test_a_cadres_profile_changes_after_they_left_stay_out_of_the_units_trail(world):
    han = world["han"]
    position = han.positions.get(unit=world["b1"])
    position_end(position=position, end_date=timezone.localdate() - datetime.timedelta(days=1), acting_user=SYSTEM)
    cadre_update(cadre=han, job_title="Giáo viên", acting_user=SYSTEM)
    assert ("cadre.update", str(han.pk)) not in trail(world["d1"])
    assert ("cadre.update", str(han.pk)) in trail(world["d2"])


def test_a_cadres_trail_shows_a_manager_only_the_rows_of_units_they_manage(world):
    han, boss = world["han"], world["boss"]
    cadre_update(cadre=han, ethnicity="Khmer", acting_user=boss)
    position_create(cadre=han, unit=world["g1"], role=PositionRole.DEPUTY_SECRETARY, acting_user=boss)
    seen_by_boss = {action for action, _id in cadre_audit_events(boss, han).values_list("action", "object_id")}
    assert seen_by_boss == {"cadre.create", "cadre.update", "position.create"}
    assert cadre_audit_events(boss, han).filter(unit=world["g2"]).count() == 0
    assert cadre_audit_events(world["staff"], han).filter(unit=world["g2"]).count() == 1


def test_the_trail_filters_by_action_and_by_local_days(world):
    boss = world["boss"]
    unit_update(unit=world["g1"], name="Đoàn xã Mới", level=world["g1"].level, acting_user=boss)
    cadre_update(cadre=world["han"], ethnicity="Chăm", acting_user=boss)
    old = AuditEvent.objects.get(action="unit.update")
    # 23:30 on 31/12/2025 in Việt Nam is still 31/12 there, not the UTC 1/1.
    AuditEvent.objects.filter(pk=old.pk).update(
        created_at=datetime.datetime(2025, 12, 31, 16, 30, tzinfo=datetime.UTC))
    events = unit_audit_events(world["d1"]).filter(pk__gt=world["before"])
    assert [e.action for e in filter_audit_events(events, action="unit.update")] == ["unit.update"]
    assert list(filter_audit_events(events, since=datetime.date(2026, 1, 1)).values_list("action", flat=True)) == [
        "cadre.update"]
    day = datetime.date(2025, 12, 31)
    assert [e.pk for e in filter_audit_events(events, since=day, until=day)] == [old.pk]


# --- What a row says -----------------------------------------------------------------------

def test_rows_read_in_vietnamese_with_before_and_after(world):
    boss = world["boss"]
    unit_update(unit=world["g1"], name="Đoàn xã Mới", level="inter_branch", acting_user=boss)
    cadre_update(cadre=world["han"], is_party_member=True, birth_date=datetime.date(1996, 3, 9), acting_user=boss)
    lines = {str(change) for event in AuditEvent.objects.filter(action__in=["unit.update", "cadre.update"])
             for change in describe(event)}
    assert "Tên: Đoàn xã Mỹ Hội Đông → Đoàn xã Mới" in lines
    assert "Cấp: Đoàn cơ sở → Liên chi đoàn" in lines
    assert "Đảng viên: Không → Có" in lines
    assert "Ngày sinh: 17/05/1995 → 09/03/1996" in lines
    assert action_label("unit.update") == "Thay đổi thông tin đơn vị"
    assert action_label("unit.merge_of_the_future") == "unit.merge_of_the_future"


def test_a_transition_reads_as_its_states(world):
    event = audit_record(actor=None, action="unit_report.return", obj=world["g1"], data={"from": "submitted",
                                                                                       "to": "returned"})
    event.object_type = "reports.unitreport"
    assert [str(change) for change in describe(event)] == ["Trạng thái: Đã nộp → Bị trả lại để sửa"]


def _literal_actions() -> set[str]:
    """Action codes written as literals in audit_record calls anywhere in the apps."""
    found: set[str] = set()
    for package in ("cadres", "models_registry", "evaluations", "reports", "portal"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            found |= set(re.findall(r'audit_record\([^()]*?action="([a-z_.]+)"', path.read_text(), re.S))
    return found


def test_every_action_the_code_writes_has_a_vietnamese_label():
    written = _literal_actions()
    for flow in (REGISTRATION_FLOW, ASSESSMENT_FLOW, UNIT_REPORT_FLOW, PROGRAMME_FLOW, UNIT_REGISTRATION_FLOW,
                 UNIT_ASSESSMENT_FLOW):
        for name, step in flow.steps.items():
            # A cadre's "edit" is checked per field, never taken; a unit's form saves through it.
            if name != "edit" or flow in (UNIT_REGISTRATION_FLOW, UNIT_ASSESSMENT_FLOW):
                written |= {f"{flow.name}.{name}", *(f"{flow.name}.{again}" for again in step.recorded_as.values())}
    written |= {f"join_request.{status}" for status in JoinRequestStatus.values if status != "pending"}
    written |= {f"import.{kind}" for kind in IMPORT_KINDS}
    written |= set(LOG_ACTIONS.values())
    assert len(written) > 60
    assert sorted(written - set(ACTION_LABELS)) == []


# --- The pages -----------------------------------------------------------------------------

def unit_trail_url(unit, name="unit_audit"):
    return reverse(name, args=[unit.tenant.slug, unit.code])


def page(client, user, url):
    client.force_login(user)
    return client.get(url)


def rows_text(response) -> str:
    """The words of the trail's table alone (the filter lists every action's label too)."""
    html = response.content.decode()
    table = html[html.find("<table"):html.find("</table>")] if "<table" in html else ""
    return " ".join(re.sub(r"<[^>]+>", " ", table).split())


@pytest.mark.parametrize("persona, unit, status", [
    ("boss", "d1", 200),
    ("boss", "b1", 200),
    ("boss", "d2", 404),  # a sibling subtree
    ("boss", "root", 404),  # above the managed unit
    ("boss", "foreign", 404),  # another tenant's unit
    ("staff", "root", 200),
    ("staff", "g2", 200),
    ("staff", "foreign", 404),
    ("han", "b1", 404),  # a member, not a manager
])
def test_who_reads_a_units_trail(client, world, persona, unit, status):
    user = world[persona].user if persona == "han" else world[persona]
    assert page(client, user, unit_trail_url(world[unit])).status_code == status
    assert page(client, user, unit_trail_url(world[unit], "unit_audit_export")).status_code == status


@pytest.mark.parametrize("persona, cadre, status", [
    ("boss", "han", 200),
    ("staff", "han", 200),
    ("boss", "foreign_cadre", 404),  # a cadre of another tenant
    ("staff", "foreign_cadre", 404),
    ("han", "han", 404),  # the trail is for the managers of one's units
])
def test_who_reads_a_cadres_trail(client, world, persona, cadre, status):
    user = world[persona].user if persona == "han" else world[persona]
    for name in ("cadre_audit", "cadre_audit_export"):
        assert page(client, user, reverse(name, args=[world[cadre].pk])).status_code == status


def test_the_unit_page_shows_who_did_what_when_before_and_after(client, world):
    unit_update(unit=world["g1"], name="Đoàn xã Mới", level=world["g1"].level, acting_user=world["boss"])
    response = page(client, world["boss"], unit_trail_url(world["d1"]))
    assert "Nhật ký thao tác của Huyện Đoàn Một" in text(response)
    words = rows_text(response)
    assert "Thay đổi thông tin đơn vị" in words and "Lê Minh Tuấn" in words
    assert "Tên: Đoàn xã Mỹ Hội Đông → Đoàn xã Mới" in words
    assert "Đơn vị · Đoàn xã Mới" in words
    assert timezone.localdate().strftime("%d/%m/%Y") in words
    assert "Tạo tỉnh/thành đoàn" not in words


def test_the_cadre_page_shows_their_trail(client, world):
    cadre_update(cadre=world["han"], ethnicity="Khmer", acting_user=world["staff"])
    response = page(client, world["boss"], reverse("cadre_audit", args=[world["han"].pk]))
    assert "Nhật ký thao tác của Võ Thị Hân" in text(response)
    words = rows_text(response)
    assert "Thay đổi hồ sơ cán bộ" in words and "Dân tộc: — → Khmer" in words and "Trần Thị Ngọc Hân" in words
    # Her position in G2 is outside what the Bí thư of D1 manages.
    assert "Đoàn xã Khác" not in words


def test_filters_narrow_the_list_and_bad_input_is_told_in_vietnamese(client, world):
    boss, url = world["boss"], unit_trail_url(world["d1"])
    unit_update(unit=world["g1"], name="Đoàn xã Mới", level=world["g1"].level, acting_user=boss)
    cadre_update(cadre=world["han"], ethnicity="Khmer", acting_user=boss)
    words = rows_text(page(client, boss, f"{url}?action=cadre.update"))
    assert "Thay đổi hồ sơ cán bộ" in words and "Đoàn xã Mới" not in words
    today = timezone.localdate()
    assert "Không có thao tác nào khớp với bộ lọc." in text(
        client.get(f"{url}?since={today + datetime.timedelta(days=1):%d/%m/%Y}"))
    assert "Thay đổi hồ sơ cán bộ" in rows_text(client.get(f"{url}?since={today:%d/%m/%Y}&until={today:%Y-%m-%d}"))
    for query, message in [("since=31/02/2026", "Hãy nhập ngày theo dạng dd/mm/yyyy."),
                           ("since=2026-02-01&until=2026-01-01", "Ngày kết thúc đứng trước ngày bắt đầu."),
                           ("action=bogus", "Hãy chọn một thao tác trong danh sách.")]:
        for target in (url, unit_trail_url(world["d1"], "unit_audit_export")):
            response = client.get(f"{target}?{query}")
            assert response.status_code == 200 and message in text(response)
            assert response.context["page"] is None and rows_text(response) == ""


def _many_events(world, n: int) -> None:
    for i in range(n):
        cadre_update(cadre=world["han"], job_title=f"Công việc {i}", acting_user=world["boss"])
        unit_update(unit=world["g1"], name=f"Đoàn xã {i}", level=world["g1"].level, acting_user=world["staff"])


def test_the_list_is_paginated(client, world):
    _many_events(world, 30)
    url = unit_trail_url(world["d1"])
    first = page(client, world["boss"], f"{url}?action=unit.update")
    assert rows_text(first).count("Thay đổi thông tin đơn vị") == 30
    everything = client.get(url)
    assert everything.context["page"].paginator.num_pages == 2
    assert len(everything.context["rows"]) == 50
    assert "Trang 1 / 2" in text(everything)


def test_the_list_costs_the_same_queries_whatever_the_number_of_rows(client, world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world["boss"])
    url = unit_trail_url(world["d1"])
    counts = []
    for n in (2, 40):
        _many_events(world, n)
        # 13 with the menu's counts of the inbox (the newest audit row, then the count unless kept:
        # registrations, then the other kinds when they fall short) and of unread notices, on
        # every page a manager opens; 6 more for the access record of the cadres the rows name
        # (the viewer's role, then the record and its subjects in a savepoint).
        with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(19):
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_excel_file_holds_the_filtered_rows_in_vietnamese(client, world):
    unit_update(unit=world["g1"], name="=Đoàn xã Mới", level=world["g1"].level, acting_user=world["boss"])
    cadre_update(cadre=world["han"], ethnicity="Khmer", acting_user=world["boss"])
    response = page(client, world["boss"], unit_trail_url(world["d1"], "unit_audit_export") + "?action=unit.update")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="nhat-ky-D1.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Thời gian", "Người thực hiện", "Thao tác", "Đối tượng", "Nội dung thay đổi"]
    assert len(rows) == 2
    when, actor, action, about, changes = rows[1]
    assert (actor, action, about) == ("Lê Minh Tuấn", "Thay đổi thông tin đơn vị", "Đơn vị · =Đoàn xã Mới")
    assert changes == "Tên: Đoàn xã Mỹ Hội Đông → =Đoàn xã Mới"
    assert when.startswith(timezone.localdate().strftime("%d/%m/%Y"))


def test_the_trails_are_reached_from_the_menus(client, world):
    boss = world["boss"]
    d1_trail, han_trail = unit_trail_url(world["d1"]), reverse("cadre_audit", args=[world["han"].pk])
    unit_page = page(client, boss, reverse("unit_detail", args=["a", "D1"])).content.decode()
    assert f'href="{d1_trail}"' in unit_page
    assert f'href="{han_trail}"' in client.get(reverse("cadre_detail", args=[world["han"].pk])).content.decode()
    assert f'href="{d1_trail}"' in client.get(reverse("manage")).content.decode()
    assert client.get(d1_trail).status_code == 200 and client.get(han_trail).status_code == 200
    staff_hub = page(client, world["staff"], reverse("manage")).content.decode()
    assert f'href="{unit_trail_url(world["root"])}"' in staff_hub
    # Without managing her, no link: a member's own page has none.
    assert han_trail not in page(client, world["han"].user, reverse("cadre_detail", args=[world["han"].pk])
                                 ).content.decode()
