"""Activity log pages: logging with a phone photo, bad uploads and dates refused in
Vietnamese with nothing written, the month list with totals and progress, deleting one's
own entries, and photos/documents reachable only through the permission-checked views."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from evaluations.models import Activity, Initiative
from evaluations.services.activities import activity_log, initiative_log
from models_registry.models import ActivityKind
from tests.evaluations.factories import YEAR, approved_registration

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
# A day of this year that is not in the future.
DAY = datetime.date(YEAR, 1, 5) if TODAY >= datetime.date(YEAR, 1, 5) else TODAY


def png(name="anh.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def post_activity(client, **data):
    payload = {"kind": "volunteer_hours", "date": DAY.isoformat(), "hours": "2,5", "description": "Dọn rác"}
    payload.update(data)
    return client.post(reverse("activity_create"), payload)


def test_the_cadre_logs_hours_with_a_phone_photo(client, w):
    client.force_login(w.member.user)
    page = client.get(reverse("activity_create"))
    assert 'accept="image/*"' in page.content.decode() and 'capture="environment"' in page.content.decode()
    response = post_activity(client, photo=png("IMG_0001.png"))
    assert response.status_code == 302 and response.url == reverse("activity_list")
    activity = Activity.objects.get()
    assert activity.hours == Decimal("2.5") and activity.photo.name.endswith(".png")
    listing = client.get(reverse("activity_list")).content.decode()
    assert "Đã lưu vào nhật ký hoạt động." in listing
    assert f"Tháng {DAY:%m/%Y}" in listing and "2,5 giờ tình nguyện" in listing
    assert reverse("activity_photo", args=[activity.pk]) in listing
    # Never a media URL: the stored path is not on the page.
    assert activity.photo.name not in listing


@pytest.mark.parametrize("data, field_message", [
    ({"photo": SimpleUploadedFile("anh.jpg", b"MZ\x90\x00 a renamed program", content_type="image/jpeg")},
     "Ảnh phải là tệp ảnh JPEG, PNG hoặc WebP."),
    ({"photo": SimpleUploadedFile("lon.png", b"\x89PNG" + b"0" * (5 * 1024 * 1024), content_type="image/png")},
     "Tệp lớn hơn 5 MB."),
    ({"date": (TODAY + datetime.timedelta(days=3)).isoformat()}, "Ngày không được ở tương lai."),
    ({"date": "31/02/2026"}, "Hãy chọn ngày."),
    ({"hours": "30"}, "Hãy nhập số giờ, từ 0,5 đến 24."),
    ({"kind": "approved"}, "Hãy chọn một lựa chọn hợp lệ."),
])
def test_bad_input_is_refused_in_vietnamese_and_nothing_written(client, w, settings, data, field_message):
    client.force_login(w.member.user)
    response = post_activity(client, **data)
    assert response.status_code == 200
    assert field_message in response.content.decode()
    assert not Activity.objects.exists()
    assert not any(path.is_file() for path in settings.MEDIA_ROOT.rglob("*"))


def test_month_groups_and_progress_against_the_committed_target(client, w):
    registration = approved_registration(w)
    for day in (DAY, min(TODAY, DAY + datetime.timedelta(days=31))):
        activity_log(cadre=w.member, kind=ActivityKind.BRANCH_MEETING, date=day, acting_user=w.member.user)
    client.force_login(w.member.user)
    page = client.get(reverse("activity_list")).content.decode()
    assert "Tiến độ các cam kết" in page and "giờ/tuần" in page
    assert registration.programme.name in page
    # One month at a time (the newest), every month of the year a link away, with its count.
    months = sorted({(d.year, d.month) for d in Activity.objects.values_list("date", flat=True)})
    assert len(months) > 1 and page.count('class="card month"') == 1
    newest, older = months[-1], months[0]
    assert f"Tháng {newest[1]:02d}/{newest[0]}" in page.split('class="card month"')[1]
    link = f"?year={older[0]}&amp;month={older[1]}"
    assert link in page
    older_page = client.get(reverse("activity_list"), {"year": older[0], "month": older[1]}).content.decode()
    assert f"Tháng {older[1]:02d}/{older[0]}" in older_page.split('class="card month"')[1]


def test_initiative_with_a_document(client, w):
    client.force_login(w.member.user)
    pdf = SimpleUploadedFile("sk.pdf", b"%PDF-1.4\n%...", content_type="application/pdf")
    response = client.post(reverse("initiative_create"), {"title": "Sổ tay số", "recognised_by": "Huyện Đoàn",
                                                          "date": DAY.strftime("%d/%m/%Y"), "document": pdf})
    assert response.status_code == 302
    initiative = Initiative.objects.get()
    download = client.get(reverse("initiative_document", args=[initiative.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert "attachment" in download["Content-Disposition"]
    fake = SimpleUploadedFile("x.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = client.post(reverse("initiative_create"), {"title": "Khác", "date": DAY.isoformat(), "document": fake})
    assert "Tệp phải là ảnh (JPEG, PNG, WebP), tệp PDF hoặc văn bản Word (.docx)." in response.content.decode()
    response = client.post(reverse("initiative_create"), {"title": "", "date": DAY.isoformat()})
    assert "Không được để trống." in response.content.decode()
    assert Initiative.objects.count() == 1


@pytest.fixture
def entries(w):
    activity = activity_log(cadre=w.member, kind=ActivityKind.VOLUNTEER_ACTIVITY, date=DAY, photo=png(),
                            acting_user=w.member.user)
    initiative = initiative_log(cadre=w.member, title="Sáng kiến", date=DAY, recognised_by="Xã Đoàn",
                                document=png("giay.png"), acting_user=w.member.user)
    return activity, initiative


def _who(w, persona):
    return {"own": w.member.user, "reviewer": w.secretary.user, "manager": w.g1_secretary.user,
            "provincial": w.provincial, "sibling": w.sibling.user, "foreign": w.foreign_cadre.user}[persona]


@pytest.mark.parametrize("persona, status", [("own", 200), ("reviewer", 200), ("manager", 200),
                                             ("provincial", 200), ("sibling", 404), ("foreign", 404)])
def test_files_only_through_the_permission_checked_views(client, w, entries, persona, status):
    activity, initiative = entries
    client.force_login(_who(w, persona))
    photo = client.get(reverse("activity_photo", args=[activity.pk]))
    assert photo.status_code == status
    if status == 200:
        assert photo["Content-Type"] == "image/png" and "inline" in photo["Content-Disposition"]
    assert client.get(reverse("initiative_document", args=[initiative.pk])).status_code == status


@pytest.mark.parametrize("persona", ["reviewer", "manager", "sibling", "foreign"])
def test_only_the_cadre_deletes_their_entries(client, w, entries, persona):
    activity, initiative = entries
    client.force_login(_who(w, persona))
    assert client.post(reverse("activity_delete", args=[activity.pk])).status_code == 404
    assert client.post(reverse("initiative_delete", args=[initiative.pk])).status_code == 404
    assert Activity.objects.count() == 1 and Initiative.objects.count() == 1


def test_the_cadre_deletes_an_entry_and_its_file(client, w, entries, django_capture_on_commit_callbacks):
    activity, initiative = entries
    storage = activity.photo.storage
    name = activity.photo.name
    client.force_login(w.member.user)
    assert client.get(reverse("activity_delete", args=[activity.pk])).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("activity_delete", args=[activity.pk]))
    assert response.status_code == 302 and not Activity.objects.exists()
    assert not storage.exists(name)
    client.post(reverse("initiative_delete", args=[initiative.pk]))
    assert not Initiative.objects.exists()


def test_a_person_without_a_cadre_profile_has_no_log(client, w):
    client.force_login(w.provincial)
    assert client.get(reverse("activity_list")).status_code == 404
    assert client.post(reverse("activity_create"), {"kind": "branch_meeting", "date": DAY.isoformat()}).status_code == 404
    assert not Activity.objects.exists()


def test_the_menu_offers_the_log_to_cadres_only(client, w):
    client.force_login(w.member.user)
    assert f'href="{reverse("activity_list")}"' in client.get(reverse("home")).content.decode()
    client.force_login(w.provincial)
    assert f'href="{reverse("activity_list")}"' not in client.get(reverse("home")).content.decode()
