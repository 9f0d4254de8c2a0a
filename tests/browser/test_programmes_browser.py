"""A huyện manager builds, previews and publishes a small programme on a 360 px phone,
with the demo data: every edit is swapped in place by htmx, and the publish page shows
the similarity check against the parent programme."""

import re

import pytest
from playwright.sync_api import expect

from cadres.demo import DEMO_PASSWORD
from models_registry.models import AudienceTarget, Criterion, Programme, ProgrammeStatus
from portal.demo import seed_demo
from tests.browser.conftest import menu_link

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    seed_demo()


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_manager_builds_previews_and_publishes_a_programme(demo, page, log_in):
    log_in("huyen.angiang@example.com", DEMO_PASSWORD)
    menu_link(page, "Mô hình").click()
    expect(page.get_by_role("heading", name="Mô hình", exact=True)).to_be_visible()
    assert no_horizontal_overflow(page)

    # Create: under the huyện's published "3 cần, 5 quyết tâm", whose criteria are copied.
    page.get_by_role("link", name="Tạo mô hình").click()
    page.get_by_label("Kế thừa từ (không bắt buộc)").select_option(label="3 cần, 5 quyết tâm · Huyện Đoàn Chợ Mới · 2023")
    page.get_by_label("Tên", exact=True).fill("Cán bộ Đoàn Chợ Mới gương mẫu")
    page.get_by_role("button", name="Tạo bản nháp").click()
    expect(page.get_by_role("heading", name="Cán bộ Đoàn Chợ Mới gương mẫu")).to_be_visible()
    expect(page.get_by_text("Kế thừa từ “3 cần, 5 quyết tâm”").first).to_be_visible()
    editor_url = page.url
    assert no_horizontal_overflow(page)

    # Add a group, in place.
    page.get_by_role("textbox", name="Tên nhóm").fill("Chỉ tiêu của huyện")
    page.get_by_role("region", name="Nhóm và tiêu chí").get_by_role("button", name="Thêm", exact=True).click()
    group = page.locator("section.group-card", has=page.get_by_role("heading", name="Chỉ tiêu của huyện"))
    expect(group).to_be_visible()
    assert page.url == editor_url

    # Add a quantitative criterion: an absurd target first, refused in Vietnamese, then a real one.
    group.get_by_text("+ Thêm tiêu chí").click()
    group.get_by_label("Tiêu chí", exact=True).fill("Đi cơ sở nắm tình hình đoàn viên")
    group.get_by_label("Loại").select_option(label="Chỉ tiêu định lượng")
    group.get_by_label("Mức tối thiểu").fill("200")
    group.get_by_label("Đơn vị tính").select_option(label="lần đi cơ sở")
    group.get_by_label("Kỳ tính").select_option(label="tháng")
    group.get_by_label("Đi cơ sở").check()
    group.get_by_role("button", name="Thêm tiêu chí").click()
    expect(group.get_by_text("200 lần đi cơ sở mỗi tháng là không thực tế: tối đa 60.")).to_be_visible()
    group.get_by_label("Mức tối thiểu").fill("2")
    group.get_by_role("button", name="Thêm tiêu chí").click()
    criterion = group.locator("li[id^=criterion-]", has_text="Đi cơ sở nắm tình hình đoàn viên")
    expect(criterion.get_by_text("Tối thiểu 2 lần đi cơ sở/tháng")).to_be_visible()

    # An audience target: the huyện's Bí thư visits more often.
    criterion.get_by_text("+ Chỉ tiêu theo đối tượng").click()
    criterion.get_by_label("Cấp đơn vị").select_option(label="Huyện đoàn và tương đương")
    criterion.get_by_label("Chức vụ").select_option(label="Bí thư")
    criterion.get_by_label("Chỉ tiêu riêng").fill("4")
    criterion.get_by_role("button", name="Lưu chỉ tiêu theo đối tượng").click()
    expect(criterion.get_by_text("Tối thiểu 4 lần đi cơ sở/tháng")).to_be_visible()
    # Once rows exist the criterion applies to the audiences listed: everyone else keeps 2.
    criterion.get_by_text("+ Chỉ tiêu theo đối tượng").click()
    criterion.get_by_role("button", name="Lưu chỉ tiêu theo đối tượng").click()
    expect(criterion.get_by_text("Mọi đối tượng:")).to_be_visible()
    # Every form of the page now carries the same, current lock_version.
    programme = Programme.objects.get(name="Cán bộ Đoàn Chợ Mới gương mẫu")
    locks = page.eval_on_selector_all("input.lock-version", "els => [...new Set(els.map(e => e.value))]")
    assert locks == [str(programme.lock_version)] == ["4"]
    assert AudienceTarget.objects.filter(criterion__group__programme=programme, target=4).count() == 1
    assert page.url == editor_url
    assert no_horizontal_overflow(page)

    # Preview as a huyện Bí thư, then as a plain cơ sở member.
    page.get_by_role("link", name="Xem trước theo đối tượng").click()
    page.get_by_label("Cấp đơn vị").select_option(label="Huyện đoàn và tương đương")
    page.get_by_label("Chức vụ").select_option(label="Bí thư")
    page.get_by_role("button", name="Xem", exact=True).click()
    expect(page.get_by_text("Tối thiểu 4 lần đi cơ sở/tháng")).to_be_visible()
    page.get_by_label("Cấp đơn vị").select_option(label="Đoàn cơ sở")
    page.get_by_label("Chức vụ").select_option(label="Ủy viên Ban Chấp hành")
    page.get_by_role("button", name="Xem", exact=True).click()
    expect(page.get_by_text("Tối thiểu 2 lần đi cơ sở/tháng")).to_be_visible()
    assert no_horizontal_overflow(page)

    # Publish: the check names the parent; the warning does not block in An Giang.
    page.get_by_role("link", name="Quay lại trang soạn").click()
    page.get_by_role("link", name="Kiểm tra và ban hành").click()
    expect(page.get_by_text(re.compile(r"Mô hình gần nhất: “3 cần, 5 quyết tâm” của Huyện Đoàn Chợ Mới "
                                       r"\(mô hình cấp trên\)"))).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Nội dung giống")
    assert no_horizontal_overflow(page)
    page.get_by_role("button", name="Ban hành").click()
    expect(page.get_by_text("Đã ban hành mô hình.")).to_be_visible()
    expect(page.get_by_text("Đã ban hành", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Tạo phiên bản mới")).to_be_visible()
    assert Programme.objects.get(pk=programme.pk).status == ProgrammeStatus.PUBLISHED
    assert Criterion.objects.filter(group__programme=programme).count() > 1
    assert no_horizontal_overflow(page)
