"""Figures over a reorganisation: a huyện closes 2025, then in 2026 merges two chi đoàn and
splits a đoàn cơ sở. Every unit involved keeps its 2025 figures (the snapshot, and the
frozen tree the pages list), and the 2026 figures, re-rolled after the change commits,
follow the new tree. Runs on SQLite and, with DATABASE_URL, on PostgreSQL."""

import pytest

from cadres.models import Unit
from cadres.services.reorganise import NewUnit, unit_merge, unit_split
from reports.figures import CycleFigures
from tests.cadres import reorganise_world

pytestmark = pytest.mark.django_db

INVOLVED = ["HA", "X1", "X2", "B1", "B2", "B3", "B4"]


def _figures(cycle, codes) -> dict[str, tuple[int, int]]:
    source = CycleFigures(cycle)
    result = {}
    for code in codes:
        node = source.node(Unit.objects.get(tenant__slug="hoa-binh", code=code))
        result[code] = (node.figures.cadres, node.figures.registered) if node and node.figures else None
    return result


def reorganise(w) -> None:
    """What the huyện's manager does in 2026 (the browser test does the same through the pages)."""
    manager, units, cadres = w["people"]["manager"], w["units"], w["cadres"]
    unit_merge(sources=[units["B1"], units["B2"]], new=NewUnit("B12", "Chi đoàn Ấp 1-2"), acting_user=manager)
    unit_split(unit=Unit.objects.get(pk=units["X1"].pk),
               parts=[NewUnit("X1A", "Đoàn xã An Bình A"), NewUnit("X1B", "Đoàn xã An Bình B")],
               children={"B12": "X1A", "B3": "X1B"},
               cadres={cadres["X1"][0].pk: "X1A", cadres["X1"][1].pk: "X1B"}, acting_user=manager)


def test_2025_stays_and_2026_follows_the_new_tree(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the world's own re-rolls, done
        w = reorganise_world.build()
    before_2025 = _figures(w["y2025"], INVOLVED)
    assert before_2025 == {"HA": (12, 12), "X1": (9, 9), "X2": (3, 3), "B1": (3, 3), "B2": (2, 2), "B3": (2, 2),
                           "B4": (2, 2)}
    assert _figures(w["y2026"], ["HA", "X1", "B1"]) == {"HA": (12, 0), "X1": (9, 0), "B1": (3, 0)}

    with django_capture_on_commit_callbacks(execute=True):
        reorganise(w)

    assert _figures(w["y2025"], INVOLVED) == before_2025
    huyen = Unit.objects.get(pk=w["units"]["HA"].pk)
    assert [node.code for node in CycleFigures(w["y2025"]).children(huyen)] == ["X1", "X2"]
    assert _figures(w["y2026"], ["HA", "X1A", "X1B", "B12", "B3", "X2"]) == {
        "HA": (12, 0), "X1A": (6, 0), "X1B": (3, 0), "B12": (5, 0), "B3": (2, 0), "X2": (3, 0)}
    assert [node.code for node in CycleFigures(w["y2026"]).children(huyen)] == ["X1A", "X1B", "X2"]
