"""a1 ĐKCT01 pages through the test client: start, autosave, submit with field messages,
return with per-criterion comments, the diff, approve, amend; bad input answered in
Vietnamese with nothing written."""

import pytest
from django.urls import reverse

from evaluations.models import FormEvent, Registration
from evaluations.services.registrations import registration_start
from models_registry.models import Criterion
from tests.evaluations.factories import HOURS, MEETINGS, RESPONSIBILITY, fill_registration, submitted_registration
from tests.models_registry.factories import ProgrammeFactory, qualitative

pytestmark = pytest.mark.django_db


def key(w, title, field):
    return f"commitment.{w.criteria[title].pk}.{field}"


def start(w, cadre=None):
    cadre = cadre or w.member
    return registration_start(cycle=w.cycle, programme=w.programme, cadre=cadre, acting_user=cadre.user)


def autosave(client, registration, field, value, version):
    return client.post(reverse("registration_autosave", args=[registration.pk]),
                       {"field": field, field: value, f"v:{field}": version})


def test_list_offers_the_programme_and_start_opens_the_form(client, w):
    client.force_login(w.member.user)
    page = client.get(reverse("registration_list")).content.decode()
    assert w.programme.name in page and "Đăng ký" in page
    response = client.post(reverse("registration_start", args=[w.programme.pk]))
    registration = Registration.objects.get(cadre=w.member)
    assert response.url == reverse("registration_edit", args=[registration.pk])
    page = client.get(response.url).content.decode()
    for text in ["Trần Thị Mai", RESPONSIBILITY, "Hoàn thành nhiệm vụ được giao", "Tối thiểu 3 hoạt động/tháng",
                 'hx-trigger="input changed delay:800ms, change, autosave-retry"', "js/autosave.js"]:
        assert text in page
    # Starting again opens the same form.
    client.post(reverse("registration_start", args=[w.programme.pk]))
    assert Registration.objects.filter(cadre=w.member).count() == 1


def test_start_refuses_a_programme_that_does_not_apply(client, w):
    client.force_login(w.foreign_cadre.user)
    assert client.post(reverse("registration_start", args=[w.programme.pk])).status_code == 404
    assert not Registration.objects.exists()


def test_autosave_saves_shows_state_and_answers_a_stale_tab_with_the_current_text(client, w):
    registration = start(w)
    client.force_login(w.member.user)
    field = key(w, RESPONSIBILITY, "text")
    response = autosave(client, registration, field, "Nhận việc khó", 0)
    assert response.status_code == 200 and "Đã lưu" in response.content.decode()
    assert f'name="v:{field}" value="1"' in response.content.decode()
    stale = autosave(client, registration, field, "Bản cũ từ tab khác", 0).content.decode()
    assert "Chưa lưu" in stale and "tab hoặc thiết bị khác" in stale and "Nhận việc khó" in stale
    assert registration.commitments.get(criterion=w.criteria[RESPONSIBILITY]).text == "Nhận việc khó"


def test_autosave_refuses_a_target_below_the_minimum_and_writes_nothing(client, w):
    registration = start(w)
    client.force_login(w.member.user)
    response = autosave(client, registration, key(w, MEETINGS, "target"), "2", 0)
    assert response.status_code == 200
    assert "Mô hình yêu cầu ít nhất 3; chỉ tiêu của bạn không được thấp hơn." in response.content.decode()
    assert registration.commitments.get(criterion=w.criteria[MEETINGS]).target == 3
    registration.refresh_from_db()
    assert registration.field_versions == {}


def test_autosave_refuses_an_unknown_field_and_another_cadres_form(client, w):
    registration = start(w)
    other = start(w, w.secretary)
    client.force_login(w.member.user)
    bad = autosave(client, registration, "commitment.999999.text", "x", 0).content.decode()
    assert "Ô này không thuộc biểu mẫu; hãy tải lại trang." in bad
    assert autosave(client, other, key(w, RESPONSIBILITY, "text"), "x", 0).status_code == 404
    assert not other.commitments.exclude(text="").exists()


def test_submit_explains_each_missing_field_and_keeps_what_was_typed(client, w):
    registration = start(w)
    client.force_login(w.member.user)
    text = key(w, RESPONSIBILITY, "text")
    response = client.post(reverse("registration_submit", args=[registration.pk]),
                           {"version": 0, text: "Gõ rồi bấm nộp ngay", f"v:{text}": 0})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Hãy nêu biện pháp thực hiện." in page
    assert "Gõ rồi bấm nộp ngay" in page
    registration.refresh_from_db()
    assert registration.state == "draft"
    # The typed text was saved even though autosave had not fired.
    assert registration.commitments.get(criterion=w.criteria[RESPONSIBILITY]).text == "Gõ rồi bấm nộp ngay"


def test_submit_return_comment_beside_the_criterion_resubmit_diff_approve(client, w):
    registration = start(w)
    fill_registration(registration, w.member.user)
    registration.refresh_from_db()
    client.force_login(w.member.user)
    response = client.post(reverse("registration_submit", args=[registration.pk]), {"version": 0})
    assert response.url == reverse("registration_detail", args=[registration.pk])
    registration.refresh_from_db()
    assert registration.state == "submitted"

    client.force_login(w.secretary.user)
    queue = client.get(reverse("review_queue")).content.decode()
    assert "Trần Thị Mai" in queue
    hours = w.criteria[HOURS].pk
    response = client.post(reverse("registration_return", args=[registration.pk]), {
        "version": registration.lock_version, f"comment.{hours}": "Nêu cụ thể ngày nào", "general_comment": "",
        f"comment.{w.criteria[RESPONSIBILITY].pk}": "   ",
    })
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.state == "returned"
    assert registration.events.get(action="return").criterion_comments == {str(hours): "Nêu cụ thể ngày nào"}

    client.force_login(w.member.user)
    page = client.get(reverse("registration_edit", args=[registration.pk])).content.decode()
    assert page.count("Nêu cụ thể ngày nào") == 1
    section = page.split(f'id="criterion-{hours}"')[1].split("</section>")[0]
    assert "Nêu cụ thể ngày nào" in section
    measures = key(w, HOURS, "measures")
    autosave(client, registration, measures, "Mỗi Chủ nhật 2 giờ tại ấp", registration.field_versions[measures])
    registration.refresh_from_db()
    client.post(reverse("registration_submit", args=[registration.pk]), {"version": registration.lock_version})
    registration.refresh_from_db()
    assert registration.state == "submitted"

    client.force_login(w.secretary.user)
    page = client.get(reverse("registration_detail", args=[registration.pk])).content.decode()
    assert "Mỗi Chủ nhật 2 giờ tại ấp" in page and "Lập kế hoạch" in page  # after and before
    assert "Đã sửa kể từ khi bạn trả lại" in page
    response = client.post(reverse("registration_approve", args=[registration.pk]),
                           {"version": registration.lock_version})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.state == "approved"

    client.force_login(w.member.user)
    assert client.get(reverse("registration_edit", args=[registration.pk])).url == reverse(
        "registration_detail", args=[registration.pk])
    response = client.post(reverse("registration_amend", args=[registration.pk]),
                           {"version": registration.lock_version})
    amendment = Registration.objects.get(previous=registration)
    assert response.url == reverse("registration_edit", args=[amendment.pk])


def test_return_with_a_tampered_criterion_is_refused_and_nothing_written(client, w):
    registration = submitted_registration(w)
    client.force_login(w.secretary.user)
    response = client.post(reverse("registration_return", args=[registration.pk]), {
        "version": registration.lock_version, "comment.987654": "Tiêu chí lạ",
        f"comment.{w.criteria[HOURS].pk}": "Bình luận thật"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Có ý kiến gắn với một tiêu chí không có trên biểu mẫu này" in page and "Bình luận thật" in page
    registration.refresh_from_db()
    assert registration.state == "submitted" and not registration.events.filter(action="return").exists()


def test_approving_a_draft_is_refused(client, w):
    registration = start(w)
    client.force_login(w.secretary.user)
    response = client.post(reverse("registration_approve", args=[registration.pk]), {"version": 0})
    assert response.status_code == 409
    assert "Biểu mẫu đang ở trạng thái “Bản nháp”: không thể thực hiện bước này." in response.content.decode()
    registration.refresh_from_db()
    assert registration.state == "draft" and registration.approved_at is None


def test_a_second_reviewer_on_a_stale_page_is_refused(client, w):
    registration = submitted_registration(w)
    loaded_version = registration.lock_version
    client.force_login(w.secretary.user)
    client.post(reverse("registration_approve", args=[registration.pk]), {"version": loaded_version})
    events = FormEvent.objects.count()
    client.force_login(w.deputy.user)
    response = client.post(reverse("registration_return", args=[registration.pk]),
                           {"version": loaded_version, "general_comment": "Sửa lại"})
    assert response.status_code == 409
    assert "Biểu mẫu vừa được người khác xử lý sau khi bạn mở trang" in response.content.decode()
    assert FormEvent.objects.count() == events
    registration.refresh_from_db()
    assert registration.state == "approved"


def test_queue_counts_filters_and_newest_first(client, w):
    first = submitted_registration(w)
    second = submitted_registration(w, w.deputy)
    client.force_login(w.secretary.user)
    page = client.get(reverse("review_queue")).content.decode()
    assert page.index("Phạm Thu Hà") < page.index("Trần Thị Mai")  # newest submission first
    assert 'aria-current="page">Đã nộp <span class="count">2</span>' in page
    page = client.get(reverse("review_queue"), {"q": "mai"}).content.decode()
    assert "Trần Thị Mai" in page and "Phạm Thu Hà" not in page
    page = client.get(reverse("review_queue"), {"state": "approved"}).content.decode()
    assert "Trần Thị Mai" not in page and "Không có bảng nào" in page
    assert first.pk != second.pk
    page = client.get(reverse("review_queue"), {"unit": "bogus", "cycle": "x", "state": "nope"})
    assert page.status_code == 200


@pytest.mark.parametrize("value", ["nhiều", "-3", "1e999", "NaN"])
def test_autosave_refuses_a_target_that_is_no_sane_number_and_writes_nothing(client, w, value):
    registration = start(w)
    client.force_login(w.member.user)
    response = autosave(client, registration, key(w, MEETINGS, "target"), value, 0)
    assert response.status_code == 200
    assert 'data-state="error"' in response.content.decode()
    assert "Hãy nhập một số, ví dụ 2 hoặc 2,5." in response.content.decode()
    assert registration.commitments.get(criterion=w.criteria[MEETINGS]).target == 3
    registration.refresh_from_db()
    assert registration.field_versions == {}


def test_submit_with_a_tampered_target_and_a_foreign_criterion_keeps_what_was_typed_and_writes_nothing(client, w):
    registration = start(w)
    client.force_login(w.member.user)
    target, text = key(w, MEETINGS, "target"), key(w, RESPONSIBILITY, "text")
    # A criterion of another tenant's programme.
    other = ProgrammeFactory(owner_unit=w.foreign, groups=[dict(title="Khác", criteria=[qualitative("Lạ", "Lạ")])])
    foreign = f"commitment.{Criterion.objects.get(group__programme=other).pk}.text"
    response = client.post(reverse("registration_submit", args=[registration.pk]), {
        "version": 0, target: "-5", f"v:{target}": 0, text: "Đã gõ", f"v:{text}": 0, foreign: "Chiếm"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Hãy nhập một số, ví dụ 2 hoặc 2,5." in page
    assert 'value="-5"' in page and "Đã gõ" in page and "Chiếm" not in page
    assert f'id="f-commitment-{w.criteria[MEETINGS].pk}-target-error"' in page
    registration.refresh_from_db()
    assert registration.state == "draft"
    assert registration.commitments.get(criterion=w.criteria[MEETINGS]).target == 3
    assert list(registration.field_versions) == [text]
