"""Four managers reorganising the same chi đoàn at once, each from the page they loaded:
exactly one change lands, the others are told to reload, and nothing of theirs is written."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django_scopes import scopes_disabled

from cadres.models import AuditEvent, Unit
from cadres.services.reorganise import NewUnit, unit_archive, unit_merge, unit_move
from tests.cadres import reorganise_world
from tests.cadres.factories import GrantFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_reorganisation_wins_the_others_are_told_to_reload():
    w = reorganise_world.build()
    units = w["units"]
    seen = {unit.pk: unit.lock_version for unit in Unit.objects.filter(tenant=w["tenant"])}
    operations = [
        lambda user: unit_merge(sources=[units["B1"], units["B2"]], new=NewUnit("C1", "Chi đoàn C1"),
                                acting_user=user, expected=seen),
        lambda user: unit_move(unit=units["B1"], parent=units["X2"], acting_user=user, expected=seen),
        lambda user: unit_archive(unit=units["B1"], transfer_to=units["B3"], acting_user=user, expected=seen),
        lambda user: unit_merge(sources=[units["B1"], units["B3"]], new=NewUnit("C2", "Chi đoàn C2"),
                                acting_user=user, expected=seen),
    ]
    managers = [GrantFactory(unit=units["HA"], tenant=w["tenant"]).user for _ in operations]
    barrier = threading.Barrier(len(operations))
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(operation, user) -> None:
        try:
            with scopes_disabled():
                barrier.wait(timeout=30)
                try:
                    operation(user)
                    result = "ok"
                except ValidationError as error:
                    result = error.messages[0]
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=pair) for pair in zip(operations, managers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["ok"] + ["Đơn vị đã được người khác thay đổi, vui lòng tải lại trang."] * 3
    with scopes_disabled():
        reorganisations = AuditEvent.objects.filter(action__in=["unit.merge", "unit.move", "unit.archive"],
                                                    actor__in=managers)
        assert reorganisations.count() == 1
        assert Unit.objects.filter(code__in=["C1", "C2"]).count() <= 1
