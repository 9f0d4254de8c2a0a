"""Row P2 of `make bench`: every list page and dashboard costs the same number of queries
with 10 and with 1,000 of its rows (sub-units, programmes, join requests, activities,
notices, forms in the review queue). The world is tests/scale_world.py's province, built in
the bench database inside a transaction that is rolled back.

    DATABASE_URL=postgres://… DEBUG=0 SECRET_KEY=… .venv/bin/python bench/pages.py
"""

import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script too

from bench.rows import QUICK  # noqa: E402

SMALL, LARGE = 10, 100 if QUICK else 1000


@dataclass
class PageCost:
    persona: str
    page: str
    small: tuple[int, int]  # (queries, bytes)
    large: tuple[int, int]

    @property
    def grew(self) -> bool:
        return self.large[0] > self.small[0]


def measure() -> tuple[list[PageCost], float]:
    """Each page's cost at SMALL and at LARGE rows; also the seconds growing the world took."""
    import time

    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import override_settings
    from django_scopes import scopes_disabled

    from tests.scale_world import PAGES, Province, page_cost, persona_user

    class Discard(Exception):
        pass

    costs: dict[tuple[str, str], list[tuple[int, int]]] = {}
    grow_seconds = 0.0
    clients: dict[str, Client] = {}
    try:
        # The test client's host, as if behind the HTTPS proxy; the production settings otherwise.
        with override_settings(ALLOWED_HOSTS=["testserver"]), scopes_disabled(), transaction.atomic():
            province = Province()
            for size in (SMALL, LARGE):
                start = time.perf_counter()
                province.grow(size - province.grown)
                grow_seconds += time.perf_counter() - start
                # As the product does after a bulk load: the planner must know the new rows (ANALYZE
                # counts the ones this transaction inserted).
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
                for persona, pages in PAGES.items():
                    client = clients.setdefault(persona, Client(secure=True, HTTP_X_FORWARDED_PROTO="https"))
                    client.force_login(persona_user(province, persona))
                    for name, args in pages:
                        costs.setdefault((persona, name), []).append(page_cost(client, name, args(province)))
            raise Discard
    except Discard:
        pass
    return [PageCost(persona, name, small, large) for (persona, name), (small, large) in costs.items()], grow_seconds


def p2(notes: list[str]):
    from bench.rows import Row

    costs, seconds = measure()
    grew = [c for c in costs if c.grew]
    most = max(costs, key=lambda c: c.large[0])
    notes.append(f"P2: queries (bytes) at {SMALL} → {LARGE} rows, per persona and page: " + "; ".join(
        f"{c.persona} {c.page} {c.small[0]} ({c.small[1] // 1024} KB) → {c.large[0]} ({c.large[1] // 1024} KB)"
        for c in costs) + f". Growing the world took {seconds:.0f} s.")
    return Row("P2", f"queries per page, {len(costs)} pages × personas, at {SMALL} and {LARGE} rows",
               f"{len(costs) - len(grew)} of {len(costs)} equal (most: {most.page}, {most.large[0]})", "–",
               "–", "equal counts", not grew,
               "; ".join(f"{c.persona} {c.page}: {c.small[0]} → {c.large[0]}" for c in grew))


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    notes: list[str] = []
    row = p2(notes)
    print(row)
    print("\n".join(notes))
