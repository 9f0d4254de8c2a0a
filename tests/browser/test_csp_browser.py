"""The key pages under the Content-Security-Policy in chromium, with the demo data: the
`page` fixture fails the test on any violation (a `securitypolicyviolation` event or a
console message about the policy), here on each kind of page a person meets: login, home,
registration and self-assessment with autosave, inbox, a feedback link, notices, unit tree and page,
reports dashboard, import upload, programme editor and publish check, the TOTP page with
its QR code, and the platform admin."""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse
from playwright.sync_api import expect

from cadres.demo import DEMO_PASSWORD
from evaluations.demo import MY_HOA_MEMBERS
from evaluations.models import AssessmentState, Registration, RegistrationState, SelfAssessment
from models_registry.models import Programme
from portal.demo import seed_demo
from tests.browser.conftest import menu_link
from tests.cadres.factories import PASSWORD, UserFactory
from tests.test_platform_admin import current_code

pytestmark = pytest.mark.browser


def heard(page, directive: str) -> bool:
    """Wait (up to 2 s) for a violation of the directive to be reported both ways: by the
    page's event and by chromium's console."""
    for _ in range(40):
        reports = [violation for violation in page.csp_violations if directive in violation]
        if len(reports) == 2 and any(report.startswith("console: ") for report in reports):
            return True
        page.wait_for_timeout(50)
    return False


def autosave(page, field):
    field_id = field.get_attribute("id")
    field.fill("Tham gia đầy đủ sinh hoạt chi đoàn")
    expect(page.locator(f"#st-{field_id}")).to_contain_text("Đã lưu")


def test_the_key_pages_break_no_rule_of_the_policy(transactional_db, page, log_in):
    seed_demo()

    # The watch hears a violation: a style attribute the page did not bring is refused.
    page.goto("/accounts/login/")
    page.evaluate("""document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>')""")
    assert heard(page, "style-src")
    page.csp_violations.clear()

    # A cadre: home, a registration typed into (autosave, then restored after a reload), notices.
    log_in("canbo.angiang@example.com", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name=re.compile("Xin chào"))).to_be_visible()
    page.goto("/evaluations/registrations/")
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.get_by_role("heading", name="Bản đăng ký (ĐKCT01)")).to_be_visible()
    autosave(page, page.locator("textarea.autosave").first)
    page.reload()
    page.goto(reverse("notice_list"))
    expect(page.locator("h1")).to_be_visible()

    # The Bí thư: the inbox, a registration reviewed and approved.
    page.context.clear_cookies()
    log_in("bithu.angiang@example.com", DEMO_PASSWORD)
    menu_link(page, re.compile("Cần duyệt")).click()
    expect(page.get_by_role("heading", name=re.compile("Việc cần làm"))).to_be_visible()
    approved_before = list(Registration.objects.filter(state=RegistrationState.APPROVED).values_list("pk", flat=True))
    page.locator(".inbox-list a").filter(has_text="Bản đăng ký cần duyệt").first.click()
    page.get_by_role("button", name="Duyệt").click()
    expect(page.get_by_text(re.compile("Đã duyệt bản đăng ký của"))).to_be_visible()
    approved = Registration.objects.exclude(pk__in=approved_before).get(state=RegistrationState.APPROVED)
    # A one-time feedback link, selected whole on focus by app.js (no onfocus attribute).
    submitted = SelfAssessment.objects.get(state=AssessmentState.SUBMITTED, registration__cadre__email__in=MY_HOA_MEMBERS)
    page.goto(reverse("feedback_request_create", args=[submitted.pk]))
    page.locator("input[name=source][value=member]").check()
    page.locator("form.card button[type=submit]").click()
    link = page.locator("#feedback-link")
    link.focus()
    assert link.evaluate("box => box.value.length > 0 && box.selectionStart === 0 && box.selectionEnd === box.value.length")

    # Its cadre: the notice of it, then the self-assessment, typed into.
    page.context.clear_cookies()
    log_in(approved.cadre.email, DEMO_PASSWORD)
    page.goto(reverse("notice_list"))
    expect(page.get_by_text(re.compile("duyệt")).first).to_be_visible()
    page.goto(f"/evaluations/registrations/{approved.pk}/")
    page.get_by_role("link", name="Bản tự kiểm điểm (KĐCT01)").click()
    page.get_by_role("button", name="Bắt đầu hoặc tiếp tục").click()
    autosave(page, page.locator("#f-strengths"))

    # A huyện manager: the unit tree (htmx) and page, the dashboard's bars, an import, a
    # programme built in the editor (htmx) and its similarity bar, the TOTP page's QR code.
    page.context.clear_cookies()
    log_in("huyen.angiang@example.com", DEMO_PASSWORD)
    page.goto(reverse("unit_list"))
    page.get_by_role("link", name="Xem các đơn vị trực thuộc Huyện Đoàn Chợ Mới").click()
    expect(page.get_by_role("link", name="Xem các đơn vị trực thuộc Đoàn xã Mỹ Hội Đông")).to_be_visible()
    page.goto(reverse("unit_detail", args=["an-giang", "CM"]))
    expect(page.get_by_role("heading", name="Huyện Đoàn Chợ Mới")).to_be_visible()
    page.goto(reverse("reports_unit_dashboard", args=["an-giang", "CM"]) + "?cycle=2025")
    full = page.locator(".meter.full svg.bar-fill rect").first
    assert full.get_attribute("width") == "100.0"
    # The SVG fills its track (sized by the stylesheet), the rect the whole of it.
    track, fill = page.locator(".meter.full").first.bounding_box(), page.locator(".meter.full svg").first.bounding_box()
    assert fill["width"] == track["width"] > 100 and fill["height"] == track["height"] > 0
    assert page.locator(".swatch svg rect").first.get_attribute("fill").startswith("#")
    page.goto(reverse("import_upload", args=["an-giang", "CM", "cadres"]))
    expect(page.locator("input[type=file]")).to_be_attached()

    page.goto(reverse("programme_list"))
    page.get_by_role("link", name="Tạo mô hình").click()
    page.get_by_label("Tên", exact=True).fill("Cán bộ Đoàn Chợ Mới gương mẫu")
    page.get_by_role("button", name="Tạo bản nháp").click()
    page.get_by_role("textbox", name="Tên nhóm").fill("Chỉ tiêu của huyện")
    page.get_by_role("region", name="Nhóm và tiêu chí").get_by_role("button", name="Thêm", exact=True).click()
    expect(page.get_by_role("heading", name="Chỉ tiêu của huyện")).to_be_visible()
    programme = Programme.objects.get(name="Cán bộ Đoàn Chợ Mới gương mẫu")
    page.goto(reverse("programme_publish", args=[programme.pk]))
    expect(page.get_by_role("heading", name="Kiểm tra và ban hành")).to_be_visible()

    page.goto(reverse("mfa_activate_totp"))
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.press("input[name=password]", "Enter")
    qr = page.get_by_role("img", name="Mã QR")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")  # the data: image was allowed

    # The platform admin, after the second factor: its index and each form it has.
    secret = generate_totp_secret()
    superuser = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(superuser, secret)
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", superuser.email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.fill("input[name=code]", current_code(secret))
    page.press("input[name=code]", "Enter")
    page.wait_for_url(lambda url: "/accounts/" not in url)
    for url in [reverse("admin:index"), reverse("admin:cadres_tenant_add"),
                reverse("admin:django_celery_beat_periodictask_add")]:
        assert page.goto(url).status == 200, url
    # django-celery-beat's inline script ran (it hides a row), under its nonce.
    expect(page.locator(".field-crontab_translation")).to_be_hidden()
    assert not page.csp_violations
