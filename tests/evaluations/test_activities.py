"""The activity log, uploads checked by content, and progress against committed targets."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings as hypothesis_settings, strategies as st
from PIL import Image

from evaluations.models import Activity, Initiative
from evaluations.progress import compute_progress, period_buckets, registration_progress
from evaluations.services.activities import activity_log, initiative_log
from evaluations.services.cycles import cycle_close
from models_registry.models import ActivityKind
from tests.evaluations.factories import HOURS, MEETINGS, YEAR, approved_registration

pytestmark = pytest.mark.django_db


def png(name="anh.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_volunteer_hours_with_a_photo_stored_under_a_random_path(w):
    activity = activity_log(cadre=w.member, kind=ActivityKind.VOLUNTEER_HOURS, date=datetime.date(YEAR, 3, 2),
                            hours="2,5", description="Ngày Chủ nhật xanh", photo=png("ho-ten-that.png"),
                            acting_user=w.member.user)
    assert activity.hours == Decimal("2.5")
    assert activity.photo.name.startswith(f"evaluations/activities/{datetime.date.today():%Y}/")
    assert "ho-ten-that" not in activity.photo.name and activity.photo.name.endswith(".png")


@pytest.mark.parametrize("upload, message", [
    (SimpleUploadedFile("anh.jpg", b"<?php echo 1; ?>", content_type="image/jpeg"),
     "Ảnh phải là tệp ảnh JPEG, PNG hoặc WebP."),
    (SimpleUploadedFile("lon.png", b"\x89PNG" + b"0" * (5 * 1024 * 1024), content_type="image/png"),
     "Tệp lớn hơn 5 MB."),
])
def test_bad_photos_are_refused_and_nothing_written(w, upload, message):
    with pytest.raises(ValidationError) as info:
        activity_log(cadre=w.member, kind=ActivityKind.VOLUNTEER_ACTIVITY, date=datetime.date(YEAR, 3, 2),
                     photo=upload, acting_user=w.member.user)
    assert info.value.message_dict["photo"] == [message]
    assert not Activity.objects.exists()


def test_hours_are_required_and_bounded_and_only_the_cadre_logs(w):
    for hours in (None, "0", "25", "abc"):
        with pytest.raises(ValidationError) as info:
            activity_log(cadre=w.member, kind=ActivityKind.VOLUNTEER_HOURS, date=datetime.date(YEAR, 3, 2),
                         hours=hours, acting_user=w.member.user)
        assert info.value.message_dict["hours"] == ["Hãy nhập số giờ, từ 0,5 đến 24."]
    with pytest.raises(ValidationError):
        activity_log(cadre=w.member, kind=ActivityKind.BRANCH_MEETING, date=datetime.date(YEAR, 3, 2),
                     acting_user=w.secretary.user)
    with pytest.raises(ValidationError):
        activity_log(cadre=w.member, kind=ActivityKind.BRANCH_MEETING,
                     date=datetime.date.today() + datetime.timedelta(days=2), acting_user=w.member.user)
    assert not Activity.objects.exists()


def test_a_closed_cycle_year_is_read_only(w):
    cycle_close(cycle=w.cycle, acting_user=w.provincial)
    with pytest.raises(ValidationError, match="đã đóng"):
        activity_log(cadre=w.member, kind=ActivityKind.BRANCH_MEETING, date=datetime.date(YEAR, 3, 2),
                     acting_user=w.member.user)


def test_initiative_document_checked_by_content(w):
    pdf = SimpleUploadedFile("sang-kien.pdf", b"%PDF-1.4\n%...", content_type="application/pdf")
    initiative = initiative_log(cadre=w.member, title="Sổ tay đoàn viên số", recognised_by="Huyện Đoàn",
                                date=datetime.date(YEAR, 4, 1), document=pdf, acting_user=w.member.user)
    assert initiative.document.name.endswith(".pdf")
    fake = SimpleUploadedFile("sang-kien.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError):
        initiative_log(cadre=w.member, title="Khác", date=datetime.date(YEAR, 4, 1), document=fake,
                       acting_user=w.member.user)
    assert Initiative.objects.count() == 1


def test_progress_reads_seven_of_eight_weeks_met(w):
    # Eight ended weeks from the Monday of 5 January, the day it was approved; week 4 has only 1 hour.
    start = datetime.date(YEAR, 1, 5) - datetime.timedelta(days=datetime.date(YEAR, 1, 5).weekday())
    registration = approved_registration(w, on=start)
    for week in range(8):
        hours = Decimal("1") if week == 3 else Decimal("2")
        Activity.objects.create(tenant_id=w.member.tenant_id, cadre=w.member, kind=ActivityKind.VOLUNTEER_HOURS,
                                date=start + datetime.timedelta(weeks=week, days=2), hours=hours)
    today = start + datetime.timedelta(weeks=8, days=1)
    by_title = {c.criterion.title: p for c, p in registration_progress(registration, today=today)}
    progress = by_title[HOURS]
    assert progress.label == "2 giờ/tuần: 7/8 tuần đạt"
    assert progress.current is not None and progress.current.value == 0
    assert progress.since == start
    assert by_title[MEETINGS] is not None and by_title[MEETINGS].period == "month"


@hypothesis_settings(max_examples=60, deadline=None)
@given(
    period=st.sampled_from(["week", "month", "quarter", "year"]),
    day_offsets=st.lists(st.integers(min_value=0, max_value=364), max_size=40),
    today_offset=st.integers(min_value=0, max_value=400),
    target=st.integers(min_value=1, max_value=5),
)
def test_progress_buckets_partition_the_year_and_count_every_entry_once(period, day_offsets, today_offset, target):
    start, end = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
    buckets = period_buckets(period, start, end)
    assert buckets[0][0] == start and buckets[-1][1] == end
    assert all(b[0] == a[1] + datetime.timedelta(days=1) for a, b in zip(buckets, buckets[1:]))
    today = start + datetime.timedelta(days=today_offset)
    logged = [(start + datetime.timedelta(days=offset), Decimal(1)) for offset in day_offsets]
    progress = compute_progress(target=Decimal(target), measure="activities", period=period, logged=logged,
                                start=start, end=end, today=today)
    counted = [date for date, _ in logged if date < today or (progress.current and date <= progress.current.end)]
    assert progress.total == len(counted)
    assert 0 <= progress.met <= progress.elapsed
    assert all(bucket.end < today for bucket in progress.buckets)
