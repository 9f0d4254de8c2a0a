"""Honest actuals: one counted period — from the latest of the period's start, the first
approval of the registration and the start of the cadre's position, to today or the
period's end — and one actual per target, the same in the progress bar, the pre-filled
actual value of the KĐCT01 and its PDF. The issue's case: 5.5 volunteer hours logged in
November after an approval on 12/11 are not averaged over the year since 1 January."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cadres.models import Position
from evaluations.models import Activity, CommitmentResult
from evaluations.progress import counted_period, registration_progress
from evaluations.services.assessments import self_assessment_start
from evaluations.templatetags.assessment_ui import amount
from evaluations.workflow import registration_amend, registration_approve, registration_submit
from models_registry.models import ActivityKind
from tests.evaluations.factories import HOURS, YEAR, approved_registration
from tests.evaluations.test_pdf_registrations import pdf_text

pytestmark = pytest.mark.django_db


def hours(cadre, day: datetime.date, value: str) -> None:
    Activity.objects.create(tenant_id=cadre.tenant_id, cadre=cadre, kind=ActivityKind.VOLUNTEER_HOURS, date=day,
                            hours=Decimal(value))


def dmy(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def test_the_period_counts_from_the_approval_not_from_1_january(w):
    # The Thursday of a week in mid-November, as in the issue (12/11/2026 was one).
    monday = datetime.date(YEAR, 11, 9) + datetime.timedelta(days=(7 - datetime.date(YEAR, 11, 9).weekday()) % 7)
    approved = monday + datetime.timedelta(days=3)
    registration = approved_registration(w, on=approved)
    hours(w.member, datetime.date(YEAR, 3, 3), "10")  # before the approval: not counted
    hours(w.member, monday + datetime.timedelta(days=5), "3")
    hours(w.member, monday + datetime.timedelta(days=9), "2.5")
    today = monday + datetime.timedelta(days=22)  # the Tuesday three weeks on
    assert counted_period(registration, today=today) == (approved, today)
    progress = dict((c.criterion.title, p) for c, p in registration_progress(registration, today=today))[HOURS]
    # Three weeks ended (the first from Thursday): 3 h, 2,5 h and nothing; the fourth is running.
    assert progress.label == "2 giờ/tuần: 2/3 tuần đạt"
    assert progress.total == Decimal("5.5") and progress.actual == Decimal("1.83")
    assert progress.actual_text == f"1,83 giờ/tuần, tính từ {dmy(approved)}"
    # A quarter's check-in counts over the quarter only: nothing in Q1 before the approval.
    assert registration_progress(registration, "q1", today=today)[1][1].actual is None


def test_the_period_starts_no_earlier_than_the_position_and_ends_with_the_period(w):
    registration = approved_registration(w)  # approved on 1 January
    Position.objects.filter(cadre=w.member).update(start_date=datetime.date(YEAR, 3, 1))
    assert counted_period(registration, today=datetime.date(YEAR, 6, 30)) == (datetime.date(YEAR, 3, 1),
                                                                            datetime.date(YEAR, 6, 30))
    assert counted_period(registration, "q2", today=datetime.date(YEAR, 12, 1)) == (datetime.date(YEAR, 4, 1),
                                                                                  datetime.date(YEAR, 6, 30))
    # Before the period begins it is empty: nothing can be averaged.
    assert registration_progress(registration, "q4", today=datetime.date(YEAR, 6, 30))[1][1].actual is None


def test_an_approved_amendment_does_not_restart_the_count(w):
    registration = approved_registration(w, on=datetime.date(YEAR, 2, 1))
    amendment = registration_amend(registration=registration, acting_user=w.member.user,
                                   expected_version=registration.lock_version)
    amendment = registration_submit(registration=amendment, acting_user=w.member.user,
                                    expected_version=amendment.lock_version)
    amendment = registration_approve(registration=amendment, acting_user=w.secretary.user,
                                     expected_version=amendment.lock_version)
    assert counted_period(amendment, today=datetime.date(YEAR, 6, 30))[0] == datetime.date(YEAR, 2, 1)


def _world_of_the_issue(w):
    """Approved 16 days ago (1 January early in the year), 3 h and 2,5 h logged since, 10 h
    logged before it; the yearly KĐCT01 started."""
    today = timezone.localdate()
    approved = max(today - datetime.timedelta(days=16), datetime.date(YEAR, 1, 1))
    registration = approved_registration(w, on=approved)
    if approved - datetime.timedelta(days=3) >= datetime.date(YEAR, 1, 1):
        hours(w.member, approved - datetime.timedelta(days=3), "10")
    hours(w.member, approved + datetime.timedelta(days=1), "3")
    hours(w.member, approved + datetime.timedelta(days=8), "2.5")
    form = self_assessment_start(registration=registration, acting_user=w.member.user)
    return registration, form, approved


def test_progress_bar_prefill_and_pdf_show_the_same_actual_over_the_same_period(client, w):
    registration, form, approved = _world_of_the_issue(w)
    progress = dict((c.criterion.title, p) for c, p in registration_progress(registration))[HOURS]
    assert progress.total == Decimal("5.5") and progress.since == approved
    shown = f"{amount(progress.actual)} giờ/tuần, tính từ {dmy(approved)}"
    client.force_login(w.member.user)

    # The progress bar of the activity log.
    page = " ".join(client.get(reverse("activity_list")).content.decode().split())
    assert f"Thực tế: {shown}" in page and progress.label in page

    # The KĐCT01: the pre-filled actual value and its help, under the same progress line.
    page = " ".join(client.get(reverse("self_assessment_edit", args=[form.pk])).content.decode().split())
    result = CommitmentResult.objects.get(self_assessment=form, commitment__criterion=w.criteria[HOURS])
    assert result.computed_value == result.actual_value == progress.actual
    assert f'value="{amount(progress.actual)}"' in page
    assert f"Theo nhật ký hoạt động: {shown}." in page
    assert f"Thực tế: {shown}" in page and progress.label in page

    # The PDF prints the same figure against the target, with the period.
    text = " ".join(pdf_text(client.get(reverse("self_assessment_pdf", args=[form.pk]))).split())
    assert f"{amount(progress.actual)}/2 giờ/tuần" in text and f"tính từ {dmy(approved)}" in text
    # The registration's PDF says from when its targets count.
    text = " ".join(pdf_text(client.get(reverse("registration_pdf", args=[registration.pk]))).split())
    assert f"Kết quả các chỉ tiêu được tính từ {dmy(approved)}" in text


def test_the_prefill_follows_the_log_until_the_cadre_changes_it(client, w):
    registration, form, approved = _world_of_the_issue(w)
    hours(w.member, approved + datetime.timedelta(days=2), "4")  # logged late, in a week already ended
    client.force_login(w.member.user)
    client.get(reverse("self_assessment_edit", args=[form.pk]))
    progress = dict((c.criterion.title, p) for c, p in registration_progress(registration))[HOURS]
    result = CommitmentResult.objects.get(self_assessment=form, commitment__criterion=w.criteria[HOURS])
    assert progress.total == Decimal("9.5")
    assert result.computed_value == result.actual_value == progress.actual
