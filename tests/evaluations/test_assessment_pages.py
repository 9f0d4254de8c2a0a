"""a2 KĐCT01 pages: start from an approved registration, autosave (stale tabs refused with
the stored value), actual values from the log with a reason when changed, evidence files
(checked by content, downloads only for those who may read the form), submit, return with
comments beside the fields, propose, finalise under the "xuất sắc" cap; the home page's
next steps."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from evaluations.models import Activity, CapMode, EvaluationSettings, EvidenceFile, FormEvent, SelfAssessment
from evaluations.services.assessments import evidence_add, self_assessment_start
from evaluations.workflow import self_assessment_propose
from models_registry.models import ActivityKind
from tests.evaluations.factories import HOURS, MEETINGS, RESPONSIBILITY, YEAR, approved_registration
from tests.evaluations.test_self_assessment import complete, submitted

pytestmark = pytest.mark.django_db

UNKNOWN_FIELD = "Ô này không thuộc biểu mẫu; hãy tải lại trang."


def png(name="anh.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def draft(w):
    """The member's yearly self-assessment, started, with meetings logged in January."""
    registration = approved_registration(w)
    for day in (5, 12, 19):
        Activity.objects.create(tenant_id=w.member.tenant_id, cadre=w.member, kind=ActivityKind.BRANCH_MEETING,
                                date=datetime.date(YEAR, 1, day))
    return self_assessment_start(registration=registration, acting_user=w.member.user)


def autosave(client, form, key, value, version):
    return client.post(reverse("self_assessment_autosave", args=[form.pk]),
                       {"field": key, key: value, f"v:{key}": version})


def test_start_page_offers_the_year_and_quarters_and_opens_the_form(client, w):
    registration = approved_registration(w)
    client.force_login(w.member.user)
    page = client.get(reverse("self_assessment_start", args=[registration.pk])).content.decode()
    assert "Cả năm" in page and "Quý I" in page
    response = client.post(reverse("self_assessment_start", args=[registration.pk]), {"period": "q2"})
    form = SelfAssessment.objects.get()
    assert form.period == "q2" and response.url == reverse("self_assessment_edit", args=[form.pk])
    # Starting again opens the same form; a made-up period is refused.
    client.post(reverse("self_assessment_start", args=[registration.pk]), {"period": "q2"})
    response = client.post(reverse("self_assessment_start", args=[registration.pk]), {"period": "q9"})
    assert response.status_code == 200 and "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()
    assert SelfAssessment.objects.count() == 1


def test_a_closed_cycle_says_so_up_front_and_offers_the_pdf(client, w, draft):
    from evaluations.services.cycles import cycle_close

    cycle_close(cycle=w.cycle, acting_user=w.provincial)
    client.force_login(w.member.user)
    # Reached as the cadre gets there: from the registration's page.
    registration_page = client.get(reverse("registration_detail", args=[draft.registration_id])).content.decode()
    start_url = reverse("self_assessment_start", args=[draft.registration_id])
    assert start_url in registration_page
    page = client.get(start_url).content.decode()
    closed = f"Đợt {w.cycle.year} đã đóng: không thể bắt đầu hay sửa bản kiểm điểm."
    assert closed in page and page.index(closed) < page.index("Các bản tự kiểm điểm của tôi")  # said first
    assert "Bắt đầu hoặc tiếp tục" not in page
    assert reverse("self_assessment_pdf", args=[draft.pk]) in page
    assert client.get(reverse("self_assessment_pdf", args=[draft.pk])).status_code == 200


def test_edit_page_prefills_actual_values_from_the_log_and_explains_the_reason(client, w, draft):
    client.force_login(w.member.user)
    page = client.get(reverse("self_assessment_edit", args=[draft.pk])).content.decode()
    meetings = draft.results.get(commitment__criterion=w.criteria[MEETINGS])
    assert f'name="result.{w.criteria[MEETINGS].pk}.actual_value"' in page
    assert f'value="{str(meetings.computed_value).rstrip("0").rstrip(".").replace(".", ",")}"' in page
    assert "Theo nhật ký hoạt động:" in page and "Nếu bạn sửa số này, hãy nêu lý do ở ô bên dưới." in page
    assert "Chỉ bắt buộc khi số liệu thực tế khác với nhật ký hoạt động." in page
    # A qualitative criterion has no value to state; the "4 được" are for civil servants only.
    assert f'name="result.{w.criteria[RESPONSIBILITY].pk}.actual_value"' not in page
    assert 'name="gains_people"' not in page and 'name="self_rating"' in page


def test_autosave_saves_one_field_and_a_stale_tab_gets_the_stored_text(client, w, draft):
    client.force_login(w.member.user)
    response = autosave(client, draft, "strengths", "Nhiệt tình", 0)
    body = response.content.decode()
    assert response.status_code == 200 and 'data-state="saved"' in body and "Đã lưu" in body
    assert 'name="v:strengths" value="1"' in body
    stale = autosave(client, draft, "strengths", "Bản cũ từ máy khác", 0).content.decode()
    assert 'data-state="stale"' in stale and "Nhiệt tình" in stale
    assert "Ô này vừa được sửa ở một tab hoặc thiết bị khác." in stale
    draft.refresh_from_db()
    assert draft.strengths == "Nhiệt tình"


@pytest.mark.parametrize("key, value, message", [
    ("result.999999.result", "x", UNKNOWN_FIELD),
    ("self_rating", "best", "Hãy chọn một trong các lựa chọn có sẵn."),
    ("strengths", "x" * 4001, "Tối đa 4000 ký tự."),
    ("gains_people", "maybe", "Hãy chọn một trong các lựa chọn có sẵn."),
    ("result.999999.actual_value", "3", UNKNOWN_FIELD),
])
def test_autosave_bad_input_is_refused_with_nothing_written(client, w, draft, key, value, message):
    client.force_login(w.member.user)
    body = autosave(client, draft, key, value, 0).content.decode()
    assert 'data-state="error"' in body and message in body
    draft.refresh_from_db()
    assert draft.field_versions == {} and draft.self_rating == "" and draft.strengths == ""


def test_a_changed_value_without_reason_is_refused_beside_the_field(client, w, draft):
    client.force_login(w.member.user)
    complete(w, draft, w.member.user)
    key = f"result.{w.criteria[MEETINGS].pk}"
    autosave(client, draft, f"{key}.actual_value", "3", 0)
    response = client.post(reverse("self_assessment_submit", args=[draft.pk]), {"version": draft.lock_version})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Bạn đã sửa số liệu lấy từ nhật ký hoạt động: hãy nêu lý do." in page
    assert f'id="f-result-{w.criteria[MEETINGS].pk}-change_reason-error"' in page
    draft.refresh_from_db()
    assert draft.state == "draft" and not draft.events.filter(action="submit").exists()
    autosave(client, draft, f"{key}.change_reason", "Quên ghi 3 buổi", 0)
    response = client.post(reverse("self_assessment_submit", args=[draft.pk]), {"version": draft.lock_version})
    assert response.url == reverse("self_assessment_detail", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.state == "submitted"


def test_evidence_upload_checked_by_content_and_a_tampered_criterion_refused(client, w, draft, settings):
    client.force_login(w.member.user)
    url = reverse("evidence_upload", args=[draft.pk])
    criterion = w.criteria[HOURS].pk
    response = client.post(url, {"criterion": criterion, "file": png("anh-that.png")})
    assert response.url.endswith(f"#criterion-{criterion}")
    evidence = EvidenceFile.objects.get()
    assert evidence.original_name == "anh-that.png"
    exe = SimpleUploadedFile("minh-chung.jpg", b"MZ\x90\x00\x03 a renamed .exe", content_type="image/jpeg")
    big = SimpleUploadedFile("to.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), content_type="application/pdf")
    for data, message in (
        ({"criterion": criterion, "file": exe}, "Tệp phải là ảnh (JPEG, PNG, WebP), tệp PDF hoặc văn bản Word (.docx)."),
        ({"criterion": criterion, "file": big}, "Tệp lớn hơn 5 MB."),
        ({"criterion": 999999, "file": png()}, UNKNOWN_FIELD),
    ):
        assert message in client.post(url, data, follow=True).content.decode()
    assert client.post(url, {"criterion": criterion}, follow=True).content.decode().count("Hãy chọn tệp để đính kèm.")
    assert EvidenceFile.objects.count() == 1
    files = [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()]
    assert len(files) == 1


@pytest.fixture
def with_evidence(w, draft):
    return evidence_add(self_assessment=draft, criterion_id=w.criteria[HOURS].pk, upload=png("giay-khen.png"),
                        acting_user=w.member.user)


@pytest.mark.parametrize("persona, status", [("member", 200), ("secretary", 200), ("deputy", 200),
                                             ("g1_secretary", 200), ("sibling", 404), ("foreign_cadre", 404)])
def test_evidence_downloads_only_for_those_who_read_the_form(client, w, with_evidence, persona, status):
    client.force_login(getattr(w, persona).user)
    response = client.get(reverse("evidence_download", args=[with_evidence.pk]))
    assert response.status_code == status
    if status == 200:
        assert 'attachment; filename="giay-khen.png"' == response["Content-Disposition"]
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_a_tampered_evidence_id_of_another_cadre_is_a_404_and_nothing_removed(client, w, with_evidence):
    for persona in ("secretary", "sibling", "g1_secretary"):
        client.force_login(getattr(w, persona).user)
        assert client.post(reverse("evidence_remove", args=[with_evidence.pk])).status_code == 404
    assert EvidenceFile.objects.count() == 1
    client.force_login(w.member.user)
    assert client.post(reverse("evidence_remove", args=[with_evidence.pk])).status_code == 302
    assert not EvidenceFile.objects.exists()


def test_return_comment_beside_the_field_then_resubmit(client, w):
    form = submitted(w)
    client.force_login(w.secretary.user)
    detail = client.get(reverse("self_assessment_detail", args=[form.pk])).content.decode()
    assert "Trả lại để sửa" in detail and "Đề xuất mức này" in detail
    # Nothing said: refused, nothing written.
    response = client.post(reverse("self_assessment_return", args=[form.pk]), {"version": form.lock_version})
    assert "Hãy nêu nội dung cần sửa" in response.content.decode()
    comment = {f"comment.{w.criteria[HOURS].pk}": "Bổ sung ảnh minh chứng", "version": form.lock_version}
    # A criterion of another programme is refused too.
    tampered = {**comment, "comment.999999": "x"}
    assert client.post(reverse("self_assessment_return", args=[form.pk]), tampered).status_code == 200
    form.refresh_from_db()
    assert form.state == "submitted"
    client.post(reverse("self_assessment_return", args=[form.pk]), comment)
    form.refresh_from_db()
    assert form.state == "returned"
    client.force_login(w.member.user)
    edit = client.get(reverse("self_assessment_edit", args=[form.pk])).content.decode()
    assert "Người duyệt đã trả lại bản này để sửa." in edit and "Bổ sung ảnh minh chứng" in edit
    assert "Nộp lại" in edit
    client.post(reverse("self_assessment_submit", args=[form.pk]), {"version": form.lock_version})
    form.refresh_from_db()
    assert form.state == "submitted" and form.events.filter(action="resubmit").exists()


def test_a_stale_review_page_is_refused_with_a_message(client, w):
    form = submitted(w)
    client.force_login(w.secretary.user)
    response = client.post(reverse("self_assessment_propose", args=[form.pk]),
                           {"propose-rating": "good", "version": form.lock_version + 5}, follow=True)
    assert "Biểu mẫu vừa được người khác xử lý sau khi bạn mở trang" in response.content.decode()
    form.refresh_from_db()
    assert form.state == "submitted" and form.proposed_rating == ""


def test_propose_then_finalise_with_the_timeline(client, w):
    form = submitted(w, rating="good")
    client.force_login(w.deputy.user)
    client.post(reverse("self_assessment_propose", args=[form.pk]),
                {"propose-rating": "good", "propose-comment": "Hoàn thành tốt", "version": form.lock_version})
    form.refresh_from_db()
    assert form.state == "proposed" and form.proposed_rating == "good"
    client.force_login(w.g1_secretary.user)
    page = client.get(reverse("self_assessment_detail", args=[form.pk])).content.decode()
    assert "Xếp loại chính thức (Ban Thường vụ)" in page
    client.post(reverse("self_assessment_finalise", args=[form.pk]),
                {"finalise-rating": "good", "version": form.lock_version})
    form.refresh_from_db()
    assert form.state == "finalised" and form.final_rating == "good"
    client.force_login(w.member.user)
    page = client.get(reverse("self_assessment_detail", args=[form.pk])).content.decode()
    assert "Xếp loại chính thức:" in page and "Hoàn thành tốt nhiệm vụ" in page and "Lịch sử" in page


def _over_cap(w, mode):
    """Settings with a cap of 0 %: any xuất sắc is over it."""
    EvaluationSettings.objects.update_or_create(tenant_id=w.member.tenant_id,
                                                defaults={"excellent_cap_mode": mode, "excellent_cap_percent": 0})
    form = submitted(w)
    return self_assessment_propose(self_assessment=form, rating="excellent", acting_user=w.secretary.user,
                                   expected_version=form.lock_version)


def test_warn_mode_asks_for_a_confirmation_step(client, w):
    form = _over_cap(w, CapMode.WARN)
    client.force_login(w.g1_secretary.user)
    page = client.get(reverse("self_assessment_detail", args=[form.pk])).content.decode()
    assert "Nếu xếp loại “Hoàn thành xuất sắc nhiệm vụ”:" in page
    data = {"finalise-rating": "excellent", "version": form.lock_version}
    page = client.post(reverse("self_assessment_finalise", args=[form.pk]), data).content.decode()
    assert "Vượt tỷ lệ:" in page and 'name="confirm_over_cap" value="1"' in page
    form.refresh_from_db()
    assert form.state == "proposed"
    client.post(reverse("self_assessment_finalise", args=[form.pk]), {**data, "confirm_over_cap": "1"})
    form.refresh_from_db()
    assert form.state == "finalised" and form.final_rating == "excellent"


def test_block_mode_refuses_over_the_cap_and_writes_nothing(client, w):
    form = _over_cap(w, CapMode.BLOCK)
    events = FormEvent.objects.count()
    client.force_login(w.g1_secretary.user)
    data = {"finalise-rating": "excellent", "version": form.lock_version, "confirm_over_cap": "1"}
    response = client.post(reverse("self_assessment_finalise", args=[form.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200 and "Không được phép:" in page and "Hãy chọn mức khác." in page
    form.refresh_from_db()
    assert form.state == "proposed" and form.final_rating == "" and FormEvent.objects.count() == events


@pytest.mark.parametrize("url_name, data", [
    ("self_assessment_return", {"comment.1": "x"}),
    ("self_assessment_propose", {"propose-rating": "good"}),
    ("self_assessment_finalise", {"finalise-rating": "good"}),
])
def test_the_cadre_cannot_review_their_own_form(client, w, url_name, data):
    form = submitted(w)
    client.force_login(w.member.user)
    assert client.post(reverse(url_name, args=[form.pk]), {**data, "version": form.lock_version}).status_code == 404
    form.refresh_from_db()
    assert form.state == "submitted"


def test_home_shows_the_next_steps_with_deadlines_and_buttons(client, w):
    client.force_login(w.member.user)
    page = client.get(reverse("home")).content.decode()
    assert "Việc cần làm" in page and f"Hạn: {w.cycle.registration_closes:%d/%m/%Y}" in page
    assert reverse("registration_start", args=[w.programme.pk]) in page
    registration = approved_registration(w)
    page = client.get(reverse("home")).content.decode()
    assert f"Hạn: {w.cycle.self_assessment_due:%d/%m/%Y}" in page
    assert reverse("self_assessment_start", args=[registration.pk]) in page and "Tự kiểm điểm" in page
    client.post(reverse("self_assessment_start", args=[registration.pk]), {"period": "year"})
    form = SelfAssessment.objects.get()
    assert reverse("self_assessment_edit", args=[form.pk]) in client.get(reverse("home")).content.decode()


def test_actual_values_use_the_units_of_the_target(client, w, draft):
    client.force_login(w.member.user)
    Activity.objects.create(tenant_id=w.member.tenant_id, cadre=w.member, kind=ActivityKind.VOLUNTEER_HOURS,
                            date=datetime.date(YEAR, 1, 6), hours=Decimal("2"))
    page = client.get(reverse("self_assessment_edit", args=[draft.pk])).content.decode()
    assert "hoạt động/tháng" in page


@pytest.mark.parametrize("value", ["-1", "ba", "99999999", "Infinity"])
def test_autosave_refuses_an_actual_value_that_is_no_sane_number(client, w, draft, value):
    client.force_login(w.member.user)
    result = draft.results.get(commitment__criterion=w.criteria[MEETINGS])
    body = autosave(client, draft, f"result.{w.criteria[MEETINGS].pk}.actual_value", value, 0).content.decode()
    assert 'data-state="error"' in body and "Hãy nhập một số, ví dụ 2 hoặc 2,5." in body
    assert draft.results.get(pk=result.pk).actual_value == result.actual_value
    draft.refresh_from_db()
    assert draft.field_versions == {}
