"""The migration that gives each audit row its unit and cadre fills the rows written before it."""

import datetime

import pytest

from cadres.models import AuditEvent
from tests.historical import historical_root, migrate_to

BEFORE = [("cadres", "0003_position_start_date_required")]
AFTER = [("cadres", "0004_auditevent_unit_cadre")]


# Schema changes must run outside a transaction on SQLite, so this test cannot be wrapped in one.
@pytest.mark.django_db(transaction=True)
def test_existing_rows_get_the_unit_and_cadre_of_their_object(latest_schema_after):
    old = migrate_to(BEFORE)
    Unit = old.get_model("cadres", "Unit")
    Cadre, Position = old.get_model("cadres", "Cadre"), old.get_model("cadres", "Position")
    OldEvent = old.get_model("cadres", "AuditEvent")
    tenant, root = historical_root(old)
    xa = Unit.objects.create(tenant=tenant, path="00010001", depth=2, code="XA", name="Đoàn xã Mới", level="grassroots")
    cadre = Cadre.objects.create(tenant=tenant, full_name="Cán Bộ Cũ", sort_key="cu", search_text="cu")
    position = Position.objects.create(tenant=tenant, cadre=cadre, unit=xa, role="secretary",
                                       start_date=datetime.date(2024, 1, 1))

    def row(action, object_type, object_id, **data):
        return OldEvent.objects.create(tenant=tenant, action=action, object_type=object_type,
                                       object_id=str(object_id), data=data).pk

    rows = {
        "unit": row("unit.update", "cadres.unit", xa.pk),
        "cadre": row("cadre.update", "cadres.cadre", cadre.pk),
        "position": row("position.create", "cadres.position", position.pk),
        "deadline": row("cycle.deadline_set", "evaluations.cycle", 1, unit="XA", kind="unit_report"),
        "extension": row("cycle.extension_grant", "evaluations.cycle", 1, cadre=cadre.pk),
        "tenant": row("tenant.create", "cadres.tenant", tenant.pk, root=root.code),
    }

    migrate_to(AFTER)

    subjects = {name: AuditEvent.objects.values_list("unit_id", "cadre_id").get(pk=pk) for name, pk in rows.items()}
    assert subjects == {"unit": (xa.pk, None), "cadre": (None, cadre.pk), "position": (xa.pk, cadre.pk),
                        "deadline": (xa.pk, None), "extension": (None, cadre.pk), "tenant": (None, None)}
