"""What every permission matrix shares: the expected-status table, the proof a POST cell
gives (`Proof`, `post_and_prove`) and the URL gate."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver

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
