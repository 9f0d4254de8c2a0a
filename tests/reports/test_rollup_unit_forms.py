"""A unit form's transition recounts the unit programmes' figures of the units above its
unit, not the whole province: the same figures as a full run, no cadre row read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadres.models import Unit
from reports.models import CadreFigures, UnitFigures
from reports.services.rollup import rollup_cycle
from tests.seeds.tay_nguyen import register_unit, tay_nguyen_world

pytestmark = pytest.mark.django_db


def _programmes(cycle):
    return {row.unit.code: row.extra.get("unit_programmes", [])
            for row in UnitFigures.objects.filter(cycle=cycle).select_related("unit")}


def test_approving_a_chi_doans_registration_recounts_the_units_above_it(django_capture_on_commit_callbacks):
    from evaluations.services.unit_forms import unit_registration_approve

    with django_capture_on_commit_callbacks(execute=True):  # the tree's own full run, done with
        w = tay_nguyen_world()
    branch = w["branches"][0]
    with django_capture_on_commit_callbacks(execute=True):
        form = register_unit(w, branch, w["three"], w["secretaries"][branch.code])
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        unit_registration_approve(registration=form, acting_user=w["xa_secretary"].user,
                                  expected_version=form.lock_version)
    assert not any(CadreFigures._meta.db_table in query["sql"] for query in queries.captured_queries)
    incremental = _programmes(w["cycle"])
    three = {code: next(e["taking_part"] for e in entries if e["programme"] == w["three"].pk)
             for code, entries in incremental.items() if entries}
    above = [unit.code for unit in Unit.objects.get_ancestors(branch)] + [branch.code]
    assert {code: three[code] for code in above} == dict.fromkeys(above, 1)
    assert sum(three.values()) == len(above)  # nowhere else
    rollup_cycle(cycle=w["cycle"])
    assert _programmes(w["cycle"]) == incremental
