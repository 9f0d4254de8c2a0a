"""A unit's self-assessment counts its quantitative actuals from what the app records for the
unit, as a cadre's does from their activity log: the xã's "2 giao" briefings, a chi đoàn's
members' youth projects. The Bí thư may state another figure only with a reason, which the
reviewer reads on the page and in the PDF."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from cadres.models import PositionRole
from evaluations.models import AssessmentState, MeetingPurpose, UnitSelfAssessment
from evaluations.services.activities import activity_log
from evaluations.services.meetings import club_create, club_member_add, unit_meeting_record
from evaluations.services.unit_forms import (
    unit_assessment_refresh,
    unit_assessment_save,
    unit_assessment_start,
    unit_assessment_submit,
    unit_registration_approve,
)
from models_registry.models import ActivityKind
from tests.cadres.factories import CadreFactory
from tests.models_registry.factories import ProgrammeFactory, quantitative
from tests.seeds.tay_nguyen import YEAR, register_unit, tay_nguyen_world

pytestmark = pytest.mark.django_db

UNEXPLAINED = "Bạn đã sửa số liệu lấy từ nhật ký hoạt động: hãy nêu lý do."


@pytest.fixture
def w():
    return tay_nguyen_world()


def _briefing(w, month: int):
    return unit_meeting_record(unit=w["xa"], cycle=w["cycle"], purpose=MeetingPurpose.BRIEFING,
                               held_on=datetime.date(YEAR, month, 10), place="Hội trường xã",
                               topic="Giao ban Bí thư chi đoàn", attendees=[w["secretaries"]["THON1"]],
                               acting_user=w["xa_secretary"].user)


def _approved_xa(w):
    """The xã's registration for "2 giao, 1 liên kết" (one criterion at its level: ≥2
    briefings a year), approved by the huyện."""
    form = register_unit(w, w["xa"], w["two_one"], w["xa_secretary"])
    unit_registration_approve(registration=form, acting_user=w["huyen_secretary"].user,
                              expected_version=form.lock_version)
    form.refresh_from_db()
    return form


def _result(assessment):
    return assessment.results.select_related("commitment__criterion").get()


def test_the_xa_starts_with_its_briefings_counted_and_a_new_one_follows_while_a_draft(w):
    for month in (2, 5, 8):
        _briefing(w, month)
    assessment = unit_assessment_start(registration=_approved_xa(w), acting_user=w["xa_secretary"].user)
    result = _result(assessment)
    assert (result.computed_value, result.actual_value) == (Decimal(3), Decimal(3))

    _briefing(w, 11)
    unit_assessment_refresh(assessment)
    result.refresh_from_db()
    assert (result.computed_value, result.actual_value) == (Decimal(4), Decimal(4))


def test_the_form_page_shows_the_count_and_follows_a_meeting_recorded_meanwhile(client, w):
    _briefing(w, 3)
    _briefing(w, 9)
    assessment = unit_assessment_start(registration=_approved_xa(w), acting_user=w["xa_secretary"].user)
    client.force_login(w["xa_secretary"].user)
    url = reverse("unit_assessment_detail", args=[assessment.pk])
    page = client.get(url).content.decode()
    assert "Theo số liệu của đơn vị: 2 buổi sinh hoạt, tính từ 01/01/2022." in page
    criterion = _result(assessment).commitment.criterion_id
    assert f'name="actual_value.{criterion}" inputmode="decimal" value="2"' in page

    _briefing(w, 10)
    page = client.get(url).content.decode()
    assert "Theo số liệu của đơn vị: 3 buổi sinh hoạt, tính từ 01/01/2022." in page
    assert _result(assessment).actual_value == Decimal(3)


def test_a_typed_figure_other_than_counted_needs_a_reason_which_the_reviewer_reads(client, w):
    for month in (4, 6):
        _briefing(w, month)
    assessment = unit_assessment_start(registration=_approved_xa(w), acting_user=w["xa_secretary"].user)
    criterion = _result(assessment).commitment.criterion_id
    fields = {"action": "submit", f"actual_value.{criterion}": "3", f"result.{criterion}": "Giao ban 3 buổi",
              "strengths": "Nắm được tâm tư chi đoàn"}
    client.force_login(w["xa_secretary"].user)
    url = reverse("unit_assessment_detail", args=[assessment.pk])

    page = client.post(url, {**fields, "version": assessment.lock_version}, follow=True).content.decode()
    assert UNEXPLAINED in page
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.DRAFT
    assert (_result(assessment).computed_value, _result(assessment).actual_value) == (Decimal(2), Decimal(3))

    reason = "Buổi giao ban tháng 12 ghi ở sổ của xã, chưa nhập"
    client.post(url, {**fields, f"change_reason.{criterion}": reason, "version": assessment.lock_version})
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.SUBMITTED
    result = _result(assessment)
    assert (result.computed_value, result.actual_value, result.change_reason) == (Decimal(2), Decimal(3), reason)

    client.force_login(w["huyen_secretary"].user)
    page = client.get(url).content.decode()
    assert "số liệu của đơn vị: 2" in page and f"Lý do điều chỉnh: {reason}" in " ".join(
        page.replace("<strong>", "").replace("</strong>", "").split())
    pdf = client.get(reverse("unit_assessment_pdf", args=[assessment.pk]))
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert "3/2 buổi sinh hoạt tính từ 01/01/2022" in text and f"Lý do điều chỉnh: {reason}" in text


def test_the_services_refuse_a_changed_figure_without_a_reason(w):
    _briefing(w, 7)
    secretary = w["xa_secretary"].user
    assessment = unit_assessment_start(registration=_approved_xa(w), acting_user=secretary)
    criterion = _result(assessment).commitment.criterion_id
    assessment = unit_assessment_save(assessment=assessment, entries={criterion: {"actual_value": "2", "result": "Đủ"}},
                                      acting_user=secretary, expected_version=assessment.lock_version)
    with pytest.raises(ValidationError) as refused:
        unit_assessment_submit(assessment=assessment, acting_user=secretary, expected_version=assessment.lock_version)
    assert refused.value.message_dict == {f"result.{criterion}.change_reason": [UNEXPLAINED]}
    # Back to the count: no reason needed.
    assessment = unit_assessment_save(assessment=assessment, entries={criterion: {"actual_value": "1", "result": "Đủ"}},
                                      acting_user=secretary, expected_version=assessment.lock_version)
    unit_assessment_submit(assessment=assessment, acting_user=secretary, expected_version=assessment.lock_version)
    assert UnitSelfAssessment.objects.get(pk=assessment.pk).state == AssessmentState.SUBMITTED


def test_a_chi_doan_counts_the_days_its_cadres_logged_a_youth_project(w):
    branch = w["branches"][0]
    secretary, member = w["secretaries"][branch.code], CadreFactory(unit=branch, role=PositionRole.EXECUTIVE_MEMBER)
    elsewhere = w["secretaries"][w["branches"][1].code]
    for cadre, day in ((secretary, 12), (member, 12), (member, 20), (elsewhere, 25)):
        activity_log(cadre=cadre, kind=ActivityKind.YOUTH_PROJECT, date=datetime.date(YEAR, 6, day),
                     description="Sửa đường liên thôn", acting_user=cadre.user)
    form = register_unit(w, branch, w["three"], secretary)
    unit_registration_approve(registration=form, acting_user=w["xa_secretary"].user, expected_version=form.lock_version)
    assessment = unit_assessment_start(registration=form, acting_user=secretary.user)
    by_title = {r.commitment.criterion.title: r for r in assessment.results.select_related("commitment__criterion")}
    # The same project logged by two members on one day is one; another chi đoàn's is not this one's.
    assert by_title["Chi đoàn có công trình, phần việc thanh niên"].computed_value == Decimal(2)
    # A yes/no criterion counts nothing: no value, and no reason asked.
    assert by_title["Chi đoàn có cán bộ Đoàn"].computed_value is None
    assert not by_title["Chi đoàn có cán bộ Đoàn"].is_counted


def test_a_chi_doan_counts_the_club_meetings_its_secretary_attended(w):
    """A criterion counting club meetings (activity kind `club_meeting`): the xã's CLB Bí thư
    Chi đoàn meets, and each chi đoàn holds the meetings its secretary came to."""
    programme = ProgrammeFactory(
        owner_unit=w["tenant"].root_unit, name="CLB Bí thư Chi đoàn", subject="units", start_year=YEAR,
        end_year=YEAR, publish=True, groups=[dict(title="Sinh hoạt CLB", criteria=[quantitative(
            "Bí thư chi đoàn sinh hoạt CLB", 4, measure="meetings", period="year", kinds=["club_meeting"],
            audiences=[{"unit_level": "branch"}])])])
    xa_btv = w["xa_secretary"].user
    club = club_create(unit=w["xa"], name="CLB Bí thư Chi đoàn xã Ea Phê", acting_user=xa_btv)
    came, absent = w["secretaries"]["THON1"], w["secretaries"]["THON2"]
    for cadre in (came, absent):
        club_member_add(club=club, cadre=cadre, joined_on=datetime.date(YEAR, 1, 15), acting_user=xa_btv)
    for month in (3, 6, 9):
        unit_meeting_record(unit=w["xa"], cycle=w["cycle"], purpose=MeetingPurpose.CLUB, club=club,
                            held_on=datetime.date(YEAR, month, 20), topic="Kỹ năng tuyên truyền",
                            attendees=[came] if month != 9 else [came, absent], acting_user=xa_btv)
    counted = {}
    for secretary in (came, absent):
        branch = secretary.positions.get().unit
        form = register_unit(w, branch, programme, secretary)
        unit_registration_approve(registration=form, acting_user=xa_btv, expected_version=form.lock_version)
        counted[branch.code] = _result(unit_assessment_start(registration=form, acting_user=secretary.user))
    assert (counted["THON1"].actual_value, counted["THON2"].actual_value) == (Decimal(3), Decimal(1))
