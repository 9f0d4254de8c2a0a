"""Fit for a 360×740 phone and a desk: the menu in one row with "Thêm" for the rest and
"Đăng xuất" apart; the page marked current as the person sees it; the reviewer's decision
reached from the top of the form, "Duyệt" and "Trả lại để sửa" apart; a field that takes
the focus is never under the bar stuck to the bottom."""

import re

import pytest
from playwright.sync_api import expect

from cadres.demo import DEMO_PASSWORD
from evaluations.demo import MY_HOA_MEMBERS
from evaluations.models import Registration, RegistrationState
from evaluations.services.assessments import self_assessment_start
from portal.demo import seed_demo
from tests.browser.test_evaluations_browser import sign_in
from tests.evaluations.factories import WITH_OUTCOMES, approved_registration, world

pytestmark = pytest.mark.browser


def menu_rows(page) -> int:
    """How many rows the menu's entries take."""
    return page.evaluate("""new Set([...document.querySelectorAll('.nav-row > li')]
        .filter(li => li.offsetParent !== null).map(li => li.getBoundingClientRect().top)).size""")


def test_the_menu_is_one_row_and_marks_the_page_as_the_reviewer_sees_it(transactional_db, page, log_in):
    seed_demo()
    for email in ["huyen.angiang@example.com", "tinh.angiang@example.com", "canbo.angiang@example.com"]:
        page.context.clear_cookies()
        log_in(email, DEMO_PASSWORD)
        assert menu_rows(page) == 1, email
        assert page.locator(".mainnav").bounding_box()["height"] <= 50

    page.context.clear_cookies()
    log_in("bithu.angiang@example.com", DEMO_PASSWORD)
    nav = page.get_by_role("navigation", name="Menu chính")
    assert menu_rows(page) == 1
    expect(nav.get_by_role("button", name="Đăng xuất")).to_be_hidden()
    nav.locator("details.nav-more > summary").click()
    more = nav.locator("details.nav-more > ul")
    expect(more.get_by_role("link", name="Trợ giúp")).to_be_visible()
    # "Đăng xuất" last, below a rule, apart from the content links.
    logout = more.get_by_role("button", name="Đăng xuất")
    expect(logout).to_be_visible()
    assert logout.bounding_box()["y"] > more.get_by_role("link", name="Trợ giúp").bounding_box()["y"]
    page.keyboard.press("Escape")
    expect(logout).to_be_hidden()

    # Someone else's form: "Cần duyệt" is the current entry, "Bản đăng ký" is not.
    waiting = Registration.objects.filter(state=RegistrationState.SUBMITTED, cadre__email__in=MY_HOA_MEMBERS).first()
    page.goto(f"/evaluations/registrations/{waiting.pk}/")
    expect(nav.get_by_role("link", name=re.compile("Cần duyệt"))).to_have_attribute("aria-current", "page")
    expect(nav.locator("a[aria-current=page]")).to_have_count(1)
    expect(nav.get_by_role("link", name="Bản đăng ký")).not_to_have_attribute("aria-current", "page")
    # Their own list: "Bản đăng ký" is.
    page.goto("/evaluations/registrations/")
    expect(nav.get_by_role("link", name="Bản đăng ký")).to_have_attribute("aria-current", "page")

    # The decision from the top of the form; "Duyệt" and "Trả lại để sửa" far apart.
    page.goto(f"/evaluations/registrations/{waiting.pk}/")
    page.get_by_role("link", name="Đến phần quyết định").click()
    approve = page.get_by_role("button", name="Duyệt", exact=True)
    give_back = page.get_by_role("button", name="Trả lại để sửa")
    expect(approve).to_be_in_viewport()
    a, b = approve.bounding_box(), give_back.bounding_box()
    assert b["y"] - (a["y"] + a["height"]) >= 24 and a["height"] >= 44 and b["height"] >= 44
    page.set_viewport_size({"width": 1280, "height": 800})
    a, b = approve.bounding_box(), give_back.bounding_box()
    assert b["x"] - (a["x"] + a["width"]) >= 200
    assert menu_rows(page) == 1


def test_a_focused_field_is_never_under_the_bar_stuck_to_the_bottom(transactional_db, settings, tmp_path, page):
    settings.MEDIA_ROOT = tmp_path
    w = world(groups=WITH_OUTCOMES)
    form = self_assessment_start(registration=approved_registration(w), acting_user=w.member.user)
    sign_in(page, w.member.user.email)
    page.goto(f"/evaluations/self-assessments/{form.pk}/edit/")
    bar = page.locator(".sticky-actions")
    expect(bar).to_be_visible()
    fields = page.locator("main textarea, main input:not([type=hidden]), main select")
    assert fields.count() > 3
    for index in range(fields.count()):
        field = fields.nth(index)
        if not field.is_visible():
            continue
        field.focus()
        box, top = field.bounding_box(), bar.bounding_box()["y"]
        if field.evaluate("el => el.closest('.sticky-actions') !== null"):
            continue
        assert box["y"] + min(box["height"], 44) <= top, f"field {index} is under the bar"
