"""A huyện to reorganise, with a closed 2025 and an open 2026: Huyện Đoàn Hòa An (HA) has
Đoàn xã An Bình (X1: its Bí thư and one UV BCH, chi đoàn Ấp 1, Ấp 2 and Ấp 3) and Đoàn xã
An Lạc (X2: chi đoàn Ấp 4); Huyện Đoàn Phú Tân (PT) is another huyện of the province.
Every cadre registered for 2025 (approved); the cadres of Ấp 1 and Ấp 2 have a 2026
registration still in draft. The huyện's manager is `people["manager"]`."""

import datetime

from cadres.models import GrantRole, PositionRole, UnitLevel
from evaluations.models import RegistrationState
from evaluations.services.cycles import cycle_close
from reports.services.rollup import rollup_cycle
from tests.cadres.factories import GrantFactory
from tests.reports.factories import add_unit, make_cadre, make_cycle, make_programme, make_registration, make_tenant

# (unit code, number of cadres; the first is the Bí thư)
CADRES = {"X1": 2, "B1": 3, "B2": 2, "B3": 2, "X2": 1, "B4": 2}


def build(slug: str = "") -> dict:
    tenant = make_tenant("Tỉnh Đoàn Hòa Bình", slug or "hoa-binh")
    root = tenant.root_unit
    huyen = add_unit(root, level=UnitLevel.DISTRICT, name="Huyện Đoàn Hòa An", code="HA")
    other = add_unit(root, level=UnitLevel.DISTRICT, name="Huyện Đoàn Phú Tân", code="PT")
    x1 = add_unit(huyen, level=UnitLevel.GRASSROOTS, name="Đoàn xã An Bình", code="X1")
    x2 = add_unit(huyen, level=UnitLevel.GRASSROOTS, name="Đoàn xã An Lạc", code="X2")
    units = {"HA": huyen, "PT": other, "X1": x1, "X2": x2}
    for code, name, parent in [("B1", "Chi đoàn Ấp 1", x1), ("B2", "Chi đoàn Ấp 2", x1),
                               ("B3", "Chi đoàn Ấp 3", x1), ("B4", "Chi đoàn Ấp 4", x2)]:
        units[code] = add_unit(parent, level=UnitLevel.BRANCH, name=name, code=code)
    cadres = {}
    for code, count in CADRES.items():
        cadres[code] = [
            make_cadre(tenant, [(units[code], PositionRole.SECRETARY if i == 0 else PositionRole.EXECUTIVE_MEMBER)],
                       full_name=f"Trần Thị {code} Số {i + 1}")
            for i in range(count)
        ]
    programme = make_programme(huyen, 2025, name="Cán bộ Đoàn trách nhiệm")
    programme.end_year = 2026
    programme.save(update_fields=["end_year"])
    provincial = GrantFactory(unit=root, role=GrantRole.PROVINCIAL_STAFF, tenant=tenant).user
    manager = GrantFactory(unit=huyen, role=GrantRole.UNIT_MANAGER, tenant=tenant).user
    y2025 = make_cycle(tenant, 2025)
    for code, people in cadres.items():
        for cadre in people:
            make_registration(y2025, programme, cadre, units[code])
    rollup_cycle(cycle=y2025)
    cycle_close(cycle=y2025, acting_user=provincial)
    y2026 = make_cycle(tenant, 2026, registration_closes=datetime.date(2026, 12, 31),
                       self_assessment_due=datetime.date(2026, 12, 31), review_due=datetime.date(2026, 12, 31),
                       unit_report_due=datetime.date(2026, 12, 31))
    for code in ("B1", "B2"):
        for cadre in cadres[code]:
            make_registration(y2026, programme, cadre, units[code], state=RegistrationState.DRAFT)
    rollup_cycle(cycle=y2026)
    return dict(tenant=tenant, root=root, units=units, cadres=cadres, programme=programme, y2025=y2025,
                y2026=y2026, people={"manager": manager, "provincial": provincial})
