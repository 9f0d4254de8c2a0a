"""The access log: every read of a cadre's data by someone else is one record, in the same
request; the cadre sees who read what ("Ai đã xem hồ sơ của tôi"), managers their subtree's,
provincial staff their tenant's; old records go after the retention."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cadres.models import AccessKind, AccessRecord, AccessSubject, PositionRole
from cadres.services.access_log import access_record, access_records_purge
from cadres.tasks import purge_access_records
from tests.cadres.factories import CadreFactory
from tests.evaluations.factories import approved_registration, world as evaluation_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return evaluation_world()


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def records_about(cadre):
    return AccessRecord.objects.filter(subjects__cadre=cadre).order_by("created_at", "id")


def test_a_profile_read_is_recorded_with_the_viewer_and_their_role(client, w):
    client.force_login(w.secretary.user)
    assert client.get(reverse("cadre_detail", args=[w.member.pk])).status_code == 200
    [record] = records_about(w.member)
    assert (record.kind, record.viewer, record.viewer_label, record.subject_count) == (
        AccessKind.PROFILE, w.secretary.user, "Lê Văn Bình", 1)
    assert record.role_display == f"Bí thư – {w.b1.name}"
    assert record.path == reverse("cadre_detail", args=[w.member.pk])


def test_reading_ones_own_data_is_not_recorded(client, w):
    client.force_login(w.member.user)
    client.get(reverse("cadre_detail", args=[w.member.pk]))
    registration = approved_registration(w)
    client.get(reverse("registration_detail", args=[registration.pk]))
    client.get(reverse("registration_pdf", args=[registration.pk]))
    assert not records_about(w.member).exists()


def test_forms_and_their_pdfs_are_recorded(client, w):
    registration = approved_registration(w)
    client.force_login(w.g1_secretary.user)
    for name in ("registration_detail", "registration_pdf"):
        assert client.get(reverse(name, args=[registration.pk])).status_code == 200
    kinds = [(r.kind, r.object_type, r.object_id) for r in records_about(w.member)]
    assert kinds == [(AccessKind.FORM, "evaluations.registration", str(registration.pk)),
                     (AccessKind.FORM_PDF, "evaluations.registration", str(registration.pk))]


def test_a_list_page_is_one_record_naming_everyone_it_showed(client, w):
    client.force_login(w.provincial)
    before = AccessRecord.objects.count()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("unit_cadres", args=["a", "G1"])).status_code == 200
    [record] = AccessRecord.objects.all()[: AccessRecord.objects.count() - before]
    shown = {w.member.pk, w.secretary.pk, w.deputy.pk, w.g1_secretary.pk}
    assert record.kind == AccessKind.LIST and record.subject_count == len(shown)
    assert set(AccessSubject.objects.filter(record=record).values_list("cadre_id", flat=True)) == shown
    # One insert for the record and one for all its subjects.
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")
               and "access" in q["sql"]]
    assert len(inserts) == 2


def test_the_cadre_export_names_the_whole_subtree(client, w):
    client.force_login(w.provincial)
    assert client.get(reverse("import_export", args=["a", "D1", "cadres"])).status_code == 200
    record = AccessRecord.objects.get(kind=AccessKind.EXPORT)
    assert record.subject_count == 4  # B1's three and G1's secretary
    assert AccessSubject.objects.filter(record=record, cadre=w.member).exists()


def test_a_cadre_sees_who_viewed_their_file_but_not_other_peoples_reads(client, w):
    registration = approved_registration(w)
    client.force_login(w.g1_secretary.user)
    client.get(reverse("cadre_detail", args=[w.member.pk]))
    client.get(reverse("registration_pdf", args=[registration.pk]))
    client.get(reverse("cadre_detail", args=[w.secretary.pk]))  # someone else's file
    client.force_login(w.member.user)
    profile = client.get(reverse("my_profile"))
    assert reverse("my_access_log") in profile.content.decode()
    page = text(client.get(reverse("my_access_log")))
    assert "Ai đã xem hồ sơ của tôi" in page
    assert page.count("Võ Minh Tâm") == 2
    assert "Bí thư – Đoàn xã" in page
    assert "Hồ sơ" in page and "Bản PDF của biểu mẫu" in page


def test_managers_see_their_subtree_and_provincial_staff_the_tenant(client, w):
    client.force_login(w.provincial)
    client.get(reverse("cadre_detail", args=[w.member.pk]))
    client.get(reverse("cadre_detail", args=[w.sibling.pk]))
    client.force_login(w.g1_secretary.user)
    listed = client.get(reverse("unit_access_log", args=["a", "G1"])).context["page"].object_list
    assert [r.subject_count for r in listed] == [1]  # the member's read, not the sibling unit's
    client.force_login(w.provincial)
    assert client.get(reverse("unit_access_log", args=["a", "A"])).status_code == 200
    assert len(client.get(reverse("unit_access_log", args=["a", "A"])).context["page"].object_list) == 2
    client.force_login(w.sibling.user)
    assert client.get(reverse("unit_access_log", args=["a", "G1"])).status_code == 404


def test_an_api_client_can_write_a_record_with_no_account(w):
    record = access_record(viewer=None, viewer_label="API: ứng dụng thống kê", kind=AccessKind.API,
                           cadres=[w.member, w.secretary.pk], tenant_id=w.root.tenant_id, path="/api/cadres/")
    assert record is not None and record.viewer is None and record.subject_count == 2
    assert records_about(w.member).get().viewer_label == "API: ứng dụng thống kê"


def test_records_past_the_retention_are_purged_by_the_beat_task(settings, w):
    settings.ACCESS_LOG_RETENTION_MONTHS = 24
    old = access_record(viewer=w.secretary.user, kind=AccessKind.PROFILE, cadres=[w.member],
                        tenant_id=w.root.tenant_id)
    recent = access_record(viewer=w.secretary.user, kind=AccessKind.PROFILE, cadres=[w.member],
                           tenant_id=w.root.tenant_id)
    AccessRecord.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=2 * 366))
    AccessRecord.objects.filter(pk=recent.pk).update(created_at=timezone.now() - datetime.timedelta(days=700))
    assert purge_access_records.apply().get() == 1
    assert list(AccessRecord.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not AccessSubject.objects.filter(record_id=old.pk).exists()
    settings.ACCESS_LOG_RETENTION_MONTHS = 12
    assert access_records_purge() == 1


def test_a_second_cadre_in_the_unit_is_not_told_of_the_first_ones_reads(client, w):
    other = CadreFactory(unit=w.b1, role=PositionRole.EXECUTIVE_MEMBER, full_name="Hồ Thị Lan")
    client.force_login(w.secretary.user)
    client.get(reverse("cadre_detail", args=[w.member.pk]))
    client.force_login(other.user)
    assert list(client.get(reverse("my_access_log")).context["page"].object_list) == []
