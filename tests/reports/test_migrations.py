"""reports 0005: the per-cadre target results keep their values when they become text, and
come back as JSON when migrated back."""


import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from reports.models import CadreFigures
from reports.rollup import decode_targets
from tests.historical import historical_cycle

BEFORE = [("reports", "0004_snapshot_closed_cycles")]
AFTER = [("reports", "0005_cadre_targets_as_text")]


def _cadre_rows(apps, targets_by_name: dict[str, object]) -> dict[str, int]:
    tenant, unit, cycle = historical_cycle(apps)
    Cadre, Figures = apps.get_model("cadres", "Cadre"), apps.get_model("reports", "CadreFigures")
    ids = {}
    for name, targets in targets_by_name.items():
        cadre = Cadre.objects.create(tenant=tenant, full_name=name, sort_key=name, search_text=name)
        ids[name] = Figures.objects.create(tenant=tenant, cycle=cycle, cadre=cadre, unit=unit, path="0001", depth=1,
                                           computed_at=timezone.now(), targets=targets).pk
    return ids


# Schema changes must run outside a transaction on SQLite.
@pytest.mark.django_db(transaction=True)
def test_target_results_keep_their_values_both_ways(latest_schema_after):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    ids = _cadre_rows(executor.loader.project_state(BEFORE).apps,
                      {"An": {"12": [1, 2], "4": [0, 1]}, "Bình": {}})

    MigrationExecutor(connection).migrate(AFTER)
    stored = dict(CadreFigures.objects.values_list("pk", "targets"))
    assert stored == {ids["An"]: "4:0:1,12:1:2", ids["Bình"]: ""}
    assert decode_targets(stored[ids["An"]]) == {"4": [0, 1], "12": [1, 2]}

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    Figures = executor.loader.project_state(BEFORE).apps.get_model("reports", "CadreFigures")
    assert dict(Figures.objects.values_list("pk", "targets")) == {ids["An"]: {"4": [0, 1], "12": [1, 2]},
                                                                  ids["Bình"]: {}}
