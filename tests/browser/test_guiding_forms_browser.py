"""Forms that guide on a 360×740 phone (issue 11, item 10): after an invalid submission the
error summary has the focus and the title says "Lỗi:"; a link in it puts the focus in its
field; the self-assessment's save status says when it saved."""

import re

import pytest
from playwright.sync_api import expect

from evaluations.services.assessments import self_assessment_start
from evaluations.services.registrations import registration_start
from tests.browser.test_evaluations_browser import no_horizontal_overflow, sign_in
from tests.evaluations.factories import RESPONSIBILITY, approved_registration, world

pytestmark = pytest.mark.browser


@pytest.fixture
def w(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return world()


def test_the_error_summary_takes_the_focus_and_links_to_each_field(w, page, tmp_path):
    registration = registration_start(cycle=w.cycle, programme=w.programme, cadre=w.deputy, acting_user=w.deputy.user)
    sign_in(page, w.deputy.user.email)
    page.goto(f"/evaluations/registrations/{registration.pk}/edit/")
    page.get_by_role("button", name="Nộp để duyệt").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    assert page.title().startswith("Lỗi:")
    page.screenshot(path=tmp_path / "registration-errors.png", full_page=True)
    assert no_horizontal_overflow(page)
    summary.get_by_role("link", name=re.compile(RESPONSIBILITY)).first.click()
    expect(page.locator(f"#f-commitment-{w.criteria[RESPONSIBILITY].pk}-text")).to_be_focused()
    expect(page.get_by_role("group", name=RESPONSIBILITY)).to_be_visible()  # the criterion's fieldset

    form = self_assessment_start(registration=approved_registration(w), acting_user=w.member.user)
    page.context.clear_cookies()
    sign_in(page, w.member.user.email)
    page.goto(f"/evaluations/self-assessments/{form.pk}/edit/")
    page.fill("#f-strengths", "Nhiệt tình")
    expect(page.locator("#st-f-strengths")).to_contain_text(re.compile(r"Đã lưu lúc \d\d:\d\d"), timeout=15_000)
    page.screenshot(path=tmp_path / "self-assessment.png", full_page=True)
    assert no_horizontal_overflow(page)
