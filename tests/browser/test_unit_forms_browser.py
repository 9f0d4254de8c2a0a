"""A chi đoàn's Bí thư registers their chi đoàn for "Chi đoàn 3 có" on a 360 px phone, in a
province that loaded seed 003: from the menu's "Mô hình của đơn vị", the register button,
the form filled in and submitted for the unit; the xã's Bí thư finds it in "Cần duyệt" and
approves it."""

import re

import pytest
from playwright.sync_api import expect

from evaluations.models import RegistrationState, UnitRegistration
from tests.browser.conftest import log_out, menu_link
from tests.cadres.factories import PASSWORD
from tests.seeds.tay_nguyen import tay_nguyen_world

pytestmark = pytest.mark.browser


def test_a_bi_thu_registers_their_chi_doan_through_the_menu(transactional_db, page, log_in):
    w = tay_nguyen_world()
    branch = w["branches"][0]
    log_in(w["secretaries"][branch.code].email, PASSWORD)
    menu_link(page, "Mô hình của đơn vị").click()
    page.get_by_role("button", name=f"Đăng ký {branch.name} thực hiện “Chi đoàn 3 có”").click()
    expect(page.get_by_role("heading", name=f"Bản đăng ký của {branch.name}")).to_be_visible()
    for box in page.locator("textarea[name^='text.']").all():
        box.fill("Kiện toàn Ban Chấp hành, phân công rõ người phụ trách")
    for box in page.locator("textarea[name^='measures.']").all():
        box.fill("Sinh hoạt chi đoàn ngày 5 hằng tháng tại nhà văn hóa thôn")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("button", name="Nộp thay mặt đơn vị").click()
    expect(page.get_by_text("Đã nộp lên Ban Thường vụ cấp trên.")).to_be_visible()
    page.screenshot(path="/tmp/browser-unit-registration.png", full_page=True)

    log_out(page)
    log_in(w["xa_secretary"].email, PASSWORD)
    menu_link(page, re.compile("Cần duyệt")).click()
    page.locator(".inbox-list a").filter(has_text=branch.name).first.click()
    page.get_by_role("button", name="Duyệt").click()
    expect(page.get_by_text("Đã duyệt.")).to_be_visible()
    assert UnitRegistration.objects.get(unit=branch).state == RegistrationState.APPROVED
