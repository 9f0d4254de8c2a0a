"""Seed 003's province as a test world: a tenant that loaded only seed 003 ("Chi đoàn 3 có",
"2 giao, 1 liên kết"), two huyện, a xã with five chi đoàn (the pilot quota) and a lone one."""

from django.core.management import call_command

from cadres.models import GrantRole, PositionRole, UnitLevel
from evaluations.services.unit_forms import unit_registration_save, unit_registration_start, unit_registration_submit
from models_registry.models import Programme
from tests.cadres.factories import CadreFactory, GrantFactory, TenantFactory, UnitFactory
from tests.evaluations.factories import CycleFactory

YEAR = 2022  # the seed's programmes cover 2022


def tay_nguyen_world() -> dict:
    tenant = TenantFactory(name="Tỉnh Đoàn Tây Nguyên", slug="tay-nguyen")
    call_command("load_seed_programmes", "--tenant", tenant.slug, "--seed", "003")
    root = tenant.root_unit
    huyen = UnitFactory(parent=root, code="KRONG", name="Huyện Đoàn Krông Pắc", level=UnitLevel.DISTRICT)
    other_huyen = UnitFactory(parent=root, code="CUMGAR", name="Huyện Đoàn Cư M'gar", level=UnitLevel.DISTRICT)
    xa = UnitFactory(parent=huyen, code="EAPHE", name="Đoàn xã Ea Phê", level=UnitLevel.GRASSROOTS,
                     sector="residential")
    branches = [UnitFactory(parent=xa, code=f"THON{n}", name=f"Chi đoàn thôn {n}", level=UnitLevel.BRANCH,
                            sector="residential") for n in range(1, 6)]
    other_xa = UnitFactory(parent=other_huyen, code="EAKIET", name="Đoàn xã Ea Kiết", level=UnitLevel.GRASSROOTS,
                           sector="residential")
    lone = UnitFactory(parent=other_xa, code="BUON1", name="Chi đoàn buôn 1", level=UnitLevel.BRANCH,
                       sector="residential")
    secretaries = {unit.code: CadreFactory(unit=unit, role=PositionRole.SECRETARY, full_name=f"Bí Thư {unit.code}")
                   for unit in [*branches, lone]}
    xa_secretary = CadreFactory(unit=xa, role=PositionRole.SECRETARY, full_name="Y Bih Niê")
    huyen_secretary = CadreFactory(unit=huyen, role=PositionRole.SECRETARY, full_name="H'Hen Mlô")
    provincial = GrantFactory(unit=root, role=GrantRole.PROVINCIAL_STAFF).user
    programmes = {p.name: p for p in Programme.objects.filter(tenant=tenant)}
    three = programmes["Chi đoàn 3 có"]
    cycle = CycleFactory(tenant=tenant, year=YEAR)
    return dict(tenant=tenant, huyen=huyen, xa=xa, branches=branches, lone=lone, secretaries=secretaries,
                xa_secretary=xa_secretary, huyen_secretary=huyen_secretary, provincial=provincial,
                three=three, two_one=programmes["2 giao, 1 liên kết"], cycle=cycle)


def register_unit(w, unit, programme, secretary):
    """The unit's registration for the programme, filled in and submitted by its Bí thư."""
    form = unit_registration_start(cycle=w["cycle"], programme=programme, unit=unit, acting_user=secretary.user)
    entries = {c.criterion_id: {"text": f"{unit.name}: {c.criterion.title}", "measures": "Họp BCH phân công",
                                "target": c.target}
               for c in form.commitments.select_related("criterion")}
    form = unit_registration_save(registration=form, entries=entries, acting_user=secretary.user,
                                  expected_version=form.lock_version)
    unit_registration_submit(registration=form, acting_user=secretary.user, expected_version=form.lock_version)
    form.refresh_from_db()
    return form
