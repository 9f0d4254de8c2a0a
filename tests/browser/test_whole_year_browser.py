"""Issue 11's "Done means": one whole year at 360×740, each person reaching every step from
the menu, their inbox and the notices only. The cadre registers and submits; the chi đoàn's
Bí thư returns it with a comment; the cadre fixes and resubmits; the Bí thư approves. The
cadre logs volunteer hours, answers the self-assessment (a yes/no criterion, a prohibition,
the quantitative actual pre-filled from the log) and submits; the Bí thư proposes a rating;
the chi đoàn's leadership (its Phó Bí thư, told as the BTV) finalises its ratings together
after the meeting. At each hand-off the one told finds the notice in their list, it leads
to the form, and an email with its link is in the outbox."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from evaluations.models import CommitmentResult, RatingMeeting, Registration, SelfAssessment
from tests.browser.conftest import PHONE, menu_link, unread_notices
from tests.browser.test_evaluations_browser import no_horizontal_overflow, sign_in
from tests.evaluations.factories import ALCOHOL, HOURS, UNIFORM, WITH_OUTCOMES, world

pytestmark = pytest.mark.browser


@pytest.fixture
def w(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return world(groups=WITH_OUTCOMES)


def menu(tab, name: str) -> None:
    """Follow a menu link and wait for the new page: the badge is read right after, and the
    page it was clicked on (its badge perhaps older) must be gone by then."""
    link = menu_link(tab, re.compile(name))
    with tab.expect_navigation():
        link.click()


def open_notice(tab, subject: str, leads_to: str) -> None:
    """From the menu's badge (on the home page, as the person comes back) to the notices list,
    then the unread notice: it leads to the form and is read."""
    menu(tab, "Trang chủ")
    before = unread_notices(tab)
    assert before > 0, subject
    menu(tab, "Thông báo")
    tab.locator(".notice-list li.is-unread a").filter(has_text=subject).first.click()
    expect(tab).to_have_url(re.compile(leads_to))
    assert unread_notices(tab) == before - 1


def emailed(user, subject: str, link: str, count: int = 1) -> str:
    """The outbox holds the notice's email to the person (`count` of them with the subject
    by now), its link in the body: the live server runs in this process, the email task
    eagerly after the commit."""
    mine = [m for m in mail.outbox if m.to == [user.email] and m.subject.startswith(subject)]
    assert len(mine) == count, (subject, [(m.to, m.subject) for m in mail.outbox])
    assert link in mine[-1].body
    return mine[-1].body


def saved(tab, field_id: str) -> None:
    expect(tab.locator(f"#st-{field_id}")).to_contain_text("Đã lưu", timeout=15_000)


def fill_saved(tab, field_id: str, value: str) -> None:
    tab.locator(f"#{field_id}").fill(value)
    saved(tab, field_id)


def leave_fields(tab) -> None:
    """The focus leaves the last field before a submit button is pressed (a Chromium click
    lost while the page moves under the pointer, issue 16)."""
    tab.locator("h1").click()


def test_the_whole_year_through_the_inbox_and_the_notices(w, page, browser, live_server):
    def person(user):
        context = browser.new_context(viewport=PHONE, locale="vi-VN", base_url=live_server.url)
        context.set_default_timeout(10_000)
        tab = context.new_page()
        sign_in(tab, user.email)
        return tab

    cadre, bithu, btv = page, person(w.secretary.user), person(w.deputy.user)
    sign_in(cadre, w.member.user.email)

    # The cadre registers from the menu and fills every box.
    menu(cadre, "Bản đăng ký")
    cadre.get_by_role("button", name="Đăng ký").click()
    expect(cadre.get_by_role("heading", name="Bản đăng ký (ĐKCT01)")).to_be_visible()
    registration = Registration.objects.get(cadre=w.member)
    for criterion in w.criteria.values():
        for part in ("text", "measures"):  # a yes/no criterion or a prohibition has no measures
            if cadre.locator(f"#f-commitment-{criterion.pk}-{part}").count():
                fill_saved(cadre, f"f-commitment-{criterion.pk}-{part}", f"{criterion.title}: {part}")
    fill_saved(cadre, f"f-commitment-{w.criteria[HOURS].pk}-target", "3")
    leave_fields(cadre)
    assert no_horizontal_overflow(cadre)
    cadre.get_by_role("button", name="Nộp để duyệt").click()
    expect(cadre.get_by_text("Bản đăng ký đã được nộp cho người duyệt.")).to_be_visible()

    # The Bí thư is told; the notice leads to it; they return it with a comment.
    link = f"/evaluations/registrations/{registration.pk}/"
    open_notice(bithu, "Bản đăng ký chờ duyệt: Trần Thị Mai", f"{link}$")
    emailed(w.secretary.user, "Bản đăng ký chờ duyệt: Trần Thị Mai", link)
    bithu.locator(f"#comment-{w.criteria[HOURS].pk}").fill("Ghi rõ giờ nào trong tuần")
    bithu.get_by_role("button", name="Trả lại để sửa").click()
    expect(bithu.get_by_text("Đã trả lại bản đăng ký của Trần Thị Mai")).to_be_visible()

    # The cadre follows the notice, fixes the criterion and resubmits.
    open_notice(cadre, "Bản đăng ký của bạn bị trả lại để sửa", link)
    emailed(w.member.user, "Bản đăng ký của bạn bị trả lại để sửa", link)
    cadre.get_by_role("link", name="Sửa và nộp lại").click()
    expect(cadre.locator(f"#criterion-{w.criteria[HOURS].pk} .reviewer-comment")).to_contain_text(
        "Ghi rõ giờ nào trong tuần")
    fill_saved(cadre, f"f-commitment-{w.criteria[HOURS].pk}-measures", "Sáng Chủ nhật 7–9 giờ tại ấp")
    leave_fields(cadre)
    cadre.get_by_role("button", name="Nộp lại").click()
    expect(cadre.get_by_text("Bản đăng ký đã được nộp cho người duyệt.")).to_be_visible()

    # The Bí thư is told again, reaches it from the inbox this time, sees the change and approves.
    menu(bithu, "Trang chủ")
    assert unread_notices(bithu) == 1
    expect(bithu.get_by_role("link", name="1 việc chờ duyệt")).to_be_visible()
    emailed(w.secretary.user, "Bản đăng ký chờ duyệt: Trần Thị Mai", link, count=2)
    menu(bithu, "Cần duyệt")
    bithu.locator(".inbox-list a").filter(has_text="Trần Thị Mai").filter(has_text="Bản đăng ký").click()
    expect(bithu.locator(".reg-diff ins")).to_contain_text("Sáng Chủ nhật 7–9 giờ tại ấp")
    bithu.get_by_role("button", name="Duyệt", exact=True).click()
    expect(bithu.get_by_text("Đã duyệt bản đăng ký của Trần Thị Mai.")).to_be_visible()
    assert Registration.objects.get(pk=registration.pk).state == "approved"

    # Approved: the cadre is told, logs volunteer hours, and starts the self-assessment.
    open_notice(cadre, "Bản đăng ký của bạn đã được duyệt", link)
    emailed(w.member.user, "Bản đăng ký của bạn đã được duyệt", link)
    menu(cadre, "Hoạt động")
    cadre.get_by_role("link", name="Ghi hoạt động").click()
    cadre.get_by_label("Bạn đã làm gì?").select_option(label="Giờ tình nguyện")
    cadre.get_by_label("Số giờ").fill("5.5")
    cadre.get_by_label("Mô tả").fill("Dọn vệ sinh kênh ấp")
    cadre.get_by_role("button", name="Lưu", exact=True).click()
    cadre.wait_for_url("**/activities/")

    menu(cadre, "Bản đăng ký")
    cadre.get_by_role("link", name="Xem").click()
    cadre.get_by_role("link", name="Bản tự kiểm điểm (KĐCT01)").click()
    cadre.get_by_role("button", name="Bắt đầu hoặc tiếp tục").click()
    assessment = SelfAssessment.objects.get(registration__cadre=w.member)
    hours = cadre.get_by_role("group", name=HOURS)
    expect(hours).to_contain_text("5,5 giờ/tuần, tính từ")
    for criterion in w.criteria.values():
        fill_saved(cadre, f"f-result-{criterion.pk}-result", f"Đã làm: {criterion.title}")
    cadre.get_by_role("group", name=UNIFORM).get_by_role("radio", name="Đạt", exact=True).check()
    saved(cadre, f"f-result-{w.criteria[UNIFORM].pk}-outcome")
    cadre.get_by_role("group", name=ALCOHOL).get_by_role("radio", name="Giữ đúng").check()
    saved(cadre, f"f-result-{w.criteria[ALCOHOL].pk}-outcome")
    fill_saved(cadre, "f-strengths", "Nhiệt tình, đúng giờ")
    fill_saved(cadre, "f-weaknesses", "Còn ngại phát biểu")
    cadre.locator("#f-self_rating").select_option("good")
    saved(cadre, "f-self_rating")
    leave_fields(cadre)
    assert no_horizontal_overflow(cadre)
    cadre.screenshot(path="/tmp/browser-year-assessment.png", full_page=True)
    cadre.get_by_role("button", name="Nộp để duyệt").click()
    expect(cadre.get_by_text("Bản tự kiểm điểm đã được gửi đến người duyệt.")).to_be_visible()
    results = {result.commitment.criterion.title: result for result in
               CommitmentResult.objects.filter(self_assessment=assessment).select_related("commitment__criterion")}
    assert results[HOURS].actual_value == Decimal("5.5")
    assert (results[UNIFORM].outcome, results[ALCOHOL].outcome) == ("met", "kept")

    # The Bí thư is told and proposes a rating.
    form_link = f"/evaluations/self-assessments/{assessment.pk}/"
    open_notice(bithu, "Bản kiểm điểm chờ duyệt: Trần Thị Mai", form_link)
    emailed(w.secretary.user, "Bản kiểm điểm chờ duyệt: Trần Thị Mai", form_link)
    bithu.locator("form[action$='/propose/']").get_by_label("Hoàn thành tốt nhiệm vụ").check()
    bithu.get_by_role("button", name="Đề xuất mức này").click()
    expect(bithu.get_by_text("Đã đề xuất mức xếp loại.", exact=False)).to_be_visible()

    # The chi đoàn's collective decides: its Phó Bí thư, the nearest of its leadership who may
    # finalise (the Bí thư proposed), is told, and records the ratings after the meeting.
    open_notice(btv, "Xếp loại chờ quyết định: Trần Thị Mai", form_link)
    emailed(w.deputy.user, "Xếp loại chờ quyết định: Trần Thị Mai", form_link)
    menu(btv, "Cần duyệt")
    btv.get_by_role("link", name=re.compile(f"{w.b1.name} 1 đề xuất xếp loại")).click()
    btv.select_option(f"#rating-{assessment.pk}", "good")
    btv.fill("#id_meeting-held_on", timezone.localdate().isoformat())  # met today: never in the future
    btv.fill("#id_meeting-minutes_number", "05-BB/CĐ")
    btv.fill("#id_meeting-members_present", "5")
    btv.fill("#id_meeting-members_agreeing", "5")
    assert no_horizontal_overflow(btv)
    btv.screenshot(path="/tmp/browser-year-batch.png", full_page=True)
    btv.get_by_role("button", name="Ghi nhận kết quả xếp loại").click()
    expect(btv.get_by_text("Đã ghi nhận 1 kết quả xếp loại; cán bộ đã được thông báo.")).to_be_visible()

    # The cadre is told of the final rating, decided at the meeting.
    open_notice(cadre, "Kết quả xếp loại của bạn", form_link)
    body = emailed(w.member.user, "Kết quả xếp loại của bạn", form_link)
    assert "Hoàn thành tốt nhiệm vụ" in body and "biên bản số 05-BB/CĐ; 5 thành viên có mặt, 5 tán thành." in body
    expect(cadre.get_by_text("Hoàn thành tốt nhiệm vụ").first).to_be_visible()
    expect(cadre.get_by_text("05-BB/CĐ")).to_be_visible()
    cadre.screenshot(path="/tmp/browser-year-rated.png", full_page=True)
    menu(cadre, "Thông báo")
    cadre.screenshot(path="/tmp/browser-year-notices.png", full_page=True)
    assessment.refresh_from_db()
    assert (assessment.state, assessment.final_rating) == ("finalised", "good")
    assert assessment.rating_meeting == RatingMeeting.objects.get(minutes_number="05-BB/CĐ")
