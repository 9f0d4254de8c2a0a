"""A sáng kiến on a 360×740 phone: the cadre records it and sees "Chờ công nhận"; their
Bí thư opens the cadre's self-assessment, taps "Công nhận", enters the decision and
recognises it; the cadre's list then shows it recognised with the decision. Screenshots
of both views go to /tmp/shots-initiative/."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from evaluations.models import Initiative
from evaluations.services.assessments import self_assessment_start
from tests.browser.conftest import PHONE
from tests.browser.test_evaluations_browser import no_horizontal_overflow, sign_in
from tests.evaluations.factories import YEAR, approved_registration, world

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots-initiative")
TODAY = timezone.localdate()
DAY = datetime.date(YEAR, 1, 5) if TODAY >= datetime.date(YEAR, 1, 5) else TODAY


@pytest.fixture
def w(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return world()


def test_the_cadre_claims_it_and_the_reviewer_recognises_it(w, page, browser, live_server):
    SHOTS.mkdir(exist_ok=True)
    form = self_assessment_start(registration=approved_registration(w), acting_user=w.member.user)
    cadre = page
    sign_in(cadre, w.member.user.email)
    cadre.goto("/evaluations/initiatives/new/")
    cadre.fill("#id_title", "Sổ tay đoàn viên điện tử")
    cadre.fill("#id_recognised_by", "Huyện Đoàn Một")
    cadre.fill("#id_date", DAY.isoformat())
    cadre.locator("h1").click()
    cadre.get_by_role("button", name="Lưu").click()
    expect(cadre.get_by_text("Chờ công nhận")).to_be_visible()
    expect(cadre.get_by_text("Kê khai: được Huyện Đoàn Một công nhận")).to_be_visible()
    assert no_horizontal_overflow(cadre)
    cadre.locator("#initiatives-title").scroll_into_view_if_needed()
    cadre.screenshot(path=str(SHOTS / "1-cadre-pending.png"), full_page=True)
    initiative = Initiative.objects.get()

    context = browser.new_context(viewport=PHONE, locale="vi-VN", base_url=live_server.url)
    reviewer = context.new_page()
    sign_in(reviewer, w.secretary.user.email)
    reviewer.goto(f"/evaluations/self-assessments/{form.pk}/#initiatives")
    section = reviewer.locator("#initiatives")
    expect(section.get_by_text("Chờ công nhận")).to_be_visible()
    section.locator("summary").get_by_text("Công nhận", exact=True).click()
    prefix = f"#id_initiative-{initiative.pk}"
    expect(reviewer.locator(f"{prefix}-recognised_by")).to_have_value("Huyện Đoàn Một")
    reviewer.fill(f"{prefix}-recognised_by", "Ban Thường vụ Huyện Đoàn Một")
    reviewer.fill(f"{prefix}-decision_number", "15-QĐ/HĐT")
    reviewer.fill(f"{prefix}-decision_date", DAY.isoformat())
    assert no_horizontal_overflow(reviewer)
    section.screenshot(path=str(SHOTS / "2-reviewer-recognise-box.png"))
    reviewer.locator("h1").first.click()
    section.get_by_role("button", name="Công nhận sáng kiến").click()
    expect(reviewer.get_by_text("Đã công nhận sáng kiến; cán bộ đã được báo.")).to_be_visible()
    expect(reviewer.locator("#initiatives").get_by_text("quyết định số 15-QĐ/HĐT", exact=False)).to_be_visible()
    reviewer.locator("#initiatives").screenshot(path=str(SHOTS / "3-reviewer-recognised.png"))
    assert no_horizontal_overflow(reviewer)
    reviewer.screenshot(path=str(SHOTS / "3b-reviewer-page.png"), full_page=True)
    context.close()

    cadre.reload()
    expect(cadre.get_by_text("Đã công nhận", exact=True)).to_be_visible()
    expect(cadre.get_by_text("quyết định số 15-QĐ/HĐT", exact=False)).to_be_visible()
    cadre.screenshot(path=str(SHOTS / "4-cadre-recognised.png"), full_page=True)
    initiative.refresh_from_db()
    assert initiative.is_recognised and initiative.decided_by == w.secretary.user
