"""The foundation pages in a real browser, on a 360 px phone screen, with the demo data."""

import re

import pytest
from playwright.sync_api import expect

from cadres.demo import DEMO_PASSWORD
from portal.demo import seed_demo
from tests.browser.conftest import menu_link

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    seed_demo()


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_cadre_logs_in_on_a_phone_and_sees_their_unit(demo, page, log_in):
    log_in("canbo.angiang@example.com", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Xin chào, Võ Văn Hậu")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Chi đoàn ấp Mỹ Hòa"))).to_be_visible()
    assert no_horizontal_overflow(page)
    # A plain cadre gets no manager menu.
    expect(page.get_by_role("navigation", name="Menu chính").get_by_role("link", name="Quản lý")).to_have_count(0)

    menu_link(page, "Hồ sơ của tôi").click()
    expect(page.get_by_role("heading", name="Hồ sơ và chức vụ của tôi")).to_be_visible()
    expect(page.locator("table.table")).to_contain_text("Chi đoàn ấp Mỹ Hòa")
    expect(page.locator("table.table")).to_contain_text("01/10/2022")
    assert no_horizontal_overflow(page)


def test_manager_expands_the_tree_lazily_and_searches_cadres(demo, page, log_in):
    log_in("huyen.angiang@example.com", DEMO_PASSWORD)
    menu_link(page, "Quản lý").click()
    page.get_by_role("link", name=re.compile("^Đơn vị Cây đơn vị")).click()
    expect(page.get_by_role("heading", name="Đơn vị", exact=True)).to_be_visible()

    # The root opens in place (htmx): the URL stays, the children appear under it.
    page.get_by_role("link", name="Xem các đơn vị trực thuộc Huyện Đoàn Chợ Mới").click()
    commune = page.get_by_role("link", name="Xem các đơn vị trực thuộc Đoàn xã Mỹ Hội Đông")
    expect(commune).to_be_visible()
    assert page.url.endswith("/units/")
    # And one level further down, still in place.
    commune.click()
    expect(page.get_by_role("link", name=re.compile("Chi đoàn ấp Mỹ Hòa"))).to_be_visible()
    expect(commune).to_have_attribute("aria-expanded", "true")
    assert page.url.endswith("/units/")
    assert no_horizontal_overflow(page)

    # Clicking the name itself opens the unit's page; from there, search its cadres.
    page.get_by_role("link", name=re.compile("^Huyện Đoàn Chợ Mới")).first.click()
    expect(page.get_by_role("heading", name="Huyện Đoàn Chợ Mới")).to_be_visible()
    page.get_by_label("Tìm cán bộ theo tên").fill("vo van hau")
    page.get_by_role("button", name="Tìm").click()
    expect(page.get_by_role("heading", name="Cán bộ của Huyện Đoàn Chợ Mới")).to_be_visible()
    rows = page.locator("table.table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Võ Văn Hậu")
    expect(rows.first).to_contain_text("Chi đoàn ấp Mỹ Hòa")
    assert no_horizontal_overflow(page)

    rows.first.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Võ Văn Hậu")).to_be_visible()
