"""The collective decides (issue 11, item 5): the BTV finalises a unit's proposed yearly
ratings at once after its meeting, through the same transition as one form, the meeting's
details recorded and printed; the "xuất sắc" share and cap shown and enforced."""

import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cadres.models import AuditEvent, Notice, NoticeKind, PositionRole
from evaluations.models import AssessmentState, CapMode, FormAction, FormEvent, RatingMeeting, SelfAssessment
from evaluations.services.cycles import evaluation_settings_update
from evaluations.services.ratings import MeetingDetails
from evaluations.workflow import Decision, self_assessment_finalise, self_assessment_propose, self_assessments_finalise_batch
from reports.documents import unit_report_pdf
from tests.cadres.factories import CadreFactory
from tests.evaluations.test_self_assessment import submitted

pytestmark = pytest.mark.django_db
MEETING = MeetingDetails(held_on=datetime.date(timezone.localdate().year, 1, 1), minutes_number="03-BB/CĐ",
                         members_present=7, members_agreeing=6)


def proposed(w, cadre, rating="good", reviewer=None):
    form = submitted(w, cadre, reviewer=reviewer, rating=rating)
    return self_assessment_propose(self_assessment=form, rating=rating, comment="Đề xuất của Bí thư",
                                   acting_user=(reviewer or w.secretary).user, expected_version=form.lock_version)


@pytest.fixture
def unit_forms(w):
    """Three proposed yearly ratings in Chi đoàn Ấp 1 (B1), decided by G1's Bí thư as BTV."""
    others = [CadreFactory(unit=w.b1, role=PositionRole.EXECUTIVE_MEMBER, full_name=name)
              for name in ("Nguyễn Văn An", "Lý Thị Bảo")]
    return [proposed(w, cadre) for cadre in [w.member, *others]]


def decisions(forms, rating="good"):
    return [Decision(form.pk, form.lock_version, rating, f"Ý kiến về {form.cadre.full_name}") for form in forms]


def states(forms):
    return [SelfAssessment.objects.get(pk=form.pk).state for form in forms]


def test_a_batch_finalises_each_form_through_the_transition_with_one_meeting(w, unit_forms):
    done = self_assessments_finalise_batch(unit=w.b1, decisions=decisions(unit_forms), meeting=MEETING,
                                           acting_user=w.g1_secretary.user)
    assert [form.state for form in done] == ["finalised"] * 3
    meeting = RatingMeeting.objects.get()
    assert (meeting.unit, meeting.minutes_number, meeting.members_present, meeting.members_agreeing) == (
        w.b1, "03-BB/CĐ", 7, 6)
    for form in unit_forms:
        form.refresh_from_db()
        assert (form.final_rating, form.rating_meeting, form.finalised_by) == ("good", meeting, w.g1_secretary.user)
        assert form.collective_comment == f"Ý kiến về {form.cadre.full_name}"
        assert form.events.filter(action=FormAction.FINALISE).count() == 1
    assert AuditEvent.objects.filter(action="selfassessment.finalise").count() == 3
    assert AuditEvent.objects.filter(action="rating_meeting.record", actor=w.g1_secretary.user).count() == 1
    # Each cadre's notice (and so its email) names the meeting that decided.
    told = Notice.objects.get(recipient=w.member.user, kind=NoticeKind.RATED)
    assert f"Được tập thể quyết định tại cuộc họp ngày {MEETING.held_on:%d/%m/%Y}, biên bản số 03-BB/CĐ; " \
           "7 thành viên có mặt, 6 tán thành." in told.body


def test_a_refusal_for_one_form_writes_nothing_and_names_the_cadre(w, unit_forms):
    lines = decisions(unit_forms)
    lines[2] = Decision(unit_forms[2].pk, unit_forms[2].lock_version - 1, "good")  # loaded before someone acted
    with pytest.raises(ValidationError) as info:
        self_assessments_finalise_batch(unit=w.b1, decisions=lines, meeting=MEETING, acting_user=w.g1_secretary.user)
    assert info.value.code == "stale"
    assert info.value.messages[0].startswith("Lý Thị Bảo: ")
    assert "Không có gì được ghi nhận." in info.value.messages[0]
    assert states(unit_forms) == ["proposed"] * 3
    assert not RatingMeeting.objects.exists()
    assert not FormEvent.objects.filter(action=FormAction.FINALISE).exists()


def test_foreign_or_duplicate_ids_are_refused_with_nothing_written(w, unit_forms):
    sibling_form = proposed(w, CadreFactory(unit=w.g2, role=PositionRole.EXECUTIVE_MEMBER), reviewer=w.sibling)
    for forged in ([*decisions(unit_forms[:1]), *decisions([sibling_form])],
                   [*decisions(unit_forms[:1]), Decision("999999", 1, "good")],
                   decisions([unit_forms[0], unit_forms[0]])):
        with pytest.raises(ValidationError) as info:
            self_assessments_finalise_batch(unit=w.b1, decisions=forged, meeting=None,
                                            acting_user=w.g1_secretary.user)
        assert info.value.code == "invalid"
    # A sibling unit's Bí thư is not their BTV: none of them is theirs to decide.
    with pytest.raises(ValidationError):
        self_assessments_finalise_batch(unit=w.b1, decisions=decisions(unit_forms), meeting=None,
                                        acting_user=w.sibling.user)
    assert states([*unit_forms, sibling_form]) == ["proposed"] * 4


def test_the_meetings_details_are_optional_and_checked(w, unit_forms):
    with pytest.raises(ValidationError) as info:
        self_assessments_finalise_batch(unit=w.b1, decisions=decisions(unit_forms), acting_user=w.g1_secretary.user,
                                        meeting=MeetingDetails(members_present=5, members_agreeing=6))
    assert info.value.messages == ["Trần Thị Mai: Số thành viên tán thành nhiều hơn số có mặt: hãy kiểm tra lại "
                                   "hai con số. Không có gì được ghi nhận."]
    assert states(unit_forms) == ["proposed"] * 3
    self_assessments_finalise_batch(unit=w.b1, decisions=decisions(unit_forms[:1]), meeting=MeetingDetails(),
                                    acting_user=w.g1_secretary.user)
    assert SelfAssessment.objects.get(pk=unit_forms[0].pk).rating_meeting is None
    assert not RatingMeeting.objects.exists()
    # The same meeting given again for another form, one at a time, is the same meeting.
    for form in unit_forms[1:]:
        self_assessment_finalise(self_assessment=form, rating="good", acting_user=w.g1_secretary.user,
                                 expected_version=form.lock_version, meeting=MEETING)
    assert RatingMeeting.objects.get().self_assessments.count() == 2


@pytest.mark.parametrize("mode", [CapMode.WARN, CapMode.BLOCK])
def test_the_cap_counts_the_ratings_of_the_batch(w, unit_forms, mode):
    # Three cadres assessed in B1, cap 40 %: one "xuất sắc" fits, the second of the batch does not.
    evaluation_settings_update(tenant=w.root.tenant, excellent_cap_percent=40, excellent_cap_mode=mode,
                               acting_user=w.provincial)
    lines = decisions(unit_forms, rating="excellent")
    with pytest.raises(ValidationError) as info:
        self_assessments_finalise_batch(unit=w.b1, decisions=lines, meeting=MEETING, acting_user=w.g1_secretary.user)
    assert info.value.code == ("cap_warning" if mode == CapMode.WARN else "cap_blocked")
    assert info.value.messages[0].startswith("Nguyễn Văn An: 2/3 cán bộ của Chi đoàn Ấp 1")
    assert states(unit_forms) == ["proposed"] * 3
    if mode == CapMode.WARN:
        self_assessments_finalise_batch(unit=w.b1, decisions=lines, meeting=MEETING, acting_user=w.g1_secretary.user,
                                        confirm_over_cap=True)
        assert states(unit_forms) == ["finalised"] * 3
    else:
        with pytest.raises(ValidationError):
            self_assessments_finalise_batch(unit=w.b1, decisions=lines, meeting=MEETING,
                                            acting_user=w.g1_secretary.user, confirm_over_cap=True)
        assert states(unit_forms) == ["proposed"] * 3


def _text(html: str) -> str:
    """What a reader sees: inline tags vanish, block tags separate words."""
    inline = re.sub(r"</?(span|strong|b|em|a)\b[^>]*>", "", html)
    return " ".join(re.sub(r"<[^>]+>", " ", inline).split())


def test_the_btv_goes_from_the_inbox_to_the_batch_page_and_decides(client, w, unit_forms):
    evaluation_settings_update(tenant=w.root.tenant, excellent_cap_percent=40, excellent_cap_mode=CapMode.BLOCK,
                               acting_user=w.provincial)
    client.force_login(w.g1_secretary.user)
    inbox = client.get(reverse("inbox")).content.decode()
    batch_url = reverse("ratings_finalise_batch", args=[w.root.tenant.slug, w.b1.code])
    assert f'href="{batch_url}"' in inbox
    assert "Quyết định xếp loại của cả đơn vị sau cuộc họp Chi đoàn Ấp 1 3 đề xuất xếp loại" in _text(inbox)

    page = client.get(batch_url)
    text = _text(page.content.decode())
    assert "Xếp loại cuối cùng của Chi đoàn Ấp 1" in text
    # 0 "xuất sắc" proposed of 3 assessed, cap 40 % (1 cadre).
    assert "0/3 (0%)" in text and "tối đa 40% (1 cán bộ)" in text
    for form in unit_forms:
        assert form.cadre.full_name in text

    post = {"meeting-held_on": MEETING.held_on.isoformat(), "meeting-minutes_number": "03-BB/CĐ",
            "meeting-members_present": "7", "meeting-members_agreeing": "6"}
    for form in unit_forms:
        post |= {f"rating.{form.pk}": "excellent", f"version.{form.pk}": str(form.lock_version)}
    refused = client.post(batch_url, post)
    assert refused.status_code == 200
    assert "vượt tỷ lệ tối đa 40%" in _text(refused.content.decode())
    assert states(unit_forms) == ["proposed"] * 3

    post[f"rating.{unit_forms[1].pk}"] = "good"
    post[f"rating.{unit_forms[2].pk}"] = ""  # not now
    response = client.post(batch_url, post, follow=True)
    assert response.redirect_chain[-1][0] == reverse("inbox")
    assert "Đã ghi nhận 2 kết quả xếp loại; cán bộ đã được thông báo." in _text(response.content.decode())
    assert states(unit_forms) == ["finalised", "finalised", "proposed"]
    # One left: the link stays, with one rating.
    assert "Chi đoàn Ấp 1 1 đề xuất xếp loại" in _text(response.content.decode())

    # The cadre reads the meeting on their form, and in its PDF.
    client.force_login(w.member.user)
    detail = _text(client.get(reverse("self_assessment_detail", args=[unit_forms[0].pk])).content.decode())
    assert "03-BB/CĐ" in detail and "7 thành viên có mặt" in detail
    pdf = client.get(reverse("self_assessment_pdf", args=[unit_forms[0].pk]))
    reader = PdfReader(io.BytesIO(pdf.content))
    pdf_text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert f"Cuộc họp xét xếp loại của tập thể: ngày {MEETING.held_on:%d/%m/%Y}; biên bản số 03-BB/CĐ; số thành " \
           "viên có mặt: 7; số thành viên tán thành: 6." in pdf_text


def test_the_unit_report_lists_the_meetings(client, w, unit_forms):
    self_assessments_finalise_batch(unit=w.b1, decisions=decisions(unit_forms), meeting=MEETING,
                                    acting_user=w.g1_secretary.user)
    client.force_login(w.g1_secretary.user)
    page = _text(client.get(reverse("unit_report", args=[w.root.tenant.slug, w.g1.code]),
                            {"cycle": w.cycle.year}).content.decode())
    assert "Các cuộc họp của tập thể xét xếp loại" in page
    assert "03-BB/CĐ" in page and "3 kết quả xếp loại" in page
    reader = PdfReader(io.BytesIO(unit_report_pdf(w.cycle, w.g1)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    # The narrow column wraps the minutes number after its slash.
    assert re.search(rf"Các cuộc họp của tập thể xét xếp loại .* Chi đoàn Ấp 1 {MEETING.held_on:%d/%m/%Y} "
                     r"03-BB/ ?CĐ 7 6 3 ", text)


def test_a_foreign_unit_is_a_404_and_nothing_awaits_an_outsider(client, w, unit_forms):
    client.force_login(w.foreign_cadre.user)
    assert client.get(reverse("ratings_finalise_batch", args=[w.root.tenant.slug, w.b1.code])).status_code == 404
    client.force_login(w.sibling.user)
    assert client.get(reverse("ratings_finalise_batch", args=[w.root.tenant.slug, w.b1.code])).status_code == 404
    assert AssessmentState.PROPOSED in states(unit_forms)


def test_a_post_that_chooses_nothing_says_so_rather_than_blaming_the_meeting(client, w, unit_forms):
    client.force_login(w.g1_secretary.user)
    batch_url = reverse("ratings_finalise_batch", args=[w.root.tenant.slug, w.b1.code])
    for post in ({}, {f"rating.{form.pk}": "" for form in unit_forms}):
        text = _text(client.post(batch_url, post).content.decode())
        assert "Hãy chọn mức xếp loại cho ít nhất một cán bộ." in text
        assert "Hãy kiểm tra lại thông tin cuộc họp." not in text
    assert states(unit_forms) == ["proposed"] * 3
