"""Help on a 360 px phone: a cadre taps "Trợ giúp" in the menu, reaches their page, and
finds the same advice as one-line hints on the registration form."""

import pytest
from playwright.sync_api import expect

from evaluations.services.registrations import registration_start
from tests.browser.conftest import menu_link
from tests.cadres.factories import PASSWORD
from tests.evaluations.factories import RESPONSIBILITY, WITH_OUTCOMES, world

pytestmark = pytest.mark.browser


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_cadre_finds_help_from_the_menu_and_hints_on_the_form(page, log_in, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = world(groups=WITH_OUTCOMES)
    registration = registration_start(cycle=w.cycle, programme=w.programme, cadre=w.member, acting_user=w.member.user)
    log_in(w.member.user.email, PASSWORD)
    menu_link(page, "Trợ giúp").click()
    expect(page.get_by_role("heading", name="Dành cho bạn")).to_be_visible()
    page.get_by_role("main").get_by_role("link", name="Cán bộ Đoàn").click()
    expect(page.get_by_role("heading", name="Thế nào là một cam kết tốt?")).to_be_visible()
    assert no_horizontal_overflow(page)

    page.goto(f"/evaluations/registrations/{registration.pk}/edit/")
    pk = w.criteria[RESPONSIBILITY].pk
    field = page.locator(f"#f-commitment-{pk}-text")
    expect(page.locator(f"#criterion-{pk}")).to_contain_text("Hướng dẫn của mô hình: Hoàn thành nhiệm vụ được giao")
    description = field.evaluate("e => e.getAttribute('aria-describedby')")
    assert f"guidance-{pk}" in description.split()
    expect(page.locator(f"#f-commitment-{pk}-text-help")).to_have_text(
        "Cam kết tốt cụ thể hoá hướng dẫn trên thành việc của bạn: làm gì, khi nào, đến mức nào, để cuối năm kiểm "
        "chứng được.")
    assert no_horizontal_overflow(page)
