"""A huyện manager reorganises at a desk (1280 px): merges two chi đoàn, then splits a
đoàn cơ sở, each previewed before it is confirmed, everything reached through the menu and
the unit tree. Afterwards the 2025 dashboard still shows every unit involved as the year
was closed, and 2026 follows the new tree."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, menu_link
from tests.browser.test_pages_browser import no_horizontal_overflow
from tests.cadres import reorganise_world
from tests.cadres.factories import PASSWORD

pytestmark = pytest.mark.browser
DESK = {"width": 1280, "height": 900}


def _open_unit(page, *names: str) -> None:
    menu_link(page, "Quản lý").click()
    page.get_by_role("link", name=re.compile("^Đơn vị")).first.click()
    for name in names:
        page.get_by_role("link", name=re.compile(f"^{name}")).first.click()
    expect(page.get_by_role("heading", level=1, name=names[-1])).to_be_visible()


def _dashboard_row(page, name: str):
    return page.locator(".subunit-table tbody tr", has_text=name)


def test_a_huyen_manager_merges_and_splits_and_the_years_stay_apart(transactional_db, page, log_in):
    w = reorganise_world.build()
    page.set_viewport_size(DESK)
    log_in(w["people"]["manager"].email, PASSWORD)

    # Merge Ấp 1 and Ấp 2 into a new chi đoàn.
    _open_unit(page, "Huyện Đoàn Hòa An", "Đoàn xã An Bình", "Chi đoàn Ấp 1")
    page.get_by_role("link", name="Hợp nhất đơn vị").click()
    page.get_by_label("Chi đoàn Ấp 2").check()
    page.get_by_label("một đơn vị mới").check()
    page.get_by_label("Mã đơn vị mới").fill("B12")
    page.get_by_label("Tên đơn vị mới").fill("Chi đoàn Ấp 1-2")
    page.get_by_role("button", name="Xem trước thay đổi").click()
    preview = page.get_by_role("region", name="Những thay đổi sẽ thực hiện")
    expect(preview).to_contain_text("3 cán bộ chuyển từ Chi đoàn Ấp 1 sang Chi đoàn Ấp 1-2.")
    expect(preview).to_contain_text("Biểu mẫu đang mở sẽ theo cán bộ (người duyệt đổi theo): 5")
    page.screenshot(path="/tmp/browser-units-merge-preview.png", full_page=True)
    preview.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_role("heading", level=1, name="Chi đoàn Ấp 1-2")).to_be_visible()
    expect(page.get_by_role("region", name="Lịch sử đơn vị")).to_contain_text(
        "Hợp nhất từ: Chi đoàn Ấp 1 (B1), Chi đoàn Ấp 2 (B2)")

    # Split Đoàn xã An Bình in two.
    page.get_by_role("navigation", name="Đơn vị cấp trên").get_by_role("link", name="Đoàn xã An Bình").click()
    page.get_by_role("link", name="Tách đơn vị").click()
    page.fill("input[name=part_1_code]", "X1A")
    page.fill("input[name=part_1_name]", "Đoàn xã An Bình A")
    page.fill("input[name=part_2_code]", "X1B")
    page.fill("input[name=part_2_name]", "Đoàn xã An Bình B")
    page.get_by_label("Chi đoàn Ấp 1-2").select_option(label="Đơn vị mới 1")
    page.get_by_label("Chi đoàn Ấp 3").select_option(label="Đơn vị mới 2")
    page.get_by_label("Trần Thị X1 Số 1").select_option(label="Đơn vị mới 1")
    page.get_by_role("button", name="Xem trước thay đổi").click()
    expect(page.get_by_role("alert")).to_contain_text("Hãy chọn đơn vị mới cho từng cán bộ; chưa xếp: Trần Thị X1 Số 2")
    page.get_by_label("Trần Thị X1 Số 2").select_option(label="Đơn vị mới 2")
    page.get_by_role("button", name="Xem trước thay đổi").click()
    preview = page.get_by_role("region", name="Những thay đổi sẽ thực hiện")
    expect(preview).to_contain_text("Tạo đơn vị mới Đoàn xã An Bình B (X1B, Đoàn cơ sở) trực thuộc Huyện Đoàn Hòa An.")
    page.screenshot(path="/tmp/browser-units-split-preview.png", full_page=True)
    preview.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_role("heading", level=1, name="Huyện Đoàn Hòa An")).to_be_visible()

    # The figures: 2025 as closed, 2026 by the new tree.
    menu_link(page, "Quản lý").click()
    page.get_by_role("link", name=re.compile("^Tiến độ và báo cáo")).click()
    expect(_dashboard_row(page, "Đoàn xã An Bình A")).to_contain_text("0/6 (0%)")
    expect(_dashboard_row(page, "Đoàn xã An Bình B")).to_contain_text("0/3 (0%)")
    expect(_dashboard_row(page, "Đoàn xã An Lạc")).to_contain_text("0/3 (0%)")
    page.get_by_label("Năm", exact=True).select_option("2025")
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_text("Số liệu đã khoá sổ, phiên bản 1")).to_be_visible()
    expect(page.locator(".subunit-table tbody tr")).to_have_count(2)
    expect(_dashboard_row(page, "Đoàn xã An Bình")).to_contain_text("9/9 (100%)")
    expect(_dashboard_row(page, "Đoàn xã An Lạc")).to_contain_text("3/3 (100%)")
    _dashboard_row(page, "Đoàn xã An Bình").get_by_role("link", name=re.compile("^Đoàn xã An Bình")).click()
    expect(_dashboard_row(page, "Chi đoàn Ấp 1")).to_contain_text("3/3 (100%)")
    expect(_dashboard_row(page, "Chi đoàn Ấp 2")).to_contain_text("2/2 (100%)")
    expect(_dashboard_row(page, "Chi đoàn Ấp 3")).to_contain_text("2/2 (100%)")
    page.screenshot(path="/tmp/browser-units-2025.png", full_page=True)

    # The same pages fit a phone.
    page.set_viewport_size(PHONE)
    _open_unit(page, "Huyện Đoàn Hòa An", "Đoàn xã An Bình A")
    page.get_by_role("link", name="Tách đơn vị").click()
    expect(page.get_by_role("heading", level=1, name="Tách đơn vị")).to_be_visible()
    assert no_horizontal_overflow(page)
