"""Imports confirmed through the API: the job, its resource, its principal and audit trail; an
API import equals the same file imported on the page; a sync across an import; the cadres
who leave a client's subtree, told to an incremental sync."""

import datetime
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from api.models import ApiClient, ApiScope
from api.services import api_client_revoke
from cadres.actors import SYSTEM
from cadres.models import AuditEvent, Cadre, GrantRole, ImportJob, Position, PositionRole, User
from cadres.services.people import position_end
from cadres.services.reorganise import unit_move
from portal.audit import actor_label, describe
from tests.api.factories import api_client, bearer
from tests.cadres.factories import CadreFactory, GrantFactory, UnitFactory, province_pair
from tests.cadres.spreadsheets import cadre_row, cadres_file

pytestmark = pytest.mark.django_db

KEPT = dict(name="Lê Văn Giữ", email="giu@example.vn", phone="0912000001", unit="G1", role="Bí thư")
CHANGED = dict(name="Trần Thị Đổi", email="doi@example.vn", phone="0912000002", unit="G1", role="Phó Bí thư")
NEW = dict(name="Nguyễn Thị Mới", email="moi@example.vn", phone="0912000003", unit="B1")


@pytest.fixture
def tree():
    with scopes_disabled():
        return province_pair()


def _upload(data: bytes, name: str = "can-bo.xlsx"):
    return SimpleUploadedFile(name, data)


def _confirm(client, token, data, capture, unit="D1", kind="cadres"):
    """POST the confirmation; the queued job runs (eagerly) once the request's transaction commits."""
    with capture(execute=True):
        response = client.post(reverse("api_import_confirm", args=[kind]), {"unit": unit, "file": _upload(data)},
                               **bearer(token))
    return response


def _page_import(client, manager, data, capture):
    """The same file through the pages, as a manager of D1: preview, then confirm."""
    client.force_login(manager)
    page = client.post(reverse("import_upload", args=["a", "D1", "cadres"]), {"file": _upload(data)})
    with capture(execute=True):
        client.post(reverse("import_confirm", args=["a", "D1", "cadres"]), {"token": page.context["token"]})
    client.logout()


def _world(tree):
    """What an import writes, without ids or who did it: cadres, positions, accounts, audit rows."""
    with scopes_disabled():
        cadres = sorted((c.full_name, c.email, c.phone, c.birth_date, c.gender, c.job_title, c.is_full_time,
                         c.user.email if c.user else None) for c in Cadre.objects.select_related("user"))
        positions = sorted((p.cadre.email, p.unit.code, p.role, p.start_date, p.end_date)
                           for p in Position.objects.select_related("cadre", "unit"))
        emails = dict(Cadre.objects.values_list("pk", "email"))
        accounts = sorted((u.email, u.phone, u.is_active, u.has_usable_password()) for u in User.objects.all())
        events = sorted((e.action, e.object_type, e.unit.code if e.unit else None, e.cadre.email if e.cadre else None,
                         str(sorted((k, emails.get(v) if k == "cadre" else v)  # ids differ: name the cadre
                                    for k, v in e.data.items() if k != "api_client")))
                        for e in AuditEvent.objects.select_related("unit", "cadre")
                        .exclude(action__startswith="api_client."))
    return cadres, positions, accounts, events


def test_a_confirmed_import_is_a_job_the_client_polls(client, tree, django_capture_on_commit_callbacks):
    api, token = api_client(tree["d1"], [ApiScope.IMPORTS_WRITE], name="Hệ thống nhân sự tỉnh")
    with scopes_disabled():
        written_before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    response = _confirm(client, token, cadres_file(cadre_row(**KEPT), cadre_row(**NEW)),
                        django_capture_on_commit_callbacks)
    assert response.status_code == 202, response.content
    queued = response.json()
    assert queued["status"] == "queued" and queued["unit"] == "D1" and queued["filename"] == "can-bo.xlsx"
    assert response["Location"] == queued["url"] == f"http://testserver/api/v1/imports/jobs/{queued['id']}/"
    job = client.get(queued["url"], **bearer(token)).json()
    assert job["status"] == "done" and job["counts"] == {"new": 2, "changed": 0, "unchanged": 0, "error": 0}
    assert job["summary"] == "2 mới, 0 thay đổi, 0 không đổi, 0 có lỗi."
    assert job["problems"] == [] and job["progress"] is None
    assert job["finished_at"].endswith("+07:00")  # in the site's time zone, as every resource answers
    with scopes_disabled():
        assert set(Cadre.objects.values_list("email", flat=True)) == {KEPT["email"], NEW["email"]}
        record = ImportJob.objects.get(pk=queued["id"])
        assert (record.user, record.api_client) == (None, api)
        events = {e.action: e for e in AuditEvent.objects.filter(id__gt=written_before)}
    assert set(events) == {"import.queue", "import.cadres", "cadre.create", "position.create"}
    for event in events.values():  # the system wrote them, for the client, and the trail says so
        assert event.actor is None and event.data["api_client"] == {"id": api.pk, "name": "Hệ thống nhân sự tỉnh"}
        assert actor_label(event) == "API: Hệ thống nhân sự tỉnh"
        assert all(change.label != "api_client" for change in describe(event))


def test_a_file_with_a_problem_writes_nothing_and_the_job_says_why(client, tree, django_capture_on_commit_callbacks):
    _c, token = api_client(tree["d1"], [ApiScope.IMPORTS_WRITE])
    data = cadres_file(cadre_row(**NEW), cadre_row(name="Ngô Văn Ngoài", email="ngoai@example.vn", unit="G2"))
    job = client.get(_confirm(client, token, data, django_capture_on_commit_callbacks).json()["url"],
                     **bearer(token)).json()
    assert job["status"] == "failed" and job["problem_count"] == 1
    assert job["problems"][0].startswith("Dòng 3, cột")  # Vietnamese, row and column first
    with scopes_disabled():
        assert not Cadre.objects.exists()


def test_a_client_revoked_before_its_job_runs_writes_nothing(client, tree, django_capture_on_commit_callbacks):
    api, token = api_client(tree["d1"], [ApiScope.IMPORTS_WRITE])
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(reverse("api_import_confirm", args=["cadres"]),
                               {"unit": "D1", "file": _upload(cadres_file(cadre_row(**NEW)))}, **bearer(token))
    with scopes_disabled():
        api_client_revoke(client=api, acting_user=SYSTEM)
    for callback in queued:
        callback()
    with scopes_disabled():
        job = ImportJob.objects.get(pk=response.json()["id"])
        assert job.status == "failed" and "không còn" in job.result["error"]
        assert not Cadre.objects.exists()


def test_a_job_records_exactly_one_principal(tree):
    with scopes_disabled():
        api, _token = api_client(tree["d1"], [ApiScope.IMPORTS_WRITE])
        user = GrantFactory(unit=tree["d1"], role=GrantRole.UNIT_MANAGER).user
        for principal in ({}, {"user": user, "api_client": api}):
            with pytest.raises(IntegrityError), transaction.atomic():
                ImportJob.objects.create(tenant=tree["d1"].tenant, unit=tree["d1"], kind="cadres", upload_token="x",
                                         **principal)


def test_an_api_import_equals_the_same_file_imported_on_the_page(client, tree, django_capture_on_commit_callbacks):
    with scopes_disabled():
        CadreFactory(unit=tree["g1"], role=PositionRole.SECRETARY, full_name=CHANGED["name"], email=CHANGED["email"],
                     phone=CHANGED["phone"])
        manager = GrantFactory(unit=tree["d1"], role=GrantRole.UNIT_MANAGER).user
    data = cadres_file(cadre_row(**KEPT), cadre_row(**CHANGED, job_title="Chuyên viên"), cadre_row(**NEW))
    _c, token = api_client(tree["d1"], [ApiScope.IMPORTS_WRITE])
    before = _world(tree)
    with transaction.atomic():
        assert _confirm(client, token, data, django_capture_on_commit_callbacks).status_code == 202
        through_api = _world(tree)
        transaction.set_rollback(True)
    assert _world(tree) == before
    _page_import(client, manager, data, django_capture_on_commit_callbacks)
    on_the_page = _world(tree)
    assert through_api != before
    for part, (api_rows, page_rows) in enumerate(zip(through_api, on_the_page)):
        assert api_rows == page_rows, (part, set(api_rows) ^ set(page_rows))


def test_a_sync_across_an_api_import_gets_exactly_the_changed_cadres(client, tree, django_capture_on_commit_callbacks):
    _c, token = api_client(tree["d1"], [ApiScope.IMPORTS_WRITE, ApiScope.CADRES_READ])
    _confirm(client, token, cadres_file(cadre_row(**KEPT), cadre_row(**CHANGED)), django_capture_on_commit_callbacks)
    with scopes_disabled():
        CadreFactory(unit=tree["g2"], role=PositionRole.SECRETARY)  # D2's: never this client's
        kept, changed = (Cadre.objects.get(email=row["email"]) for row in (KEPT, CHANGED))
    time.sleep(0.01)
    since = timezone.now()
    job = _confirm(client, token, cadres_file(cadre_row(**KEPT), cadre_row(**CHANGED, job_title="Chuyên viên"),
                                              cadre_row(**NEW)), django_capture_on_commit_callbacks).json()
    assert client.get(job["url"], **bearer(token)).json()["counts"] == {"new": 1, "changed": 1, "unchanged": 1,
                                                                         "error": 0}
    with scopes_disabled():
        new = Cadre.objects.get(email=NEW["email"])
    synced = client.get("/api/v1/cadres/", {"updated_since": since.isoformat()}, **bearer(token)).json()["results"]
    assert {row["id"] for row in synced} == {changed.pk, new.pk}
    assert kept.pk not in {row["id"] for row in synced}


def _departed(client, token, since) -> set[int]:
    response = client.get("/api/v1/cadres/departed/", {"updated_since": since.isoformat()}, **bearer(token))
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_cadres_who_leave_the_subtree_are_told_to_a_sync(client, tree):
    """Ended, moved to D2 by a new position, ended on a date that passes later with nothing
    written, moved with their unit out of D1: each is a tombstone since a sync before it, and
    off the list; one who stays, who left before, or who leaves another subtree is none."""
    today, yesterday = timezone.localdate(), timezone.localdate() - datetime.timedelta(days=1)
    with scopes_disabled():
        leaving = UnitFactory(parent=tree["g1"], code="B9", name="Chi đoàn rời đi")
        ended, later, stays = (CadreFactory(unit=tree["b1"]) for _ in range(3))
        transferred, moved = CadreFactory(unit=tree["g1"]), CadreFactory(unit=leaving)
        elsewhere, left_before = CadreFactory(unit=tree["g2"]), CadreFactory(unit=tree["g1"])
        position_end(position=left_before.positions.get(), end_date=today - datetime.timedelta(days=3),
                     acting_user=SYSTEM)
    _c, token = api_client(tree["d1"], [ApiScope.CADRES_READ])
    time.sleep(0.01)
    since = timezone.now()
    with scopes_disabled():
        for cadre in (ended, transferred, elsewhere):
            position_end(position=cadre.positions.get(), end_date=yesterday, acting_user=SYSTEM)
        Position.objects.create(tenant=transferred.tenant, cadre=transferred, unit=tree["g2"],
                                role=PositionRole.SECRETARY, start_date=today)
        position_end(position=later.positions.get(), end_date=today + datetime.timedelta(days=10), acting_user=SYSTEM)
    assert _departed(client, token, since) == {ended.pk, transferred.pk}
    listed = {row["id"] for row in client.get("/api/v1/cadres/", **bearer(token)).json()["results"]}
    assert not {ended.pk, transferred.pk, left_before.pk} & listed and {later.pk, stays.pk, moved.pk} <= listed

    time.sleep(0.01)
    since_again = timezone.now()
    with scopes_disabled():
        # Ten days on, the later end has passed: as if, its date moved back and its row left as written then.
        ten_days_ago = timezone.now() - datetime.timedelta(days=10)
        Position.objects.filter(cadre=later).update(end_date=yesterday, updated_at=ten_days_ago)
        Position.objects.filter(cadre=left_before).update(updated_at=ten_days_ago)
        manager = GrantFactory(unit=tree["root"], role=GrantRole.UNIT_MANAGER).user
        unit_move(unit=leaving, parent=tree["d2"], acting_user=manager)
    assert _departed(client, token, since_again) == {moved.pk}
    two_days_ago = timezone.now() - datetime.timedelta(days=2)
    assert _departed(client, token, two_days_ago) == {ended.pk, transferred.pk, later.pk, moved.pk}


@pytest.mark.parametrize("query", [{}, {"updated_since": "hôm qua"}, {"updated_since": "2026-01-01", "unit": "G1"}])
def test_departed_needs_a_well_formed_since(client, tree, query):
    _c, token = api_client(tree["d1"], [ApiScope.CADRES_READ])
    response = client.get("/api/v1/cadres/departed/", query, **bearer(token))
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"


def test_another_clients_job_is_a_404(client, tree, django_capture_on_commit_callbacks):
    _c, token = api_client(tree["d1"], [ApiScope.IMPORTS_WRITE])
    other, other_token = api_client(tree["d1"], [ApiScope.IMPORTS_WRITE])
    url = _confirm(client, token, cadres_file(cadre_row(**NEW)), django_capture_on_commit_callbacks).json()["url"]
    assert client.get(url, **bearer(token)).status_code == 200
    assert client.get(url, **bearer(other_token)).json() == client.get(
        "/api/v1/imports/jobs/999999/", **bearer(other_token)).json()
    with scopes_disabled():
        assert ApiClient.objects.filter(pk=other.pk).exists()
