"""Who reaches the API clients' pages: the managers of the unit (provincial staff for the
province, the Bí thư of D1 for D1's subtree); anyone else a 404, a visitor the login page.
A POST carries a valid payload and proves its change both ways. The API's own routes have
their matrix in tests/api/test_permissions.py."""

import pytest
from django_scopes import scopes_disabled

from api.models import ApiClient
from api.urls import pages
from tests.api.factories import api_client
from tests.cadres.factories import province_pair, province_people
from tests.conftest import shared
from tests.permissions import Proof, expectations, matrix_tests

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "outsider", "member", "manager", "sibling_manager", "provincial", "foreign_provincial"]


@pytest.fixture(scope="module")
def world_once(module_db):
    with scopes_disabled():
        tree = province_pair()
        people = province_people(tree)  # the matrix's PERSONAS are some of them
    client, _token = api_client(tree["g1"])
    return {"people": people, "client": client}


@pytest.fixture
def world(world_once, db):
    return shared(world_once)


expect = expectations(PERSONAS)
MANAGERS = expect(manager=200, provincial=200)  # the rotate page shows the new token, as the create does


def _clients(w, user):
    with scopes_disabled():
        return ApiClient.objects.count()


def _client_state(w, user):
    with scopes_disabled():
        return ApiClient.objects.filter(pk=w["client"].pk).values_list("token_hash", "revoked_at").get()


MATRIX = [
    ("api_clients", lambda w: ["a", "D1"], "get", MANAGERS),
    ("api_clients", lambda w: ["a", "D1"], "post", MANAGERS),
    ("api_client_rotate", lambda w: ["a", "D1", w["client"].pk], "post", MANAGERS),
    ("api_client_revoke", lambda w: ["a", "D1", w["client"].pk], "post", expect(manager=302, provincial=302)),
    # Reached from another unit's page: only through a unit whose subtree holds it.
    ("api_client_revoke", lambda w: ["a", "D2", w["client"].pk], "post", expect(provincial=404)),
]

PROOFS = {
    "api_clients": Proof(lambda w, user: {"name": "Phần mềm Trung ương", "scopes": ["units:read"], "expires": ""},
                         _clients),
    "api_client_rotate": Proof(lambda w, user: {}, _client_state),
    "api_client_revoke": Proof(lambda w, user: {}, _client_state),
}


test_permission_matrix, test_every_post_cell_carries_a_payload, test_every_url_is_in_the_matrix = matrix_tests(
    personas=PERSONAS, matrix=MATRIX, proofs=PROOFS, urlpatterns=pages)
