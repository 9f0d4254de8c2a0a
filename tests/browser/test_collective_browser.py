"""The BTV at 360×740: from the inbox to a unit's batch page after its meeting, the share
of "xuất sắc" recounted as the choices change, the cap refused, then the ratings recorded."""

import pytest
from playwright.sync_api import expect

from cadres.models import PositionRole
from evaluations.models import CapMode, SelfAssessment
from evaluations.services.cycles import evaluation_settings_update
from tests.browser.test_evaluations_browser import no_horizontal_overflow, sign_in, w  # noqa: F401 (w: a fixture)
from tests.cadres.factories import CadreFactory
from tests.evaluations.test_collective_ratings import proposed

pytestmark = pytest.mark.browser


def test_batch_finalise_from_the_inbox_with_the_live_share(w, page):  # noqa: F811
    forms = [proposed(w, cadre) for cadre in [w.member, CadreFactory(unit=w.b1, role=PositionRole.EXECUTIVE_MEMBER,
                                                                      full_name="Nguyễn Văn An")]]
    evaluation_settings_update(tenant=w.root.tenant, excellent_cap_percent=50, excellent_cap_mode=CapMode.BLOCK,
                               acting_user=w.provincial)
    sign_in(page, w.g1_secretary.user.email)
    page.goto("/inbox/")
    page.get_by_role("link", name="Chi đoàn Ấp 1 2 đề xuất xếp loại").click()
    expect(page.get_by_role("heading", name="Xếp loại cuối cùng của Chi đoàn Ấp 1")).to_be_visible()
    assert no_horizontal_overflow(page)
    share = page.locator("[data-excellent-share]")
    expect(share).to_contain_text("0/2 (0%)")
    over = page.locator("[data-share-over]")
    expect(over).to_be_hidden()
    for form in forms:
        page.select_option(f"#rating-{form.pk}", "excellent")
    expect(share).to_contain_text("2/2 (100%)")
    expect(over).to_be_visible()

    page.fill("#id_meeting-minutes_number", "05-BB/CĐ")
    page.fill("#id_meeting-members_present", "5")
    page.fill("#id_meeting-members_agreeing", "5")
    page.get_by_role("button", name="Ghi nhận kết quả xếp loại").click()
    expect(page.locator("#action-error")).to_contain_text("vượt tỷ lệ tối đa 50%")
    assert [SelfAssessment.objects.get(pk=form.pk).state for form in forms] == ["proposed", "proposed"]

    page.select_option(f"#rating-{forms[1].pk}", "good")
    expect(share).to_contain_text("1/2 (50%)")
    expect(over).to_be_hidden()
    page.get_by_role("button", name="Ghi nhận kết quả xếp loại").click()
    expect(page.get_by_text("Đã ghi nhận 2 kết quả xếp loại; cán bộ đã được thông báo.")).to_be_visible()
    assert [SelfAssessment.objects.get(pk=form.pk).final_rating for form in forms] == ["excellent", "good"]
    assert SelfAssessment.objects.get(pk=forms[0].pk).rating_meeting.minutes_number == "05-BB/CĐ"
