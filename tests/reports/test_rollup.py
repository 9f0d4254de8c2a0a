"""Rollup: the Chợ Mới figures, idempotence, incremental re-roll of one cadre's path, the
signal that queues it, the command's errors, a bounded number of queries, a real worker."""

import time
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext
from django_celery_beat.models import PeriodicTask

from cadres.models import GrantRole, PositionRole, UnitLevel
from evaluations.models import CommitmentResult, FormAction, FormEvent, Registration, RegistrationState
from evaluations.services.cycles import cycle_close
from reports.documents import unit_report_context
from reports.figures import CycleFigures
from reports.models import UnitFigures
from reports.services.rollup import rollup_cadres, rollup_cycle
from tests.cadres.factories import GrantFactory
from tests.reports.factories import (
    add_unit,
    cho_moi,
    make_cadre,
    make_cycle,
    make_programme,
    make_registration,
    make_self_assessment,
    make_tenant,
)

pytestmark = pytest.mark.django_db


def _figures(cycle) -> dict:
    return {row.unit_id: ({f.name: getattr(row, f.name) for f in UnitFigures._meta.concrete_fields
                           if f.name not in ("id", "computed_at")})
            for row in UnitFigures.objects.filter(cycle=cycle)}


def test_cho_moi_has_41_of_41_grassroots_and_402_of_402_cadres_registered():
    w = cho_moi()
    rollup_cycle(cycle=w["cycle"])
    huyen = UnitFigures.objects.get(cycle=w["cycle"], unit=w["huyen"])
    assert (huyen.grassroots_units_complete, huyen.grassroots_units) == (41, 41)
    assert (huyen.registered, huyen.cadres, huyen.registration_rate) == (402, 402, 100.0)
    province = UnitFigures.objects.get(cycle=w["cycle"], unit=w["root"])
    assert (province.registered, province.cadres, province.units) == (402, 402, 44)
    assert province.indicators[0] == (1, 44, 2.3)  # only Chợ Mới has a programme of its own
    other = UnitFigures.objects.get(cycle=w["cycle"], unit=w["other"])
    assert (other.cadres, other.grassroots_units, other.registration_rate) == (0, 0, None)


def test_a_cadre_with_positions_in_two_units_is_counted_once_at_the_lowest():
    tenant = make_tenant()
    district = add_unit(tenant.root_unit, level=UnitLevel.DISTRICT)
    grassroots = add_unit(district, level=UnitLevel.GRASSROOTS)
    branch = add_unit(grassroots, level=UnitLevel.BRANCH)
    cycle = make_cycle(tenant)
    make_cadre(tenant, [(district, PositionRole.STANDING_MEMBER), (grassroots, PositionRole.SECRETARY),
                        (branch, PositionRole.EXECUTIVE_MEMBER)])
    rollup_cycle(cycle=cycle)
    rows = dict(UnitFigures.objects.filter(cycle=cycle).values_list("unit_id", "cadres"))
    assert rows == {tenant.root_unit.pk: 1, district.pk: 1, grassroots.pk: 1, branch.pk: 1}
    root = UnitFigures.objects.get(cycle=cycle, unit=tenant.root_unit)
    assert root.grassroots_secretaries == 1  # a Bí thư đoàn cơ sở, wherever their home unit is


def test_rerun_gives_identical_rows():
    w = cho_moi()
    make_programme(w["grassroots"][0], name="Chi đoàn 3 có", subject="units", pilot_quota=5)
    rollup_cycle(cycle=w["cycle"])
    first = _figures(w["cycle"])
    rollup_cycle(cycle=w["cycle"])
    assert _figures(w["cycle"]) == first
    assert len(first) == 44


def test_targets_attainment_counts_commitments_meeting_their_target():
    tenant = make_tenant()
    unit = add_unit(tenant.root_unit, level=UnitLevel.GRASSROOTS)
    cycle = make_cycle(tenant)
    programme = make_programme(unit, quantitative=2)
    for actuals in [(Decimal(3), Decimal(0)), (Decimal(2), None), (Decimal(1), Decimal(1))]:
        cadre = make_cadre(tenant, [(unit, PositionRole.EXECUTIVE_MEMBER)])
        registration = make_registration(cycle, programme, cadre, unit, targets=[Decimal(2), Decimal(1)])
        make_self_assessment(registration, rating="good", actuals=actuals)
    rollup_cycle(cycle=cycle)
    source = CycleFigures(cycle)
    node = source.with_targets([source.node(tenant.root_unit)])[0]
    first, second = programme.groups.get().criteria.order_by("position")
    assert node.targets == {str(first.pk): [2, 3], str(second.pk): [1, 3]}
    assert node.figures.rated_good == 3
    # The unit report prints them: live while the cycle is open, from the snapshot once closed.
    printed = [(gettext("Target met: %(title)s") % {"title": first.title}, "2/3"),
               (gettext("Target met: %(title)s") % {"title": second.title}, "1/3")]
    assert _target_lines(cycle, tenant.root_unit) == printed
    staff = GrantFactory(unit=tenant.root_unit, role=GrantRole.PROVINCIAL_STAFF, tenant=tenant).user
    cycle_close(cycle=cycle, acting_user=staff)
    CommitmentResult.objects.all().delete()  # the world changes after the close
    assert _target_lines(cycle, tenant.root_unit) == printed


def _target_lines(cycle, unit) -> list[tuple[str, str]]:
    prefix = gettext("Target met: %(title)s") % {"title": ""}
    return [(line.label, line.value) for line in unit_report_context(cycle, unit)["lines"]
            if line.label.startswith(prefix)]


def test_incremental_recompute_writes_the_cadre_and_the_units_above_only():
    w = cho_moi()
    rollup_cycle(cycle=w["cycle"])
    before = dict(UnitFigures.objects.filter(cycle=w["cycle"]).values_list("unit_id", "computed_at"))
    target = w["grassroots"][3]
    registration = Registration.objects.filter(cycle=w["cycle"], unit=target).first()
    registration.delete()
    with CaptureQueriesContext(connection) as queries:
        written = rollup_cadres(cycle=w["cycle"], cadre_ids=[registration.cadre_id])
    after = dict(UnitFigures.objects.filter(cycle=w["cycle"]).values_list("unit_id", "computed_at"))
    touched = {unit_id for unit_id in after if after[unit_id] != before[unit_id]}
    # depth + 1 rows: the cadre's and the three units on the path (đoàn cơ sở, huyện, tỉnh).
    assert written == 4 and touched == {target.pk, w["huyen"].pk, w["root"].pk}
    assert len(queries) <= 12
    huyen = UnitFigures.objects.get(cycle=w["cycle"], unit=w["huyen"])
    assert (huyen.registered, huyen.grassroots_units_complete) == (401, 40)
    incremental = _figures(w["cycle"])
    rollup_cycle(cycle=w["cycle"])
    assert _figures(w["cycle"]) == incremental  # the same figures a full run gives


def test_form_transitions_queue_one_rollup_of_their_cadre_on_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        w = cho_moi()
    rollup_cycle(cycle=w["cycle"])
    registration = Registration.objects.filter(cycle=w["cycle"], unit=w["grassroots"][0]).first()
    Registration.objects.filter(pk=registration.pk).update(state=RegistrationState.SUBMITTED)
    before = dict(UnitFigures.objects.filter(cycle=w["cycle"]).values_list("unit_id", "computed_at"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        FormEvent.objects.create(tenant=w["tenant"], form=registration, action=FormAction.RETURN,
                                 from_state="approved", to_state="submitted")
        FormEvent.objects.create(tenant=w["tenant"], form=registration, action=FormAction.RESUBMIT,
                                 from_state="submitted", to_state="submitted")
    assert len(callbacks) == 2  # one gathering both events, then the one task it queues
    after = dict(UnitFigures.objects.filter(cycle=w["cycle"]).values_list("unit_id", "computed_at"))
    assert {u for u in after if after[u] != before[u]} == {w["grassroots"][0].pk, w["huyen"].pk, w["root"].pk}
    assert UnitFigures.objects.get(cycle=w["cycle"], unit=w["huyen"]).registrations_approved == 401


def test_query_count_does_not_grow_with_the_tree():
    small, large = cho_moi(), cho_moi()
    for grassroots in large["grassroots"][:20]:
        for _ in range(3):
            add_unit(grassroots, level=UnitLevel.BRANCH)
    counts = []
    for world in (small, large):
        with CaptureQueriesContext(connection) as queries:
            rollup_cycle(cycle=world["cycle"])
        # Inserts come in batches (SQLite takes at most 999 parameters a statement); reads do not grow.
        counts.append(len([q for q in queries.captured_queries if not q["sql"].startswith("INSERT")]))
    assert counts[0] == counts[1] <= 31  # working tables and their statistics, and JIT on (PostgreSQL), included


def test_command_runs_and_refuses_unknown_tenant_or_year(capsys):
    w = cho_moi()
    call_command("rollup", tenant=w["tenant"].slug, year=w["cycle"].year)
    assert "44" in capsys.readouterr().out
    assert UnitFigures.objects.filter(cycle=w["cycle"]).count() == 44
    with pytest.raises(CommandError, match="Không có tỉnh nào có mã “khong-co”"):
        call_command("rollup", tenant="khong-co", year=2025)
    with pytest.raises(CommandError, match="không có chu kỳ đánh giá năm 1999"):
        call_command("rollup", tenant=w["tenant"].slug, year=1999)


def test_nightly_schedule_exists_in_ho_chi_minh_time():
    task = PeriodicTask.objects.get(task="reports.tasks.rollup_nightly")
    assert (task.crontab.hour, task.crontab.minute, str(task.crontab.timezone)) == ("1", "30", "Asia/Ho_Chi_Minh")
    assert PeriodicTask.objects.filter(task="reports.tasks.send_reminders", enabled=True).exists()


def test_nightly_task_rolls_up_every_open_cycle():
    from reports.tasks import rollup_nightly

    w = cho_moi()
    assert rollup_nightly.delay().get() >= 1
    assert UnitFigures.objects.filter(cycle=w["cycle"]).count() == 44


@pytest.mark.worker
@pytest.mark.postgres
def test_a_real_worker_runs_the_rollup(celery_worker_process):
    from reports.tasks import rollup_tenant

    w = cho_moi()
    result = rollup_tenant.apply_async(args=[w["tenant"].pk, w["cycle"].pk], queue=celery_worker_process)
    assert result.get(timeout=60) == 44
    deadline = time.monotonic() + 10
    while not UnitFigures.objects.filter(cycle=w["cycle"]).exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    huyen = UnitFigures.objects.get(cycle=w["cycle"], unit=w["huyen"])
    assert (huyen.registered, huyen.cadres, huyen.grassroots_units_complete) == (402, 402, 41)
