"""A worker process killed in the middle of a rollup (the kernel's OOM killer, a deploy)
costs a rerun, not the figures: the task goes back to the queue at once and the next run
gives what an uninterrupted one gives."""

import os
import signal
import time
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from reports.models import UnitFigures
from reports.services.rollup import rollup_cycle
from reports.tasks import rollup_tenant
from tests.reports.factories import cho_moi

pytestmark = [pytest.mark.worker, pytest.mark.postgres]


def figures(cycle) -> dict:
    return {row.unit_id: {f.name: getattr(row, f.name) for f in UnitFigures._meta.concrete_fields
                          if f.name not in ("id", "computed_at")}
            for row in UnitFigures.objects.filter(cycle=cycle)}


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def waiting_on_the_lock(conn) -> set[int]:
    """The database sessions of rollups stopped at the locked table."""
    return {row[0] for row in conn.execute("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                           "AND query ILIKE '%reports_unitfigures%'")}


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"waited {seconds} s for {what}")


def test_a_worker_process_killed_mid_rollup_is_redelivered_and_the_figures_match(celery_prefork_worker):
    queue, parent = celery_prefork_worker
    w = cho_moi()
    rollup_cycle(cycle=w["cycle"])
    expected = figures(w["cycle"])
    UnitFigures.objects.filter(cycle=w["cycle"]).delete()

    db = settings.DATABASES["default"]
    with psycopg.connect(host=db["HOST"] or "localhost", port=db["PORT"] or 5432, user=db["USER"],
                         password=db.get("PASSWORD") or None, dbname=db["NAME"], autocommit=True) as watcher, \
            psycopg.connect(host=db["HOST"] or "localhost", port=db["PORT"] or 5432, user=db["USER"],
                            password=db.get("PASSWORD") or None, dbname=db["NAME"]) as holder:
        # The rollup stops, mid-transaction, where it writes the unit figures.
        holder.execute("LOCK TABLE reports_unitfigures IN ACCESS EXCLUSIVE MODE")
        rollup_tenant.apply_async(args=[w["tenant"].pk, w["cycle"].pk], queue=queue, ignore_result=True)
        wait_for(lambda: len(waiting_on_the_lock(watcher)) == 1, 60, "the rollup to reach the figures")
        [first_session] = waiting_on_the_lock(watcher)
        [child] = children_of(parent.pid)
        os.kill(child, signal.SIGKILL)
        killed_at = time.monotonic()
        # The killed process's session waits on the lock until it is told to go.
        watcher.execute("SELECT pg_terminate_backend(%s)", [first_session])
        wait_for(lambda: child not in children_of(parent.pid) and waiting_on_the_lock(watcher) - {first_session},
                 60, "the rollup to run again in a new process")
        redelivered_after = time.monotonic() - killed_at
        holder.rollback()  # the lock goes: the second run finishes

    wait_for(lambda: UnitFigures.objects.filter(cycle=w["cycle"]).count() == len(expected), 60,
             "the second run's figures")
    print(f"worker killed mid-rollup: redelivered after {redelivered_after:.1f} s")
    assert redelivered_after < 60
    assert figures(w["cycle"]) == expected
