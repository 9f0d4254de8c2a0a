"""Seed 003 (a Tây Nguyên tỉnh đoàn) runs whole in a tenant that loaded only it: chi đoàn
register for and assess themselves against "Chi đoàn 3 có" (their Bí thư for their BCH), the
xã's Ban Thường vụ returns, approves and rates; the xã registers for "2 giao, 1 liên kết" and
holds its briefings, a chi đoàn hosts the inter-branch meeting, the xã's "CLB Bí thư Chi đoàn"
meets; the huyện's report PDF prints how many chi đoàn attain "3 có" and its pilots against
the quota. Closed, the report does not move when the world does."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from evaluations.models import (
    AssessmentState,
    FormAction,
    MeetingPurpose,
    Rating,
    RegistrationState,
    ResultOutcome,
    UnitRegistration,
    UnitSelfAssessment,
)
from evaluations.services.cycles import cycle_close
from evaluations.services.meetings import club_create, club_member_add, unit_meeting_record
from evaluations.services.unit_forms import (
    unit_assessment_rate,
    unit_assessment_return,
    unit_assessment_save,
    unit_assessment_start,
    unit_assessment_submit,
    unit_registration_approve,
    unit_registration_return,
    unit_registration_save,
    unit_registration_submit,
)
from models_registry.models import CriterionKind, Programme
from reports.documents import summary_pdf, unit_report_pdf
from reports.services.rollup import rollup_cycle
from tests.seeds.tay_nguyen import YEAR, register_unit, tay_nguyen_world

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


@pytest.fixture
def tay_nguyen():
    return tay_nguyen_world()


def _assess(form, secretary, *, projects: int):
    assessment = unit_assessment_start(registration=form, acting_user=secretary.user)
    entries = {}
    for commitment in form.commitments.select_related("criterion"):
        if commitment.criterion.kind == CriterionKind.YES_NO:
            entries[commitment.criterion_id] = {"outcome": ResultOutcome.MET, "result": "Có Bí thư, Phó Bí thư"}
        elif "công trình" in commitment.criterion.title:
            entries[commitment.criterion_id] = {"actual_value": projects, "result": "Sửa đường liên thôn",
                                                "change_reason": "Theo biên bản nghiệm thu công trình"}
        else:
            entries[commitment.criterion_id] = {"actual_value": 1, "result": "Sinh hoạt hằng tháng",
                                                "change_reason": "Theo sổ sinh hoạt chi đoàn"}
    assessment = unit_assessment_save(assessment=assessment, entries=entries, texts={"strengths": "Đoàn kết"},
                                      acting_user=secretary.user, expected_version=assessment.lock_version)
    unit_assessment_submit(assessment=assessment, acting_user=secretary.user, expected_version=assessment.lock_version)
    assessment.refresh_from_db()
    return assessment


def test_seed_003_runs_whole_to_the_report_pdf(tay_nguyen):
    w = tay_nguyen
    assert set(Programme.objects.filter(tenant=w["tenant"]).values_list("name", flat=True)) == {
        "Chi đoàn 3 có", "2 giao, 1 liên kết"}
    xa_btv = w["xa_secretary"].user

    # 3 có: each chi đoàn of Ea Phê registers; one is returned with a comment, fixed, approved.
    forms = [register_unit(w, unit, w["three"], w["secretaries"][unit.code]) for unit in w["branches"]]
    assert all(form.state == RegistrationState.SUBMITTED and form.signed_by for form in forms)
    first = forms[0]
    criterion = first.commitments.first().criterion_id
    unit_registration_return(registration=first, comments={str(criterion): "Ghi rõ người phụ trách"},
                             acting_user=xa_btv, expected_version=first.lock_version)
    first.refresh_from_db()
    assert first.state == RegistrationState.RETURNED
    owner = w["secretaries"][first.unit.code].user
    unit_registration_save(registration=first, entries={criterion: {"text": "Có cán bộ", "measures": "Anh A phụ trách"}},
                           acting_user=owner, expected_version=first.lock_version)
    first.refresh_from_db()
    unit_registration_submit(registration=first, acting_user=owner, expected_version=first.lock_version)
    assert list(first.events.values_list("action", flat=True)) == [
        FormAction.CREATE, FormAction.SUBMIT, FormAction.RETURN, FormAction.RESUBMIT]
    for form in forms:
        form.refresh_from_db()
        unit_registration_approve(registration=form, acting_user=xa_btv, expected_version=form.lock_version)
    # Cư M'gar's one pilot: its xã has no Bí thư, so the province's staff decide.
    lone = register_unit(w, w["lone"], w["three"], w["secretaries"]["BUON1"])
    unit_registration_approve(registration=lone, acting_user=w["provincial"], expected_version=lone.lock_version)

    # Self-assessments: four reach every criterion, the fifth built no project; one is returned first.
    assessments = [_assess(form, w["secretaries"][form.unit.code], projects=0 if n == 4 else 1)
                   for n, form in enumerate(forms)]
    unit_assessment_return(assessment=assessments[1], comments={}, general_comment="Bổ sung minh chứng",
                           acting_user=xa_btv, expected_version=assessments[1].lock_version)
    assessments[1].refresh_from_db()
    owner = w["secretaries"][assessments[1].unit.code].user
    unit_assessment_submit(assessment=assessments[1], acting_user=owner, expected_version=assessments[1].lock_version)
    for assessment in assessments:
        assessment.refresh_from_db()
        unit_assessment_rate(assessment=assessment, rating=Rating.GOOD, comment="Đạt yêu cầu", acting_user=xa_btv,
                             expected_version=assessment.lock_version)
        assessment.refresh_from_db()
    assert [a.state for a in assessments] == [AssessmentState.FINALISED] * 5
    assert [a.attained for a in assessments] == [True, True, True, True, False]

    # 2 giao, 1 liên kết: the xã registers (reviewed by the huyện), holds its two briefings;
    # a chi đoàn hosts the month's inter-branch meeting.
    xa_form = register_unit(w, w["xa"], w["two_one"], w["xa_secretary"])
    unit_registration_approve(registration=xa_form, acting_user=w["huyen_secretary"].user,
                              expected_version=xa_form.lock_version)
    branch_secretaries = [w["secretaries"][unit.code] for unit in w["branches"]]
    for held_on in (datetime.date(YEAR, 3, 10), datetime.date(YEAR, 9, 12)):
        unit_meeting_record(unit=w["xa"], cycle=w["cycle"], purpose=MeetingPurpose.BRIEFING, held_on=held_on,
                            place="Hội trường xã", topic="Giao ban Bí thư chi đoàn", minutes="Nghe tâm tư",
                            attendees=branch_secretaries, acting_user=xa_btv)
    host = w["branches"][0]
    unit_meeting_record(unit=host, cycle=w["cycle"], purpose=MeetingPurpose.INTER_BRANCH,
                        held_on=datetime.date(YEAR, 4, 5), place="Nhà văn hóa thôn 1", topic="Sinh hoạt liên chi",
                        attendees=branch_secretaries[:3], acting_user=w["secretaries"][host.code].user)
    # CLB Bí thư Chi đoàn of the xã: the five secretaries, one meeting.
    club = club_create(unit=w["xa"], name="CLB Bí thư Chi đoàn xã Ea Phê", acting_user=xa_btv)
    for cadre in branch_secretaries:
        club_member_add(club=club, cadre=cadre, joined_on=datetime.date(YEAR, 1, 15), acting_user=xa_btv)
    unit_meeting_record(unit=w["xa"], cycle=w["cycle"], purpose=MeetingPurpose.CLUB, club=club,
                        held_on=datetime.date(YEAR, 5, 20), place="Hội trường xã", topic="Kỹ năng tuyên truyền",
                        attendees=branch_secretaries[:4], acting_user=xa_btv)

    rollup_cycle(cycle=w["cycle"])
    text = _text(unit_report_pdf(w["cycle"], w["huyen"]))

    assert "Đơn vị đạt “Chi đoàn 3 có” 4/5" in text
    assert "Đơn vị thí điểm “Chi đoàn 3 có” (chỉ tiêu 5) 5/5 đạt chỉ tiêu" in text
    assert "CLB Bí thư Chi đoàn xã Ea Phê" in text
    province = _text(unit_report_pdf(w["cycle"], w["tenant"].root_unit))
    assert "Đơn vị đạt “Chi đoàn 3 có” 4/6" in province
    assert "Huyện Đoàn Krông Pắc: đơn vị thí điểm “Chi đoàn 3 có” 5/5 đạt chỉ tiêu" in province
    assert "Huyện Đoàn Cư M'gar: đơn vị thí điểm “Chi đoàn 3 có” 1/5 chưa đạt chỉ tiêu" in province
    summary = _text(summary_pdf(w["cycle"], w["tenant"].root_unit))
    assert "Đơn vị đạt “Chi đoàn 3 có” 4/6" in summary
    assert "Huyện Đoàn Krông Pắc: đơn vị thí điểm “Chi đoàn 3 có” 5/5 đạt chỉ tiêu" in summary

    # Closed, the year's report stays as it was when the world changes.
    cycle_close(cycle=w["cycle"], acting_user=w["provincial"])
    before = _text(unit_report_pdf(w["cycle"], w["huyen"]))
    before_summary = _text(summary_pdf(w["cycle"], w["tenant"].root_unit))
    UnitRegistration.objects.filter(cycle=w["cycle"]).update(state=RegistrationState.DRAFT)
    UnitSelfAssessment.objects.filter(cycle=w["cycle"]).update(attained=False)
    # (A unit added now would move the meetings' lines, which read live rows: not frozen yet.)
    w["cycle"].refresh_from_db()
    assert _text(unit_report_pdf(w["cycle"], w["huyen"])) == before
    assert _text(summary_pdf(w["cycle"], w["tenant"].root_unit)) == before_summary
    assert "Đơn vị đạt “Chi đoàn 3 có” 4/5" in before


def test_the_secretary_registers_their_chi_doan_from_home_and_the_xa_decides_from_its_inbox(client, tay_nguyen):
    w = tay_nguyen
    branch = w["branches"][0]
    secretary = w["secretaries"][branch.code]
    client.force_login(secretary.user)
    home = client.get(reverse("home")).content.decode()
    assert "Đăng ký Chi đoàn thôn 1 thực hiện mô hình “Chi đoàn 3 có”." in home
    assert "Mô hình của đơn vị" in home  # the menu
    response = client.post(reverse("unit_registration_create"), {"unit": branch.pk, "programme": w["three"].pk})
    form = UnitRegistration.objects.get(unit=branch, programme=w["three"])
    assert response.url == reverse("unit_registration_detail", args=[form.pk])
    page = client.get(response.url).content.decode()
    assert "Chi đoàn có cán bộ Đoàn" in page and "Nộp thay mặt đơn vị" in page
    fields = {"action": "submit", "version": form.lock_version}
    for commitment in form.commitments.all():
        fields[f"text.{commitment.criterion_id}"] = "Kiện toàn Ban Chấp hành"
        fields[f"measures.{commitment.criterion_id}"] = "Họp chi đoàn ngày 5 hằng tháng"
        if commitment.target is not None:
            fields[f"target.{commitment.criterion_id}"] = "2"
    client.post(reverse("unit_registration_detail", args=[form.pk]), fields)
    form.refresh_from_db()
    assert form.state == RegistrationState.SUBMITTED and form.signed_by == secretary

    client.force_login(w["xa_secretary"].user)
    inbox = client.get(reverse("inbox")).content.decode()
    assert "Chi đoàn thôn 1" in inbox and "Bản đăng ký của đơn vị cần duyệt" in inbox
    client.post(reverse("unit_registration_detail", args=[form.pk]), {"action": "approve",
                                                                      "version": form.lock_version})
    form.refresh_from_db()
    assert form.state == RegistrationState.APPROVED
    client.force_login(secretary.user)
    assert "Bắt đầu tự đánh giá của đơn vị" in client.get(reverse("unit_registration_detail", args=[form.pk])).content.decode()
    response = client.post(reverse("unit_registration_detail", args=[form.pk]), {"action": "assess"})
    assessment = form.self_assessment
    assert response.url == reverse("unit_assessment_detail", args=[assessment.pk])
    assert "Chi đoàn có công trình, phần việc thanh niên" in client.get(response.url).content.decode()
    pdf = client.get(reverse("unit_registration_pdf", args=[form.pk]))
    text = _text(pdf.content)
    assert "BẢN ĐĂNG KÝ" in text and "Chi đoàn thôn 1" in text and "Bí Thư THON1" in text
