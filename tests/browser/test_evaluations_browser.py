"""The issue's "Done means" walk on a 360×740 phone. First half: a cadre registers (autosave
survives a reload and a dropped connection), submits; the Bí thư returns it with a comment
on one criterion; the cadre sees it beside that criterion, fixes it, resubmits; the Bí thư
sees the change and approves; the ĐKCT01 PDF downloads with the cadre's name and
commitments in it. Second half: activity log, self-assessment, rating, both PDFs."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from evaluations.models import Activity, Rating, Registration, SelfAssessment
from tests.browser.conftest import PHONE
from tests.cadres.factories import PASSWORD
from tests.evaluations.factories import HOURS, RESPONSIBILITY, approved_registration, world

pytestmark = pytest.mark.browser


@pytest.fixture
def w(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return world()


def sign_in(tab, email):
    tab.goto("/accounts/login/")
    tab.fill("input[name=login]", email)
    tab.fill("input[name=password]", PASSWORD)
    tab.press("input[name=password]", "Enter")
    tab.wait_for_url(lambda url: "/accounts/login/" not in url)


def field(tab, w, title, name):
    return tab.locator(f"#f-commitment-{w.criteria[title].pk}-{name}")


def state_of(tab, w, title, name):
    return tab.locator(f"#st-f-commitment-{w.criteria[title].pk}-{name}")


def no_horizontal_overflow(tab) -> bool:
    return tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_tabbing_through_the_form_saves_nothing_and_leaving_an_edited_field_saves_it(w, page, live_server):
    sign_in(page, w.member.user.email)
    page.goto("/evaluations/registrations/")
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.get_by_role("heading", name="Bản đăng ký (ĐKCT01)")).to_be_visible()
    saves = []
    page.on("request", lambda request: saves.append(request.url) if "/autosave/" in request.url else None)
    field(page, w, RESPONSIBILITY, "text").focus()
    for _ in range(8):
        page.keyboard.press("Tab")
    page.wait_for_timeout(1200)  # longer than the typing delay
    assert saves == []
    field(page, w, RESPONSIBILITY, "measures").press_sequentially("Rà soát")
    page.keyboard.press("Tab")
    expect(state_of(page, w, RESPONSIBILITY, "measures")).to_contain_text("Đã lưu")
    assert 1 <= len(saves) <= 2


def test_register_return_fix_resubmit_approve_and_pdf(w, page, browser, live_server):
    cadre = page
    sign_in(cadre, w.member.user.email)
    cadre.goto("/evaluations/registrations/")
    cadre.get_by_role("button", name="Đăng ký").click()
    expect(cadre.get_by_role("heading", name="Bản đăng ký (ĐKCT01)")).to_be_visible()
    expect(cadre.get_by_text("Tối thiểu 3 hoạt động/tháng").first).to_be_visible()
    assert no_horizontal_overflow(cadre)
    registration = Registration.objects.get(cadre=w.member)

    # Autosave as they type; the text is there after a reload.
    field(cadre, w, RESPONSIBILITY, "text").fill("Nhận việc khó, báo cáo đúng hạn")
    expect(state_of(cadre, w, RESPONSIBILITY, "text")).to_contain_text("Đã lưu")
    cadre.reload()
    expect(field(cadre, w, RESPONSIBILITY, "text")).to_have_value("Nhận việc khó, báo cáo đúng hạn")

    # The connection drops: the field says it is retrying, a reload restores the unsaved
    # text from the phone, and it is saved once the connection is back.
    cadre.route("**/autosave/", lambda route: route.abort())
    field(cadre, w, RESPONSIBILITY, "measures").fill("Mỗi tuần rà soát việc được giao")
    expect(state_of(cadre, w, RESPONSIBILITY, "measures")).to_contain_text("Chưa lưu — đang thử lại")
    cadre.reload()
    expect(field(cadre, w, RESPONSIBILITY, "measures")).to_have_value("Mỗi tuần rà soát việc được giao")
    cadre.unroute("**/autosave/")
    expect(state_of(cadre, w, RESPONSIBILITY, "measures")).to_contain_text("Đã lưu", timeout=15_000)
    assert registration.commitments.get(criterion=w.criteria[RESPONSIBILITY]).measures == \
        "Mỗi tuần rà soát việc được giao"

    # A target below the minimum is refused beside the field.
    field(cadre, w, HOURS, "target").fill("1")
    expect(state_of(cadre, w, HOURS, "target")).to_contain_text("Mô hình yêu cầu ít nhất 2")
    field(cadre, w, HOURS, "target").fill("3")
    expect(state_of(cadre, w, HOURS, "target")).to_contain_text("Đã lưu")
    for title in (HOURS, "Hoạt động hoặc sinh hoạt chi đoàn mỗi tháng"):
        field(cadre, w, title, "text").fill(f"Tôi cam kết: {title}")
        field(cadre, w, title, "measures").fill("Đăng ký lịch với chi đoàn")
    # Leave the last field and wait until the page says every field is saved. Pressing the
    # button while the focus is still in a field starts that field's save on mouse-down, and
    # in Chromium the page moves under the pointer before mouse-up, so the click is lost.
    # That is a known bug, recorded in issue 16.
    cadre.locator("h1").click()
    for title in (HOURS, "Hoạt động hoặc sinh hoạt chi đoàn mỗi tháng"):
        for part in ("text", "measures"):
            expect(state_of(cadre, w, title, part)).to_contain_text("Đã lưu")
    cadre.screenshot(path="/tmp/browser-reg-edit.png", full_page=True)
    cadre.get_by_role("button", name="Nộp để duyệt").click()
    expect(cadre.get_by_text("Bản đăng ký đã được nộp cho người duyệt.")).to_be_visible()

    # The Bí thư returns it with a comment on one criterion.
    reviewer_context = browser.new_context(viewport=PHONE, locale="vi-VN", base_url=live_server.url)
    reviewer = reviewer_context.new_page()
    sign_in(reviewer, w.secretary.user.email)
    reviewer.goto("/evaluations/review/")
    expect(reviewer.get_by_role("link", name="Đã nộp 1")).to_be_visible()
    reviewer.get_by_role("link", name="Trần Thị Mai").click()
    assert no_horizontal_overflow(reviewer)
    reviewer.locator(f"#comment-{w.criteria[HOURS].pk}").fill("Ghi rõ giờ nào trong tuần")
    reviewer.get_by_role("button", name="Trả lại để sửa").click()
    expect(reviewer.get_by_text("Đã trả lại bản đăng ký của Trần Thị Mai")).to_be_visible()

    # The cadre sees the comment beside exactly that criterion, fixes it and resubmits.
    cadre.goto("/evaluations/registrations/")
    cadre.get_by_role("link", name="Sửa và nộp lại").click()
    hours_card = cadre.locator(f"#criterion-{w.criteria[HOURS].pk}")
    expect(hours_card.locator(".reviewer-comment")).to_contain_text("Ghi rõ giờ nào trong tuần")
    expect(cadre.locator(".reviewer-comment")).to_have_count(1)
    cadre.screenshot(path="/tmp/browser-reg-returned.png", full_page=True)
    field(cadre, w, HOURS, "measures").fill("Sáng Chủ nhật 7–9 giờ tại ấp")
    expect(state_of(cadre, w, HOURS, "measures")).to_contain_text("Đã lưu")
    cadre.get_by_role("button", name="Nộp lại").click()
    expect(cadre.get_by_text("Bản đăng ký đã được nộp cho người duyệt.")).to_be_visible()

    # The Bí thư sees what changed and approves.
    reviewer.goto("/evaluations/review/")
    reviewer.get_by_role("link", name="Trần Thị Mai").click()
    diff = reviewer.locator(".reg-diff")
    expect(diff).to_contain_text("Đã sửa kể từ khi bạn trả lại")
    expect(diff.locator("ins")).to_contain_text("Sáng Chủ nhật 7–9 giờ tại ấp")
    expect(diff.locator("del")).to_contain_text("Đăng ký lịch với chi đoàn")
    reviewer.screenshot(path="/tmp/browser-reg-diff.png", full_page=True)
    reviewer.get_by_role("button", name="Duyệt").click()
    expect(reviewer.get_by_text("Đã duyệt bản đăng ký của Trần Thị Mai.")).to_be_visible()
    reviewer_context.close()

    # Approved: read-only for the cadre, with the PDF for the paper file.
    cadre.goto(f"/evaluations/registrations/{registration.pk}/edit/")
    expect(cadre.get_by_text("Đã duyệt").first).to_be_visible()
    expect(cadre.get_by_role("button", name="Sửa đổi")).to_be_visible()
    with cadre.expect_download() as download:
        cadre.get_by_role("link", name="Tải PDF").click()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(
        open(download.value.path(), "rb").read())).pages).split())
    for expected in ["Trần Thị Mai", "Nhận việc khó, báo cáo đúng hạn", "Sáng Chủ nhật 7–9 giờ tại ấp", "Người đăng ký"]:
        assert expected in text, expected


def test_activity_log_self_assessment_rating_and_both_pdfs(w, page, browser, live_server):
    """Second half, from an approved registration: the cadre logs an activity and files the
    yearly self-assessment; the Bí thư proposes, the BTV (Bí thư of the đoàn xã above)
    finalises the rating; both PDFs carry the cadre's name and commitments."""
    registration = approved_registration(w)
    cadre = page
    sign_in(cadre, w.member.user.email)
    cadre.goto("/evaluations/activities/new/")
    cadre.get_by_label("Bạn đã làm gì?").select_option(label="Giờ tình nguyện")
    cadre.get_by_label("Số giờ").fill("3")
    cadre.get_by_label("Mô tả").fill("Dọn vệ sinh kênh ấp")
    cadre.get_by_role("button", name="Lưu", exact=True).click()
    cadre.wait_for_url("**/activities/")
    cadre.screenshot(path="/tmp/browser-activities.png", full_page=True)
    assert Activity.objects.filter(cadre=w.member, hours=3).exists()

    cadre.goto(f"/evaluations/registrations/{registration.pk}/")
    cadre.get_by_role("link", name="Bản tự kiểm điểm (KĐCT01)").click()
    cadre.get_by_role("button", name="Bắt đầu hoặc tiếp tục").click()
    assessment = SelfAssessment.objects.get(registration=registration)
    boxes = {"strengths": "Nhiệt tình, đúng giờ", "weaknesses": "Còn ngại phát biểu"}
    for result in assessment.results.select_related("commitment"):
        boxes[f"result.{result.commitment.criterion_id}.result"] = "Đã làm đủ theo đăng ký"
    for key, value in boxes.items():
        box = cadre.locator(f"#f-{key.replace('.', '-')}")
        box.fill(value)
        expect(cadre.locator(f"#st-f-{key.replace('.', '-')}")).to_contain_text("Đã lưu")
    cadre.locator("#f-self_rating").select_option(Rating.GOOD)
    expect(cadre.locator("#st-f-self_rating")).to_contain_text("Đã lưu")
    assert no_horizontal_overflow(cadre)
    cadre.get_by_role("button", name="Nộp để duyệt").click()
    assessment.refresh_from_db()
    assert assessment.state == "submitted"

    def act_as(user, step):
        context = browser.new_context(viewport=PHONE, locale="vi-VN", base_url=live_server.url)
        tab = context.new_page()
        sign_in(tab, user.email)
        tab.goto(f"/evaluations/self-assessments/{assessment.pk}/")
        step(tab)
        tab.screenshot(path=f"/tmp/browser-assessment-{user.pk}.png", full_page=True)
        context.close()

    def propose(tab):
        tab.locator("form[action$='/propose/']").get_by_label("Hoàn thành tốt nhiệm vụ").check()
        tab.get_by_role("button", name="Đề xuất mức này").click()
        expect(tab.get_by_text("Hoàn thành tốt nhiệm vụ").first).to_be_visible()

    def finalise(tab):
        tab.locator("form[action$='/finalise/']").get_by_label("Hoàn thành tốt nhiệm vụ").check()
        tab.get_by_role("button", name="Quyết định xếp loại").click()
        expect(tab.get_by_text("Xếp loại chính thức:")).to_be_visible()

    act_as(w.secretary.user, propose)
    act_as(w.g1_secretary.user, finalise)
    assessment.refresh_from_db()
    assert (assessment.state, assessment.final_rating) == ("finalised", Rating.GOOD)

    for url in (f"/evaluations/registrations/{registration.pk}/", f"/evaluations/self-assessments/{assessment.pk}/"):
        cadre.goto(url)
        with cadre.expect_download() as download:
            cadre.get_by_role("link", name="Tải PDF").click()
        text = " ".join(" ".join(p.extract_text() for p in PdfReader(download.value.path()).pages).split())
        assert "Trần Thị Mai" in text and f"Tôi cam kết: {RESPONSIBILITY}" in text, url
    assert "Hoàn thành tốt nhiệm vụ" in text and "Nhiệt tình, đúng giờ" in text
