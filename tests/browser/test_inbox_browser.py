"""A Bí thư clears their inbox on a 360 px phone, with the demo data: from the menu's
"Cần duyệt" to a registration (approve) and a self-assessment (propose), each gone from
the list afterwards and the count down."""

import re

import pytest
from playwright.sync_api import expect

from cadres.demo import DEMO_PASSWORD
from portal.demo import seed_demo
from tests.browser.conftest import menu_link

pytestmark = pytest.mark.browser


def waiting(page) -> int:
    """The count on the menu's inbox link."""
    return int(page.get_by_role("navigation", name="Menu chính").locator("a[href='/inbox/'] .badge").first.inner_text())


def item(page, kind: str):
    return page.locator(".inbox-list a").filter(has_text=kind).first


def test_a_bi_thu_clears_a_registration_and_a_self_assessment_from_the_inbox(transactional_db, page, log_in):
    seed_demo()
    log_in("bithu.angiang@example.com", DEMO_PASSWORD)
    start = waiting(page)
    expect(page.get_by_role("link", name=f"{start} việc chờ duyệt")).to_be_visible()

    menu_link(page, re.compile("Cần duyệt")).click()
    expect(page.get_by_role("heading", name=re.compile("Việc cần làm"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path="/tmp/browser-inbox.png", full_page=True)

    registration = item(page, "Bản đăng ký cần duyệt")
    name = registration.locator(".item-title").inner_text()
    registration.click()
    page.get_by_role("button", name="Duyệt").click()
    expect(page.get_by_text(f"Đã duyệt bản đăng ký của {name}.")).to_be_visible()
    assert waiting(page) == start - 1

    menu_link(page, re.compile("Cần duyệt")).click()
    expect(page.locator(".inbox-list a").filter(has_text=name).filter(has_text="Bản đăng ký")).to_have_count(0)
    assessment = item(page, "Bản tự đánh giá: đề xuất xếp loại")
    name = assessment.locator(".item-title").inner_text()
    assessment.click()
    page.get_by_role("button", name="Đề xuất mức này").click()
    expect(page.get_by_text("Đã đề xuất mức xếp loại.", exact=False)).to_be_visible()

    menu_link(page, re.compile("Cần duyệt")).click()
    mine = page.locator(".inbox-list a").filter(has_text=name)
    expect(mine.filter(has_text="đề xuất xếp loại")).to_have_count(0)
    # The Bí thư manages the chi đoàn: the proposal now waits for its committee's decision.
    expect(mine.filter(has_text="Xếp loại cần quyết định")).to_have_count(1)
    page.screenshot(path="/tmp/browser-inbox-after.png", full_page=True)
