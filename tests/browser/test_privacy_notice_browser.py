"""The privacy notice stands before the app, on a 360 px phone: a cadre who never answered it
logs in, lands on the notice instead of the home page, cannot reach her profile by its address,
accepts, and is sent on; the next login goes straight in."""

import pytest
from playwright.sync_api import expect

from cadres.models import Consent, PositionRole
from tests.browser.test_pages_browser import no_horizontal_overflow
from tests.cadres.factories import PASSWORD, CadreFactory
from tests.evaluations.factories import world

pytestmark = pytest.mark.browser


def test_the_first_login_goes_through_the_notice(transactional_db, page, log_in):
    w = world()
    newcomer = CadreFactory(unit=w.b1, role=PositionRole.EXECUTIVE_MEMBER, full_name="Đinh Thị Mới",
                            email="dinh.moi@example.vn", consented_notice=False)
    log_in(newcomer.user.email, PASSWORD)
    expect(page.get_by_role("heading", name="Thông báo xử lý dữ liệu cá nhân")).to_be_visible()
    expect(page.get_by_text("Trước khi sử dụng ứng dụng")).to_be_visible()
    assert no_horizontal_overflow(page)
    page.screenshot(path="/tmp/browser-privacy-notice.png", full_page=True)

    page.goto("/me/")
    expect(page.get_by_role("heading", name="Thông báo xử lý dữ liệu cá nhân")).to_be_visible()
    assert "/privacy/?next=%2Fme%2F" in page.url
    assert not Consent.objects.filter(user=newcomer.user).exists()

    page.get_by_role("button", name="Tôi đã đọc thông báo và đồng ý").click()
    page.wait_for_url(lambda url: url.endswith("/me/"))
    expect(page.get_by_text("Đinh Thị Mới").first).to_be_visible()
    assert Consent.objects.filter(user=newcomer.user).count() == 1

    page.context.clear_cookies()
    log_in(newcomer.user.email, PASSWORD)
    assert "/privacy/" not in page.url
