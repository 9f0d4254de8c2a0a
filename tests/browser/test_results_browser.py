"""Results for every kind on a 360×740 phone: a yes/no criterion and a prohibition are radio
groups inside their criterion's fieldset, saved on the tap; the error summary's link puts
the focus on the first radio; the progress line states from when the log counts."""

import re

import pytest
from playwright.sync_api import expect

from evaluations.models import CommitmentResult
from evaluations.services.assessments import self_assessment_start
from tests.browser.test_evaluations_browser import no_horizontal_overflow, sign_in
from tests.evaluations.factories import ALCOHOL, HOURS, UNIFORM, WITH_OUTCOMES, approved_registration, world

pytestmark = pytest.mark.browser


@pytest.fixture
def w(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return world(groups=WITH_OUTCOMES)


def test_outcomes_are_radios_saved_on_the_tap_and_reached_from_the_error_summary(w, page, tmp_path):
    form = self_assessment_start(registration=approved_registration(w), acting_user=w.member.user)
    sign_in(page, w.member.user.email)
    page.goto(f"/evaluations/self-assessments/{form.pk}/edit/")
    expect(page.get_by_role("group", name=HOURS)).to_contain_text("tính từ 01/01/")

    page.get_by_role("button", name=re.compile("Nộp")).click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name=re.compile(UNIFORM)).click()
    uniform = page.get_by_role("group", name=UNIFORM)
    expect(uniform.get_by_role("radio", name="Đạt", exact=True)).to_be_focused()

    uniform.get_by_role("radio", name="Đạt", exact=True).check()
    box = f"#st-f-result-{w.criteria[UNIFORM].pk}-outcome"
    expect(page.locator(box)).to_contain_text(re.compile(r"Đã lưu lúc \d\d:\d\d"), timeout=15_000)
    alcohol = page.get_by_role("group", name=ALCOHOL)
    alcohol.get_by_role("radio", name="Vi phạm").check()
    expect(page.locator(f"#st-f-result-{w.criteria[ALCOHOL].pk}-outcome")).to_contain_text(
        re.compile(r"Đã lưu lúc"), timeout=15_000)
    page.screenshot(path=tmp_path / "outcomes.png", full_page=True)
    assert no_horizontal_overflow(page)

    page.reload()
    expect(page.get_by_role("group", name=UNIFORM).get_by_role("radio", name="Đạt", exact=True)).to_be_checked()
    outcomes = dict(CommitmentResult.objects.filter(self_assessment=form)
                    .values_list("commitment__criterion__title", "outcome"))
    assert outcomes[UNIFORM] == "met" and outcomes[ALCOHOL] == "broken"
