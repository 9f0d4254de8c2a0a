"""The API against its own OpenAPI schema, through the WSGI application with a real client's
token: schemathesis generates valid and invalid requests for every operation and runs every
check on each answer — no server error, status codes, content types, headers and bodies as
documented, valid data accepted, invalid data rejected, unsupported methods refused,
authentication not ignored."""

import base64
from urllib.parse import urlencode

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, settings as hypothesis_settings, strategies as st

from api.models import ApiClient, ApiScope, secret_hash, split_token
from config.wsgi import application

pytestmark = pytest.mark.django_db

# schemathesis' WSGI client calls the app as "localhost".
with override_settings(ALLOWED_HOSTS=["localhost"]):
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


def _cursor(offset: int, reverse: bool, position: str | None) -> str:
    """A cursor as the API writes them (DRF's encoding): what a valid `cursor` is."""
    tokens = {"o": offset, **({"r": "1"} if reverse else {}), **({"p": position} if position is not None else {})}
    return base64.b64encode(urlencode(tokens).encode()).decode()


schemathesis.openapi.format("cursor", st.builds(
    _cursor, st.integers(0, 50), st.booleans(), st.one_of(st.none(), st.integers(0, 10**6).map(str))))

# schemathesis asks for the token while it generates the cases, before any fixture runs: the
# client's token is this one, set on D1's client by the fixture.
TOKEN = "srl_5c4e3a7b2f10_schemathesis-d1-client-secret"


@schema.auth(refresh_interval=None)
class ClientToken:
    def get(self, case, context):
        return TOKEN

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The WSGI application sends request_started and request_finished, whose
    close_old_connections would close the test's connection inside its transaction (on
    PostgreSQL): disconnected, as Django's own test client does."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def token(api_world, settings):
    settings.ALLOWED_HOSTS = ["localhost"]
    settings.API_RATE = "100000/min"  # the limit has its own test; here every request must reach the view
    client = api_world["clients"]["own"][0]
    prefix, secret = split_token(TOKEN)
    with scopes_disabled():
        ApiClient.objects.filter(pk=client.pk).update(token_prefix=prefix, token_hash=secret_hash(secret),
                                                      scopes=ApiScope.values)  # every scope: every route
    return TOKEN


@schema.parametrize()
@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_schema(case, token):
    # The WSGI test client does not decode a gzip body (real clients do): ask for none.
    response = case.call_and_validate(headers={"Accept-Encoding": "identity"})
    if case.meta is not None and case.meta.generation.mode.is_positive:
        # Valid requests carry the client's token with every scope: they reach the resource.
        assert response.status_code not in (401, 403), response.text

