"""Re-rolls at the same time: twenty cadres of one huyện change at once, each re-rolled in
its own transaction and connection; none waits for another on the cycle row, none loses
another's update (they share the huyện's and the tỉnh's rows), and the figures equal a full
run's."""

import threading

import pytest
from django.db import connections
from django_scopes import scopes_disabled

from evaluations.models import Registration, RegistrationState
from reports.models import UnitFigures
from reports.services.rollup import rollup_cadres, rollup_cycle
from tests.reports.factories import cho_moi

THREADS = 20
COLUMNS = ["unit_id", "cadres", "registered", "registrations_approved", "grassroots_units_complete"]


def _figures(cycle) -> list[tuple]:
    return sorted(UnitFigures.objects.filter(cycle=cycle).values_list(*COLUMNS))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_re_rolls_converge_to_the_full_run():
    with scopes_disabled():
        w = cho_moi()
        rollup_cycle(cycle=w["cycle"])
        # One cadre in each of twenty đoàn cơ sở withdraws their registration (back to a draft).
        chosen = [Registration.objects.filter(cycle=w["cycle"], unit=unit).order_by("pk").first()
                  for unit in w["grassroots"][:THREADS]]
        Registration.objects.filter(pk__in=[r.pk for r in chosen]).update(state=RegistrationState.DRAFT,
                                                                          submitted_at=None)
    barrier = threading.Barrier(THREADS)
    written: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def re_roll(cadre_id: int) -> None:
        try:
            with scopes_disabled():
                barrier.wait(timeout=30)
                rows = rollup_cadres(cycle=w["cycle"], cadre_ids=[cadre_id])
            with lock:
                written.append(rows)
        except BaseException as error:  # reported below
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=re_roll, args=(r.cadre_id,)) for r in chosen]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors and written == [4] * THREADS  # each: its cadre, đoàn cơ sở, huyện and tỉnh
    with scopes_disabled():
        incremental = _figures(w["cycle"])
        huyen = UnitFigures.objects.get(cycle=w["cycle"], unit=w["huyen"])
        assert (huyen.registered, huyen.registrations_approved, huyen.grassroots_units_complete) == (382, 382, 21)
        rollup_cycle(cycle=w["cycle"])
        assert _figures(w["cycle"]) == incremental
