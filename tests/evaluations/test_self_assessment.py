"""a2 KĐCT01: actual values from the activity log, the reviewer's proposal, the BTV's final
rating and the cap on "xuất sắc"."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from cadres.models import PositionRole
from evaluations.models import Activity, CapMode, EvaluationSettings
from evaluations.services.assessments import self_assessment_autosave, self_assessment_start
from evaluations.services.cycles import evaluation_settings_update
from evaluations.workflow import (
    self_assessment_finalise,
    self_assessment_propose,
    self_assessment_return,
    self_assessment_submit,
)
from models_registry.models import ActivityKind
from tests.cadres.factories import CadreFactory
from tests.evaluations.factories import HOURS, MEETINGS, RESPONSIBILITY, YEAR, approved_registration

pytestmark = pytest.mark.django_db


def log(cadre, kind, date, hours=None):
    return Activity.objects.create(tenant_id=cadre.tenant_id, cadre=cadre, kind=kind, date=date, hours=hours)


def save(form, user, field, value):
    return self_assessment_autosave(self_assessment=form, field=field, value=value,
                                    expected_version=form.field_versions.get(field, 0), acting_user=user)


def complete(w, form, user, rating="excellent"):
    for result in form.results.all():
        save(form, user, f"result.{result.commitment.criterion_id}.result", "Đã thực hiện đầy đủ")
    for name in ("strengths", "weaknesses"):
        save(form, user, name, "Nội dung")
    save(form, user, "self_rating", rating)


def submitted(w, cadre=None, reviewer=None, rating="excellent"):
    cadre = cadre or w.member
    registration = approved_registration(w, cadre, reviewer)
    form = self_assessment_start(registration=registration, acting_user=cadre.user)
    complete(w, form, cadre.user, rating)
    return self_assessment_submit(self_assessment=form, acting_user=cadre.user, expected_version=form.lock_version)


def test_actual_values_come_from_the_log_and_a_change_needs_a_reason(w):
    registration = approved_registration(w)
    for month in (1, 2):
        for day in (5, 12, 19):
            log(w.member, ActivityKind.BRANCH_MEETING, datetime.date(YEAR, month, day))
    log(w.member, ActivityKind.VOLUNTEER_HOURS, datetime.date(YEAR, 1, 6), Decimal("3"))
    form = self_assessment_start(registration=registration, period="q1", acting_user=w.member.user)
    meetings = form.results.get(commitment__criterion=w.criteria[MEETINGS])
    # Q1: three ended months with 3, 3 and 0 meetings: a mean of 2 a month.
    assert meetings.computed_value == Decimal("2.00") == meetings.actual_value
    assert form.results.get(commitment__criterion=w.criteria[RESPONSIBILITY]).computed_value is None
    complete(w, form, w.member.user)
    save(form, w.member.user, f"result.{w.criteria[MEETINGS].pk}.actual_value", "3")
    with pytest.raises(ValidationError) as info:
        self_assessment_submit(self_assessment=form, acting_user=w.member.user, expected_version=0)
    assert info.value.message_dict[f"result.{w.criteria[MEETINGS].pk}.change_reason"] == [
        "Bạn đã sửa số liệu lấy từ nhật ký hoạt động: hãy nêu lý do."]
    save(form, w.member.user, f"result.{w.criteria[MEETINGS].pk}.change_reason", "Quên ghi 3 buổi tháng 3")
    self_assessment_submit(self_assessment=form, acting_user=w.member.user, expected_version=0)
    assert form.state == "submitted"


def test_a_civil_servant_answers_the_four_gains(w):
    w.member.is_civil_servant = True
    w.member.save()
    registration = approved_registration(w)
    form = self_assessment_start(registration=registration, acting_user=w.member.user)
    complete(w, form, w.member.user)
    with pytest.raises(ValidationError) as info:
        self_assessment_submit(self_assessment=form, acting_user=w.member.user, expected_version=0)
    assert info.value.message_dict["gains_public"] == ["Hãy trả lời đủ “4 được”."]
    for name in ("gains_people", "gains_work", "gains_organisation", "gains_public"):
        save(form, w.member.user, name, "yes")
    self_assessment_submit(self_assessment=form, acting_user=w.member.user, expected_version=0)


def test_self_assessment_needs_an_approved_registration(w):
    from tests.evaluations.factories import submitted_registration

    registration = submitted_registration(w)
    with pytest.raises(ValidationError, match="đã được duyệt"):
        self_assessment_start(registration=registration, acting_user=w.member.user)


def test_return_propose_finalise_and_notify(w, django_capture_on_commit_callbacks):
    form = submitted(w)
    criterion = str(w.criteria[HOURS].pk)
    self_assessment_return(self_assessment=form, comments={criterion: "Thiếu minh chứng"}, acting_user=w.secretary.user,
                           expected_version=form.lock_version)
    save(form, w.member.user, f"result.{criterion}.result", "Đã bổ sung")
    self_assessment_submit(self_assessment=form, acting_user=w.member.user, expected_version=form.lock_version)
    with pytest.raises(ValidationError) as info:
        self_assessment_finalise(self_assessment=form, rating="good", acting_user=w.g1_secretary.user,
                                 expected_version=form.lock_version)
    assert info.value.code == "state"  # submitted → finalised skips the proposal
    with pytest.raises(ValidationError) as info:
        self_assessment_propose(self_assessment=form, rating="good", acting_user=w.g1_secretary.user,
                                expected_version=form.lock_version)
    assert info.value.code == "forbidden"  # the G1 Bí thư is BTV above, not the reviewer
    self_assessment_propose(self_assessment=form, rating="good", comment="Tích cực", acting_user=w.secretary.user,
                            expected_version=form.lock_version)
    assert form.state == "proposed" and form.proposed_rating == "good"
    with pytest.raises(ValidationError) as info:
        self_assessment_finalise(self_assessment=form, rating="good", acting_user=w.member.user,
                                 expected_version=form.lock_version)
    assert info.value.code == "forbidden"
    with django_capture_on_commit_callbacks(execute=True):
        self_assessment_finalise(self_assessment=form, rating="good", comment="Thống nhất",
                                 acting_user=w.deputy.user, expected_version=form.lock_version)
    assert form.state == "finalised" and form.final_rating == "good"
    assert "Hoàn thành tốt nhiệm vụ" in mail.outbox[-1].body
    assert list(form.events.values_list("action", flat=True)) == [
        "create", "submit", "return", "resubmit", "propose", "finalise"]


def test_a_secretarys_self_assessment_is_rated_by_the_parent_units_committee(w):
    form = submitted(w, w.secretary, reviewer=w.g1_secretary)
    with pytest.raises(ValidationError):
        self_assessment_propose(self_assessment=form, rating="good", acting_user=w.deputy.user,
                                expected_version=form.lock_version)
    self_assessment_propose(self_assessment=form, rating="good", acting_user=w.g1_secretary.user,
                            expected_version=form.lock_version)
    with pytest.raises(ValidationError):
        self_assessment_finalise(self_assessment=form, rating="good", acting_user=w.deputy.user,
                                 expected_version=form.lock_version)
    self_assessment_finalise(self_assessment=form, rating="good", acting_user=w.g1_secretary.user,
                             expected_version=form.lock_version)


def _proposed_excellent(w, cadre):
    form = submitted(w, cadre)
    self_assessment_propose(self_assessment=form, rating="excellent", acting_user=w.secretary.user,
                            expected_version=form.lock_version)
    return form


@pytest.mark.parametrize("mode", [CapMode.WARN, CapMode.BLOCK])
def test_cap_on_excellent_ratings(w, mode):
    # Five cadres assessed in B1 with a 20 % cap: one "xuất sắc" fits, a second does not.
    others = [CadreFactory(unit=w.b1, role=PositionRole.EXECUTIVE_MEMBER) for _ in range(3)]
    forms = [_proposed_excellent(w, cadre) for cadre in [w.member, *others]]
    approved_registration(w, w.deputy)
    assert EvaluationSettings.objects.filter(tenant=w.root.tenant).count() == 0  # off by default
    evaluation_settings_update(tenant=w.root.tenant, excellent_cap_percent=20, excellent_cap_mode=mode,
                               acting_user=w.provincial)
    first, second = forms[0], forms[1]
    self_assessment_finalise(self_assessment=first, rating="excellent", acting_user=w.g1_secretary.user,
                             expected_version=first.lock_version)
    with pytest.raises(ValidationError) as info:
        self_assessment_finalise(self_assessment=second, rating="excellent", acting_user=w.g1_secretary.user,
                                 expected_version=second.lock_version)
    assert info.value.messages == ["2/5 cán bộ của Chi đoàn Ấp 1 sẽ được xếp loại “Hoàn thành xuất sắc nhiệm vụ”, "
                                   "vượt tỷ lệ tối đa 20%."]
    assert info.value.code == ("cap_warning" if mode == CapMode.WARN else "cap_blocked")
    second.refresh_from_db()
    assert second.state == "proposed"
    if mode == CapMode.WARN:
        self_assessment_finalise(self_assessment=second, rating="excellent", acting_user=w.g1_secretary.user,
                                 expected_version=second.lock_version, confirm_over_cap=True)
        assert second.final_rating == "excellent"
    else:
        with pytest.raises(ValidationError):
            self_assessment_finalise(self_assessment=second, rating="excellent", acting_user=w.g1_secretary.user,
                                     expected_version=second.lock_version, confirm_over_cap=True)
        self_assessment_finalise(self_assessment=second, rating="good", acting_user=w.g1_secretary.user,
                                 expected_version=second.lock_version)
