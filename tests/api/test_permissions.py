"""Every API route, for every kind of client: D1's own client reads D1's rows; a client of the
sibling huyện (D2) or of another province gets the same 404 for them as for an id that never
was (and lists without them); a client without the route's scope a 403; an expired or revoked
token, a wrong one or none a 401 — each a problem document. A route added to the API and
missing here fails `test_every_api_route_is_in_the_table`."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from api.models import ApiClient, ApiScope
from api.urls import api_v1
from tests.api.factories import ALL_READ, api_client, bearer
from tests.evaluations.factories import YEAR
from tests.permissions import url_names

pytestmark = pytest.mark.django_db

# (route, kwargs from the world, scope, what D1's client finds in the answer)
ROUTES = [
    ("api_units-list", lambda a: {}, ApiScope.UNITS_READ, lambda a: '"code":"B1"'),
    ("api_units-detail", lambda a: {"code": "G1"}, ApiScope.UNITS_READ, lambda a: '"code":"G1"'),
    ("api_cadres-list", lambda a: {}, ApiScope.CADRES_READ, lambda a: f'"id":{a["w"].member.pk},"full_name"'),
    ("api_cadres-detail", lambda a: {"pk": a["w"].member.pk}, ApiScope.CADRES_READ,
     lambda a: a["w"].member.full_name),
    ("api_programmes-list", lambda a: {}, ApiScope.FORMS_READ, lambda a: f'"id":{a["d1_programme"].pk},"name"'),
    ("api_programmes-detail", lambda a: {"pk": a["d1_programme"].pk}, ApiScope.FORMS_READ,
     lambda a: '"owner_unit":"D1"'),
    ("api_registrations-list", lambda a: {}, ApiScope.FORMS_READ, lambda a: f'"id":{a["registration"].pk},"cadre"'),
    ("api_registrations-detail", lambda a: {"pk": a["registration"].pk}, ApiScope.FORMS_READ,
     lambda a: '"state":"approved"'),
    ("api_self_assessments-list", lambda a: {}, ApiScope.FORMS_READ, lambda a: f'"id":{a["assessment"].pk},"cadre"'),
    ("api_self_assessments-detail", lambda a: {"pk": a["assessment"].pk}, ApiScope.FORMS_READ,
     lambda a: f'"registration":{a["registration"].pk}'),
    ("api_cycles-list", lambda a: {}, ApiScope.FIGURES_READ, lambda a: f'"year":{YEAR}'),
    ("api_cycle_figures", lambda a: {"year": YEAR, "code": "G1"}, ApiScope.FIGURES_READ,
     lambda a: '"unit":{"unit":"G1"'),
    ("api_cadres-departed", lambda a: {}, ApiScope.CADRES_READ, lambda a: f'"id":{a["departed"].pk}'),
]
# The query a route needs (its filter is required).
QUERIES = {"api_cadres-departed": {"updated_since": "2000-01-01T00:00:00Z"}}
LISTS = ("-list", "-departed")
# Routes that are no resource: the schema and its docs are public, the rest is a 404.
NOT_RESOURCES = {"api_schema", "api_docs", "api_not_found"}
# test_the_import_dry_run_route, test_confirming_an_import_route, test_an_import_job_route
WRITES = {"api_import_preview", "api_import_confirm", "api_import_job"}
# The province's cycles (their years and dates) are read by anyone of the province, as on the pages.
TENANT_WIDE = {"api_cycles-list"}
IDS = [f"{row[0]}-{i}" for i, row in enumerate(ROUTES)]


def _get(client, name, kwargs, token=None, **headers):
    extra = bearer(token) if token else {}
    return client.get(reverse(name, kwargs=kwargs), QUERIES.get(name, {}), **extra, **headers)


def _problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["code"] == code
    assert body["type"].endswith(code) and body["detail"] and body["detail_en"]
    return body


@pytest.mark.parametrize("name, kwargs, scope, finds", ROUTES, ids=IDS)
def test_own_client_reads_its_subtree(client, api_world, name, kwargs, scope, finds):
    _c, token = api_world["clients"]["own"]
    response = _get(client, name, kwargs(api_world), token)
    assert response.status_code == 200, response.content
    assert finds(api_world) in response.content.decode()
    assert response["ETag"]
    assert _get(client, name, kwargs(api_world), token, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


@pytest.mark.parametrize("persona", ["sibling", "foreign"])
@pytest.mark.parametrize("name, kwargs, scope, finds", ROUTES, ids=IDS)
def test_other_subtrees_do_not_reach_it(client, api_world, persona, name, kwargs, scope, finds):
    _c, token = api_world["clients"][persona]
    response = _get(client, name, kwargs(api_world), token)
    if name.endswith(LISTS):
        assert response.status_code == 200
        shown = finds(api_world) in response.content.decode()
        assert shown == (persona == "sibling" and name in TENANT_WIDE)
        if persona == "foreign":  # nothing of province A at all
            assert "Tỉnh Đoàn A" not in response.content.decode()
    else:
        body = _problem(response, 404, "not-found")
        missing = {key: ("ZZ9" if key == "code" else 10**9 if key == "pk" else value)
                   for key, value in kwargs(api_world).items()}
        assert _get(client, name, missing, token).json() == body  # the same answer as for nothing at all


@pytest.mark.parametrize("name, kwargs, scope, finds", ROUTES, ids=IDS)
def test_a_client_without_the_scope_is_forbidden(client, api_world, name, kwargs, scope, finds):
    _c, token = api_client(api_world["w"].d1, [s for s in ALL_READ if s != scope] or [ApiScope.IMPORTS_WRITE])
    _problem(_get(client, name, kwargs(api_world), token), 403, "scope-missing")


@pytest.mark.parametrize("persona, code", [("expired", "token-expired"), ("revoked", "token-revoked")])
@pytest.mark.parametrize("name, kwargs, scope, finds", ROUTES, ids=IDS)
def test_expired_and_revoked_tokens_are_refused(client, api_world, persona, code, name, kwargs, scope, finds):
    _c, token = api_world["clients"][persona]
    response = _get(client, name, kwargs(api_world), token)
    _problem(response, 401, code)
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("name, kwargs, scope, finds", ROUTES, ids=IDS)
def test_no_token_or_a_wrong_one_is_refused(client, api_world, name, kwargs, scope, finds):
    url = reverse(name, kwargs=kwargs(api_world)) + ("?updated_since=2000-01-01T00:00:00Z" if name in QUERIES else "")
    _problem(client.get(url), 401, "token-missing")
    _c, token = api_world["clients"]["own"]
    _problem(client.get(url, HTTP_AUTHORIZATION=f"Bearer {token[:-1]}x"), 401, "token-invalid")
    _problem(client.get(url, HTTP_AUTHORIZATION=f"Token {token}"), 401, "token-malformed")
    _problem(client.get(url, HTTP_AUTHORIZATION="Bearer srl_zz"), 401, "token-malformed")


def test_every_api_route_is_in_the_table():
    untested = set(url_names(api_v1)) - {row[0] for row in ROUTES} - NOT_RESOURCES - WRITES
    assert not untested, f"API routes missing from the table: {sorted(untested)}"


# The import routes: a dry run and a confirmation into a unit, POSTed as multipart, and the job it queued.
IMPORT_CELLS = {"own": 200, "sibling": 404, "foreign": 404, "no_scope": 403, "expired": 401, "revoked": 401,
                "none": 401}


@pytest.mark.parametrize("persona, status", IMPORT_CELLS.items())
def test_the_import_dry_run_route(client, api_world, persona, status):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.cadres.spreadsheets import cadre_row, cadres_file

    extra = _import_clients(api_world)[persona]
    upload = SimpleUploadedFile("can-bo.xlsx", cadres_file(cadre_row(unit="B1")))
    response = client.post(reverse("api_import_preview", kwargs={"kind": "cadres"}), {"unit": "G1", "file": upload},
                           **extra)
    assert response.status_code == status, response.content
    if status != 200:
        assert response["Content-Type"] == "application/problem+json"


def _import_clients(api_world):
    """Every persona's client with `imports:write` (but the scope-less one), and its headers."""
    clients = {**api_world["clients"],
               "own": api_client(api_world["w"].d1, [ApiScope.IMPORTS_WRITE]),
               "no_scope": api_client(api_world["w"].d1, ALL_READ)}
    with scopes_disabled():
        for persona in ("sibling", "foreign", "expired", "revoked"):
            ApiClient.objects.filter(pk=clients[persona][0].pk).update(scopes=[*ALL_READ, ApiScope.IMPORTS_WRITE])
    return {persona: bearer(token) for persona, (_c, token) in clients.items()} | {"none": {}}


@pytest.mark.parametrize("persona, status", IMPORT_CELLS.items())
def test_confirming_an_import_route(client, api_world, persona, status, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cadres.models import Cadre, ImportJob
    from tests.cadres.spreadsheets import cadre_row, cadres_file

    headers = _import_clients(api_world)
    upload = SimpleUploadedFile("can-bo.xlsx", cadres_file(cadre_row(unit="B1", email="moi@example.vn")))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("api_import_confirm", kwargs={"kind": "cadres"}), {"unit": "G1", "file": upload},
                               **headers[persona])
    assert response.status_code == (202 if status == 200 else status), response.content
    with scopes_disabled():
        assert Cadre.objects.filter(email="moi@example.vn").exists() == (status == 200)
        assert ImportJob.objects.exists() == (status == 200)
    if status != 200:
        assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("persona, status", IMPORT_CELLS.items())
def test_an_import_job_route(client, api_world, persona, status, django_capture_on_commit_callbacks):
    """The job of D1's client: only that client reads it; one of a sibling huyện or another
    province gets the 404 of a job that never was."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.cadres.spreadsheets import cadre_row, cadres_file

    headers = _import_clients(api_world)
    upload = SimpleUploadedFile("can-bo.xlsx", cadres_file(cadre_row(unit="B1", email="moi@example.vn")))
    with django_capture_on_commit_callbacks(execute=True):
        job = client.post(reverse("api_import_confirm", kwargs={"kind": "cadres"}), {"unit": "G1", "file": upload},
                          **headers["own"]).json()
    response = client.get(reverse("api_import_job", kwargs={"pk": job["id"]}), **headers[persona])
    assert response.status_code == status, response.content
    if status == 200:
        assert response.json()["status"] == "done"
    else:
        body = _problem(response, status, response.json()["code"])
        if status == 404:
            never = client.get(reverse("api_import_job", kwargs={"pk": job["id"] + 1000}), **headers[persona])
            assert never.json() == body
