"""What the API does beyond who reaches what (tests/api/test_permissions.py): incremental
sync, pagination, the call log, the rate and size limits, the problem documents, the command
and the managers' page."""

import datetime
import io
import time

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from api.models import ApiCall, ApiClient, ApiScope
from cadres.actors import SYSTEM
from cadres.models import AccessKind, AccessRecord, AuditEvent, Cadre, GrantRole, PositionRole
from cadres.services.imports import import_file
from tests.api.factories import api_client, bearer
from tests.cadres.factories import CadreFactory, GrantFactory, province_pair
from tests.cadres.spreadsheets import cadre_row, cadres_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    with scopes_disabled():
        return province_pair()


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def _import(tree, *rows):
    with scopes_disabled():
        report = import_file(kind="cadres", root=tree["d1"], data=cadres_file(*rows), dry_run=False, acting_user=SYSTEM)
    assert report.applied, report
    return report


KEPT = dict(name="Lê Văn Giữ", email="giu@example.vn", phone="0912000001", unit="G1", role="Bí thư")
CHANGED = dict(name="Trần Thị Đổi", email="doi@example.vn", phone="0912000002", unit="G1", role="Phó Bí thư")


def test_updated_since_across_an_import_gives_exactly_the_changed_cadres(client, tree):
    _import(tree, cadre_row(**KEPT), cadre_row(**CHANGED))
    with scopes_disabled():
        elsewhere = CadreFactory(unit=tree["g2"], role=PositionRole.SECRETARY, full_name="Đỗ Văn Khác")
        kept, changed = (Cadre.objects.get(email=row["email"]) for row in (KEPT, CHANGED))
    _c, token = api_client(tree["d1"], [ApiScope.CADRES_READ])
    assert _ids(client.get("/api/v1/cadres/", **bearer(token))) == {kept.pk, changed.pk}  # not D2's cadre
    time.sleep(0.01)
    since = timezone.now()
    report = _import(tree, cadre_row(**KEPT), cadre_row(**CHANGED, job_title="Chuyên viên"),
                     cadre_row(name="Nguyễn Thị Mới", email="moi@example.vn", phone="0912000003", unit="B1"))
    assert (report.counts["unchanged"], report.counts["changed"], report.counts["new"]) == (1, 1, 1)
    with scopes_disabled():
        new = Cadre.objects.get(email="moi@example.vn")
    synced = _ids(client.get("/api/v1/cadres/", {"updated_since": since.isoformat()}, **bearer(token)))
    assert synced == {changed.pk, new.pk}
    assert elsewhere.pk not in synced and kept.pk not in synced


def test_an_ended_position_counts_as_a_changed_cadre(client, tree):
    from cadres.services.people import position_end

    with scopes_disabled():
        cadre = CadreFactory(unit=tree["g1"], role=PositionRole.SECRETARY)
        CadreFactory(unit=tree["g1"], role=PositionRole.EXECUTIVE_MEMBER)
        position = cadre.positions.get()
    _c, token = api_client(tree["d1"], [ApiScope.CADRES_READ])
    time.sleep(0.01)
    since = timezone.now()
    with scopes_disabled():
        position_end(position=position, end_date=timezone.localdate() + datetime.timedelta(days=30),
                     acting_user=SYSTEM)
    rows = client.get("/api/v1/cadres/", {"updated_since": since.isoformat(), "unit": "G1"}, **bearer(token)).json()
    assert [row["id"] for row in rows["results"]] == [cadre.pk]
    assert rows["results"][0]["positions"][0]["end_date"]


def test_cursor_pages_walk_the_tree_once_in_order(client, tree):
    _c, token = api_client(tree["d1"], [ApiScope.UNITS_READ])
    url, seen = "/api/v1/units/?page_size=1", []
    while url:
        page = client.get(url, **bearer(token)).json()
        seen += [row["code"] for row in page["results"]]
        url = page["next"]
    assert seen == ["D1", "G1", "B1"]
    assert client.get("/api/v1/units/", {"unit": "G1"}, **bearer(token)).json()["results"][0]["parent"] == "D1"


@pytest.mark.parametrize("query, field", [
    ({"updated_since": "hôm qua"}, "updated_since"), ({"updated_since": ""}, "updated_since"),
    ({"cursor": "không-phải-con-trỏ"}, None), ({"page_size": "0"}, "page_size"), ({"page_size": "abc"}, "page_size"),
    ({"updated_sinse": "2026-01-01"}, "updated_sinse"), ({"state": "xong"}, "state"), ({"cycle": "năm nay"}, "cycle"),
])
def test_malformed_filters_and_cursors_are_a_400_problem(client, tree, query, field):
    _c, token = api_client(tree["d1"])
    response = client.get("/api/v1/registrations/", query, **bearer(token))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["title"] == "Yêu cầu không hợp lệ"
    assert body["detail_en"]
    if field:
        assert field in body["errors"]
    else:
        assert body["code"] == "bad-cursor"


@pytest.mark.parametrize("since", ["0001-01-01T00:00:00+01:00", "0001-01-01T00:00:00", "9999-12-31T23:00:00-05:00"])
@pytest.mark.parametrize("path", ["/api/v1/cadres/", "/api/v1/cadres/departed/", "/api/v1/units/"])
def test_an_instant_at_the_edge_of_the_calendar_is_the_first_or_last_instant(client, tree, path, since):
    """A time zone that takes a valid ISO 8601 instant past year 1 or 9999 (schemathesis found
    it) reads from the beginning or from the end, neither a 400 nor DRF's OverflowError."""
    with scopes_disabled():
        CadreFactory(unit=tree["b1"], role=PositionRole.SECRETARY)
    _c, token = api_client(tree["d1"], [ApiScope.UNITS_READ, ApiScope.CADRES_READ])
    response = client.get(path, {"updated_since": since}, **bearer(token))
    assert response.status_code == 200
    if path != "/api/v1/cadres/departed/":
        assert bool(response.json()["results"]) == since.startswith("0001")


def test_a_unit_filter_outside_the_subtree_is_a_404(client, tree):
    _c, token = api_client(tree["d1"])
    assert client.get("/api/v1/cadres/", {"unit": "D2"}, **bearer(token)).status_code == 404
    assert client.get("/api/v1/cadres/", {"unit": "G1"}, **bearer(token)).status_code == 200


def test_each_call_is_logged_with_its_endpoint_status_and_count(client, tree):
    with scopes_disabled():
        CadreFactory(unit=tree["g1"], role=PositionRole.SECRETARY)
        CadreFactory(unit=tree["b1"], role=PositionRole.SECRETARY)
    api, token = api_client(tree["d1"], [ApiScope.UNITS_READ, ApiScope.CADRES_READ])
    client.get("/api/v1/cadres/", **bearer(token))
    client.get("/api/v1/units/G1/", **bearer(token))
    client.get("/api/v1/units/D2/", **bearer(token))
    client.get("/api/v1/programmes/", **bearer(token))
    calls = list(ApiCall.objects.filter(client=api).order_by("id").values_list("endpoint", "status", "records"))
    assert calls == [("api_cadres-list", 200, 2), ("api_units-detail", 200, 1), ("api_units-detail", 404, 0),
                     ("api_programmes-list", 403, 0)]
    with scopes_disabled():
        assert ApiClient.objects.get(pk=api.pk).last_used_at is not None


def test_the_rate_limit_is_per_client(client, tree, settings):
    settings.API_RATE = "3/min"
    _c, token = api_client(tree["d1"], [ApiScope.UNITS_READ])
    _o, other = api_client(tree["d1"], [ApiScope.UNITS_READ])
    assert [client.get("/api/v1/units/", **bearer(token)).status_code for _ in range(3)] == [200] * 3
    refused = client.get("/api/v1/units/", **bearer(token))
    assert refused.status_code == 429 and refused.json()["code"] == "throttled"
    assert int(refused["Retry-After"]) > 0
    assert client.get("/api/v1/units/", **bearer(other)).status_code == 200


def test_a_body_too_large_is_a_413(client, tree, settings):
    settings.API_MAX_BODY_BYTES = 100
    _c, token = api_client(tree["d1"], [ApiScope.UNITS_READ])
    response = client.post("/api/v1/units/", data="x" * 101, content_type="application/json", **bearer(token))
    assert response.status_code == 413 and response.json()["code"] == "too-large"
    assert client.post("/api/v1/units/", data="{}", content_type="application/json",
                       **bearer(token)).status_code == 405


def test_the_command_prints_a_working_token_once(client, tree):
    out, err = io.StringIO(), io.StringIO()
    call_command("api_client_create", tenant="a", unit="D1", scopes="units:read,cadres:read",
                 name="Phần mềm Trung ương", expires="2099-12-31", stdout=out, stderr=err)
    token = out.getvalue().strip()
    assert token.startswith("srl_")
    with scopes_disabled():
        api = ApiClient.objects.get(name="Phần mềm Trung ương")
        assert token not in api.token_hash and api.scopes == ["units:read", "cadres:read"]
        assert AuditEvent.objects.filter(action="api_client.create", object_id=str(api.pk), actor=None).exists()
    assert client.get("/api/v1/units/", **bearer(token)).status_code == 200
    with pytest.raises(CommandError):
        call_command("api_client_create", tenant="a", unit="D1", scopes="everything", name="X", stdout=out)
    with pytest.raises(CommandError):
        call_command("api_client_create", tenant="a", unit="D1", scopes="units:read", name="X", expires="31/12/2099",
                     stdout=out)


def test_a_manager_creates_rotates_and_revokes_a_client_on_the_page(client, tree):
    with scopes_disabled():
        manager = GrantFactory(unit=tree["d1"], role=GrantRole.UNIT_MANAGER).user
    client.force_login(manager)
    url = reverse("api_clients", args=["a", "D1"])
    response = client.post(url, {"name": "Hệ thống tỉnh", "scopes": ["units:read"], "expires": ""})
    assert response.status_code == 200
    token = response.context["token"]
    assert "Hãy sao chép mã truy cập ngay" in response.content.decode() and token in response.content.decode()
    assert token not in client.get(url).content.decode()  # shown once
    with scopes_disabled():
        api = ApiClient.objects.get(name="Hệ thống tỉnh")
    assert client.get("/api/v1/units/", **bearer(token)).status_code == 200

    rotated = client.post(reverse("api_client_rotate", args=["a", "D1", api.pk])).context["token"]
    assert client.get("/api/v1/units/", **bearer(token)).json()["code"] == "token-invalid"
    assert client.get("/api/v1/units/", **bearer(rotated)).status_code == 200

    client.post(reverse("api_client_revoke", args=["a", "D1", api.pk]))
    assert client.get("/api/v1/units/", **bearer(rotated)).json()["code"] == "token-revoked"
    with scopes_disabled():
        actions = list(AuditEvent.objects.filter(object_id=str(api.pk), object_type="api.apiclient")
                       .order_by("id").values_list("action", "actor"))
    assert actions == [("api_client.create", manager.pk), ("api_client.rotate", manager.pk),
                       ("api_client.revoke", manager.pk)]


def test_the_docs_are_served_by_the_app_under_the_policy(client):
    page = client.get("/api/v1/docs/")  # the suite's client checks the CSP and the HTML against it
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    assert client.get("/api/v1/schema/").status_code == 200


def test_an_api_dry_run_previews_the_file_as_the_page_does_and_writes_nothing(client, tree):
    _import(tree, cadre_row(**KEPT), cadre_row(**CHANGED))
    data = cadres_file(cadre_row(**KEPT), cadre_row(**CHANGED, job_title="Chuyên viên"),
                       cadre_row(name="Nguyễn Thị Mới", email="moi@example.vn", phone="0912000003", unit="B1"),
                       cadre_row(name="Ngô Văn Ngoài", email="ngoai@example.vn", phone="0912000004", unit="G2"))
    _c, token = api_client(tree["d1"], [ApiScope.IMPORTS_WRITE])
    with scopes_disabled():
        before = Cadre.objects.count()
    response = client.post("/api/v1/imports/cadres/preview/", {"unit": "D1", "file": _upload(data)}, **bearer(token))
    assert response.status_code == 200, response.content
    preview = response.json()
    assert preview["counts"] == {"new": 1, "changed": 1, "unchanged": 1, "error": 1}
    assert [row["status"] for row in preview["rows"]] == ["unchanged", "changed", "new", "error"]
    assert preview["rows"][3]["problems"][0]["column"]  # G2 is outside D1: told on its row and column

    with scopes_disabled():
        assert Cadre.objects.count() == before
        manager = GrantFactory(unit=tree["d1"], role=GrantRole.UNIT_MANAGER).user
    client.force_login(manager)
    page = client.post(reverse("import_upload", args=["a", "D1", "cadres"]), {"file": _upload(data)})
    report = page.context["report"]
    assert [(row.number, row.status, [str(c) for c in row.changes], [str(p.message) for p in row.problems])
            for row in report.rows] == [(row["number"], row["status"], row["changes"],
                                         [p["message"] for p in row["problems"]]) for row in preview["rows"]]


def test_an_api_dry_run_outside_the_subtree_is_a_404(client, tree):
    _c, token = api_client(tree["d1"], [ApiScope.IMPORTS_WRITE])
    data = cadres_file(cadre_row(unit="G2"))
    response = client.post("/api/v1/imports/cadres/preview/", {"unit": "D2", "file": _upload(data)}, **bearer(token))
    assert response.status_code == 404
    response = client.post("/api/v1/imports/cadres/preview/", {"unit": "D1"}, **bearer(token))
    assert response.status_code == 400 and "file" in response.json()["errors"]


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("can-bo.xlsx", data, content_type="application/vnd.openxmlformats-officedocument"
                                                                 ".spreadsheetml.sheet")


def test_a_response_naming_cadres_is_in_their_access_log(client, tree):
    """The cadres a call returns (a list, one cadre, a form) learn that the client read them:
    one access record per call, named after the client; a call naming nobody records nothing."""
    with scopes_disabled():
        first = CadreFactory(unit=tree["g1"], role=PositionRole.SECRETARY)
        second = CadreFactory(unit=tree["b1"], role=PositionRole.SECRETARY)
    api, token = api_client(tree["d1"], [ApiScope.UNITS_READ, ApiScope.CADRES_READ], name="Thống kê tỉnh")
    client.get("/api/v1/cadres/", **bearer(token))
    client.get(f"/api/v1/cadres/{first.pk}/", **bearer(token))
    client.get("/api/v1/units/", **bearer(token))
    with scopes_disabled():
        records = list(AccessRecord.objects.order_by("id"))
        assert [(r.kind, r.viewer, r.viewer_label, r.subject_count) for r in records] == [
            (AccessKind.API, None, "API: Thống kê tỉnh", 2), (AccessKind.API, None, "API: Thống kê tỉnh", 1)]
        assert set(records[0].subjects.values_list("cadre_id", flat=True)) == {first.pk, second.pk}
    client.force_login(first.user)
    page = client.get(reverse("my_access_log")).content.decode()
    assert page.count("API: Thống kê tỉnh") == 2
