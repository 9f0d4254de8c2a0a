"""Offline on a phone: the cadre opens their ĐKCT01 and the activity log once with a
connection; without one, both open from the service worker's copy; a submit made offline
says it is kept on the device and is sent, with a fresh CSRF token, once back online."""

import pytest
from playwright.sync_api import expect

from evaluations.models import Activity, Registration, RegistrationState
from evaluations.services.registrations import registration_start
from tests.browser.test_evaluations_browser import field, sign_in
from tests.evaluations.factories import RESPONSIBILITY, approved_registration, fill_registration, world

pytestmark = pytest.mark.browser


@pytest.fixture
def w(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return world()


def test_a_form_opened_offline_is_submitted_when_back_online(w, page):
    registration = registration_start(cycle=w.cycle, programme=w.programme, cadre=w.member,
                                      acting_user=w.member.user)
    fill_registration(registration, w.member.user)
    edit = f"/evaluations/registrations/{registration.pk}/edit/"
    sign_in(page, w.member.user.email)
    page.goto(edit)
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")  # installed, the shell kept
    page.reload()  # now through the worker, which keeps the page
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.goto("/evaluations/activities/")

    page.context.set_offline(True)
    response = page.goto("/evaluations/activities/")
    assert response.from_service_worker
    expect(page.get_by_role("heading", name="Nhật ký hoạt động")).to_be_visible()
    response = page.goto(edit)
    assert response.from_service_worker
    expect(page.get_by_role("heading", name="Bản đăng ký (ĐKCT01)")).to_be_visible()
    measures = field(page, w, RESPONSIBILITY, "measures")
    measures.fill("Gõ khi mất mạng trên xe buýt")
    page.locator("form[data-offline] button[type=submit]").click()
    status = page.locator("#offline-status")
    expect(status).to_contain_text("Đã lưu trên máy lúc")
    expect(status).to_contain_text("sẽ gửi khi có mạng")
    assert Registration.objects.get(pk=registration.pk).state == RegistrationState.DRAFT

    page.context.set_offline(False)
    page.wait_for_url(f"**/evaluations/registrations/{registration.pk}/", timeout=20_000)
    expect(page.locator("#offline-status")).to_contain_text("Đã gửi lúc")
    sent = Registration.objects.get(pk=registration.pk)
    assert sent.state == RegistrationState.SUBMITTED
    assert sent.commitments.get(criterion=w.criteria[RESPONSIBILITY]).measures == "Gõ khi mất mạng trên xe buýt"


def test_an_activity_logged_offline_reaches_the_log_when_back_online(w, page):
    approved_registration(w)
    sign_in(page, w.member.user.email)
    page.goto("/evaluations/activities/new/")
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    page.context.set_offline(True)
    assert page.reload().from_service_worker
    page.get_by_label("Bạn đã làm gì?").select_option(label="Giờ tình nguyện")
    page.get_by_label("Số giờ").fill("3")
    page.get_by_label("Mô tả").fill("Dọn kênh ấp khi mất sóng")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator("#offline-status")).to_contain_text("sẽ gửi khi có mạng")
    assert not Activity.objects.filter(cadre=w.member).exists()

    page.context.set_offline(False)
    page.wait_for_url("**/evaluations/activities/", timeout=20_000)
    expect(page.locator("#offline-status")).to_contain_text("Đã gửi lúc")
    assert Activity.objects.filter(cadre=w.member, hours=3, description="Dọn kênh ấp khi mất sóng").exists()
