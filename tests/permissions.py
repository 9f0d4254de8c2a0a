"""What every permission matrix shares: the expected-status table, the proof a POST cell
gives (`Proof`, `post_and_prove`), the URL gate and the tests themselves (`matrix_tests`)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, reverse

# A refused cell answers one of these; any other status reached the action.
REFUSED = {403, 404}


def expectations(personas: list[str]):
    """An `expect(default=404, anonymous=302, **overrides)` for this matrix's personas:
    out of reach is a 404, an anonymous visitor is sent to the login page."""

    def expect(default=404, anonymous=302, **overrides) -> dict[str, int]:
        table = {persona: default for persona in personas}
        table["anonymous"] = anonymous
        table.update(overrides)
        return table

    return expect


@dataclass(frozen=True)
class Proof:
    """A POST cell's valid payload, as its page sends it (for the persona posting; None for
    a visitor), and the database state the action changes: different after an allowed cell,
    equal after a refused one."""

    payload: Callable[[Any, Any], dict[str, Any]]
    state: Callable[[Any, Any], object]
    idle: tuple[str, ...] = ()  # allowed, but with nothing to change
    refused: tuple[str, ...] = ()  # reach the page, and the service refuses them with a message


def moved(model, key: str) -> Callable[[Any, Any], object]:
    """A `Proof.state`: the row's state and version, read again (a transition moves both)."""
    def state(world, user):
        row = model._default_manager.get(pk=world[key].pk)
        return row.state, row.lock_version
    return state


def counted(model, **filters) -> Callable[[Any, Any], object]:
    """A `Proof.state`: how many such rows there are (a create adds one)."""
    return lambda world, user: model._default_manager.filter(**filters).count()


def post_and_prove(client, url: str, proof: Proof, world, user, persona: str, status: int, public: bool = False):
    """POST the cell's payload and check the database both ways: the change is there when
    the cell is allowed (a signed-in persona, or anyone on a `public` page, answered other
    than 403/404 and neither idle nor refused), and nothing changed otherwise."""
    before = proof.state(world, user)
    response = client.post(url, proof.payload(world, user))
    after = proof.state(world, user)
    allowed = (user is not None or public) and status not in REFUSED and persona not in proof.idle + proof.refused
    assert (after != before) == allowed, f"{persona} POST {url} ({'allowed' if allowed else 'refused'}): " \
                                         f"{before!r} → {after!r}"
    return response


def url_names(patterns):
    """Every named URL in a urlpatterns list, included lists too."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from url_names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern.name


def check_cell(client, *, url: str, method: str, user, persona: str, status: int, world, proof: Proof | None,
               snapshot=None, public: bool = False):
    """One cell of a matrix, as `persona` (`user`, None when anonymous): the expected status;
    a GET writes nothing (`snapshot` reads what it must not change); a POST proves its change
    either way (`post_and_prove`). Returns the response."""
    if user is not None:
        client.force_login(user)
    if method == "get":
        before = snapshot() if snapshot else None
        response = client.get(url)
        assert (snapshot() if snapshot else None) == before, f"{persona} GET {url} changed the database"
    else:
        assert proof is not None, f"POST {url} has no payload"
        response = post_and_prove(client, url, proof, world, user, persona, status, public=public)
    assert response.status_code == status, f"{persona} {method.upper()} {url}"
    return response


def matrix_tests(*, personas: list[str], matrix: list[tuple], proofs: dict[str, Proof], urlpatterns,
                 snapshot=None, public=frozenset(), ungated=frozenset()):
    """The three tests of a matrix module, for it to bind at its top level:
    `test_permission_matrix, test_every_post_cell_carries_a_payload, test_every_url_is_in_the_matrix`.

    Every row (url name, args of the world, method, expected status per persona) as every
    persona of `world["people"]` (`check_cell`, with `snapshot` for the GETs); an anonymous
    visitor sent away from a page that is not `public` (open to anyone, signed in or not) is
    sent to the login page. Every POST row has its `Proof`; every URL of `urlpatterns` but the
    `ungated` has a row."""

    @pytest.mark.parametrize("persona", personas)
    @pytest.mark.parametrize("name, args, method, expected", matrix, ids=[f"{row[0]}-{i}" for i, row in enumerate(matrix)])
    def test_permission_matrix(client, world, persona, name, args, method, expected):
        user = None if persona == "anonymous" else world["people"][persona]
        response = check_cell(client, url=reverse(name, args=args(world)), method=method, user=user, persona=persona,
                              status=expected[persona], world=world, proof=proofs.get(name), snapshot=snapshot,
                              public=name in public)
        if persona == "anonymous" and name not in public and response.status_code == 302:
            assert response.url.startswith(reverse("account_login"))

    def test_every_post_cell_carries_a_payload():
        assert {row[0] for row in matrix if row[2] == "post"} <= set(proofs)

    def test_every_url_is_in_the_matrix():
        untested = set(url_names(urlpatterns)) - {row[0] for row in matrix} - set(ungated)
        assert not untested, f"Some URLs are untested in the permission matrix: {sorted(untested)}"

    return test_permission_matrix, test_every_post_cell_carries_a_payload, test_every_url_is_in_the_matrix
