"""Every position has a start date: position_create's default, the database's refusal of none,
and the migration that gave one to the positions recorded without."""

import datetime

import pytest
from django.db import IntegrityError
from django.utils import timezone

from cadres.actors import SYSTEM
from cadres.models import Cadre, Position, PositionRole
from cadres.services.people import position_create
from tests.cadres.factories import CadreFactory
from tests.historical import historical_root, migrate_to

BEFORE = [("cadres", "0002_import_job")]
AFTER = [("cadres", "0003_position_start_date_required")]


@pytest.mark.django_db
def test_position_create_defaults_to_today_and_keeps_a_given_date(tree):
    cadre = CadreFactory(unit=tree["g1"], role=None)
    today = position_create(cadre=cadre, unit=tree["g1"], role=PositionRole.SECRETARY, acting_user=SYSTEM)
    given = position_create(cadre=cadre, unit=tree["b1"], role=PositionRole.EXECUTIVE_MEMBER,
                            start_date=datetime.date(2022, 10, 1), acting_user=SYSTEM)
    assert (today.start_date, given.start_date) == (timezone.localdate(), datetime.date(2022, 10, 1))
    # Asked again for what the cadre holds, it returns that position and its date.
    again = position_create(cadre=cadre, unit=tree["b1"], role=PositionRole.EXECUTIVE_MEMBER, acting_user=SYSTEM)
    assert again == given and again.start_date == datetime.date(2022, 10, 1)


@pytest.mark.django_db
def test_a_position_without_a_start_date_is_refused(tree):
    cadre = CadreFactory(unit=tree["g1"], role=None)
    with pytest.raises(IntegrityError):
        Position.objects.create(tenant=cadre.tenant, cadre=cadre, unit=tree["g1"], role=PositionRole.SECRETARY,
                                start_date=None)


def _at(year, month, day, hour, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=datetime.UTC)


# Schema changes must run outside a transaction on SQLite, so this test cannot be wrapped in one;
# it runs on SQLite and on PostgreSQL alike.
@pytest.mark.django_db(transaction=True)
def test_migration_gives_each_position_the_date_it_was_recorded(latest_schema_after):
    old = migrate_to(BEFORE)
    OldCadre, OldPosition = old.get_model("cadres", "Cadre"), old.get_model("cadres", "Position")
    AuditEvent = old.get_model("cadres", "AuditEvent")
    tenant, unit = historical_root(old)
    cadres = [OldCadre.objects.create(tenant=tenant, full_name=f"Cán Bộ {n}", sort_key=str(n), search_text=str(n))
              for n in range(4)]
    # 01:30 on 01/07/2023 in Việt Nam is still 30/06 in UTC: the local date is what counts.
    OldCadre.objects.filter(pk__in=[c.pk for c in cadres]).update(created_at=_at(2023, 6, 30, 18, 30))

    def position(cadre, **dates):
        return OldPosition.objects.create(tenant=tenant, cadre=cadre, unit=unit, role="secretary", **dates)

    audited = position(cadres[0])
    for action, object_type, when in (("position.create", "cadres.position", _at(2024, 3, 4, 20)),  # 05/03 local
                                      ("position.create", "cadres.position", _at(2025, 1, 1, 1)),
                                      ("cadre.create", "cadres.cadre", _at(2020, 1, 1, 1)),
                                      ("position.create", "cadres.unit", _at(2020, 1, 1, 1))):
        event = AuditEvent.objects.create(tenant=tenant, action=action, object_type=object_type,
                                          object_id=str(audited.pk))
        AuditEvent.objects.filter(pk=event.pk).update(created_at=when)
    unaudited = position(cadres[1])
    dated = position(cadres[2], start_date=datetime.date(2019, 1, 5))
    ended_before_recorded = position(cadres[3], end_date=datetime.date(2022, 12, 31))
    extra = [position(cadres[1], end_date=datetime.date(2030, 1, 1)) for _ in range(3)]

    migrate_to(AFTER)

    starts = dict(Position.objects.values_list("pk", "start_date"))
    assert starts[audited.pk] == datetime.date(2024, 3, 5)
    assert starts[unaudited.pk] == datetime.date(2023, 7, 1)
    assert starts[dated.pk] == datetime.date(2019, 1, 5)
    assert starts[ended_before_recorded.pk] == datetime.date(2022, 12, 31)
    assert all(starts[p.pk] == datetime.date(2023, 7, 1) for p in extra)
    assert Position.objects.count() == 7 and Cadre.objects.count() == 4
    with pytest.raises(IntegrityError):
        Position.objects.filter(pk=dated.pk).update(end_date=datetime.date(2018, 12, 31))
