"""The audit trail on a 360 px phone, with the demo data: a huyện manager opens it from the
managers' hub, narrows it to one kind of action and reads a row's before → after."""

import re

import pytest
from playwright.sync_api import expect

from cadres.actors import SYSTEM
from cadres.demo import DEMO_PASSWORD
from cadres.models import Unit
from cadres.services.units import unit_update
from portal.demo import seed_demo
from tests.browser.conftest import menu_link
from tests.browser.test_pages_browser import no_horizontal_overflow

pytestmark = pytest.mark.browser


def test_a_huyen_manager_reads_the_audit_trail_on_a_phone(transactional_db, page, log_in):
    seed_demo()
    commune = Unit.objects.get(code="CM-X01")
    old_name = commune.name
    unit_update(unit=commune, name=f"{old_name} (mới)", level=commune.level, sector=commune.sector, acting_user=SYSTEM)
    log_in("huyen.angiang@example.com", DEMO_PASSWORD)
    menu_link(page, "Quản lý").click()
    page.get_by_role("link", name=re.compile("^Nhật ký thao tác")).click()
    expect(page.get_by_role("heading", name="Nhật ký thao tác của Huyện Đoàn Chợ Mới")).to_be_visible()
    assert no_horizontal_overflow(page)

    page.get_by_label("Thao tác").select_option(label="Thay đổi thông tin đơn vị")
    page.get_by_role("button", name="Lọc").click()
    rows = page.locator("table.audit-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"Tên: {old_name} → {old_name} (mới)")
    expect(rows.first).to_contain_text("Hệ thống")
    assert no_horizontal_overflow(page)
    page.screenshot(path="/tmp/browser-audit-filtered.png", full_page=True)

    page.goto(page.url.split("?")[0] + "?since=31/02/2026")
    expect(page.get_by_text("Hãy nhập ngày theo dạng dd/mm/yyyy.")).to_be_visible()
    page.goto(page.url.split("?")[0])
    page.screenshot(path="/tmp/browser-audit.png", full_page=False)
    assert no_horizontal_overflow(page)
