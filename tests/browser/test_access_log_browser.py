"""Who viewed my file, on a 360 px phone: the huyện's Bí thư opens a cadre's profile and
downloads her registration's PDF; the cadre then logs in, follows "Ai đã xem hồ sơ của tôi"
from her profile and finds both reads, with the Bí thư's name and role."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_pages_browser import no_horizontal_overflow
from tests.cadres.factories import PASSWORD
from tests.evaluations.factories import approved_registration, world

pytestmark = pytest.mark.browser


def test_a_cadre_sees_the_managers_views_of_her_profile_and_pdf(transactional_db, page, log_in, browser,
                                                                 live_server):
    w = world()
    registration = approved_registration(w)
    manager_context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN",
                                          base_url=live_server.url, accept_downloads=True)
    manager = manager_context.new_page()
    manager.goto("/accounts/login/")
    manager.fill("input[name=login]", w.g1_secretary.user.email)
    manager.fill("input[name=password]", PASSWORD)
    manager.press("input[name=password]", "Enter")
    manager.wait_for_url(lambda url: "/accounts/login/" not in url)
    manager.goto(f"/cadres/{w.member.pk}/")
    expect(manager.get_by_role("heading", name="Hồ sơ")).to_be_visible()
    expect(manager.get_by_text("Trần Thị Mai").first).to_be_visible()
    manager.goto(f"/evaluations/registrations/{registration.pk}/")
    with manager.expect_download() as download:
        manager.get_by_role("link", name="Tải PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    manager_context.close()

    log_in(w.member.user.email, PASSWORD)
    page.goto("/me/")
    page.get_by_role("link", name="Ai đã xem hồ sơ của tôi").click()
    expect(page.get_by_role("heading", name="Ai đã xem hồ sơ của tôi")).to_be_visible()
    rows = page.locator("table.access-log tbody tr")
    expect(rows).to_have_count(3)  # the profile, the form page, its PDF
    for row, what in zip(rows.all(), ["Bản PDF của biểu mẫu", "Biểu mẫu", "Hồ sơ"], strict=True):
        expect(row).to_contain_text(what)
        expect(row).to_contain_text("Võ Minh Tâm")
        expect(row).to_contain_text("Bí thư – Đoàn xã Mỹ Hội Đông")
    assert no_horizontal_overflow(page)
    page.screenshot(path="/tmp/browser-access-log.png", full_page=True)
