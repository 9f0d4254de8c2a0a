"""The issue's "Done means" walk on a 360×740 phone, first half: a cadre registers (autosave
survives a reload and a dropped connection), submits; the Bí thư returns it with a comment
on one criterion; the cadre sees it beside that criterion, fixes it, resubmits; the Bí thư
sees the change and approves; the ĐKCT01 PDF downloads with the cadre's name and
commitments in it."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from evaluations.models import Registration
from tests.browser.conftest import PHONE
from tests.cadres.factories import PASSWORD
from tests.evaluations.factories import HOURS, RESPONSIBILITY, world

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
