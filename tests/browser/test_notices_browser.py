"""On a 360 px phone, with the demo data: a Bí thư follows the menu's notice badge to the
list, opens a notice of a registration handed to them, approves it there; the cadre is told,
in the app and by email, and finds the notice in their own list."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from cadres.demo import DEMO_PASSWORD
from cadres.models import Notice
from evaluations.models import Registration
from portal.demo import seed_demo
from tests.browser.conftest import log_out, menu_link, unread_notices

pytestmark = pytest.mark.browser


def test_a_notice_leads_to_the_form_and_the_decision_tells_the_cadre(transactional_db, page, log_in):
    seed_demo()
    log_in("bithu.angiang@example.com", DEMO_PASSWORD)
    start = unread_notices(page)
    assert start > 0
    menu_link(page, re.compile("Thông báo")).click()
    expect(page.get_by_role("heading", name=re.compile("Thông báo"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path="/tmp/browser-notices.png", full_page=True)

    # A notice of a registration the demo left waiting for this Bí thư (some handed over were approved since).
    waiting = next(registration for registration in Registration.objects.filter(state="submitted", previous=None)
                   .select_related("cadre__user") if Notice.objects.filter(
                       recipient__email="bithu.angiang@example.com", link=f"/evaluations/registrations/{registration.pk}/"))
    name = waiting.cadre.full_name
    page.locator(".notice-list li.is-unread a").filter(has_text=f"Bản đăng ký chờ duyệt: {name}").first.click()
    expect(page).to_have_url(re.compile(rf"/evaluations/registrations/{waiting.pk}/$"))
    assert unread_notices(page) == start - 1
    page.get_by_role("button", name="Duyệt").click()
    expect(page.get_by_text(f"Đã duyệt bản đăng ký của {name}.")).to_be_visible()
    [email] = [m for m in mail.outbox if m.to == [waiting.cadre.user.email]]
    assert email.subject.startswith("Bản đăng ký của bạn đã được duyệt")
    assert f"/evaluations/registrations/{waiting.pk}/" in email.body

    menu_link(page, re.compile("Thông báo")).click()
    page.get_by_role("button", name="Đánh dấu tất cả là đã đọc").click()
    expect(page.locator(".notice-list li.is-unread")).to_have_count(0)
    assert unread_notices(page) == 0

    # The cadre finds it in their own list.
    log_out(page)
    log_in(waiting.cadre.user.email, DEMO_PASSWORD)
    menu_link(page, re.compile("Thông báo")).click()
    expect(page.locator(".notice-list li.is-unread").filter(has_text="Bản đăng ký của bạn đã được duyệt")).to_have_count(1)
