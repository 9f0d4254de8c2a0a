"""A huyện to reorganise, with a closed 2025 and an open 2026: Huyện Đoàn Hòa An (HA) has
Đoàn xã An Bình (X1: its Bí thư and one UV BCH, chi đoàn Ấp 1, Ấp 2 and Ấp 3) and Đoàn xã
An Lạc (X2: chi đoàn Ấp 4); Huyện Đoàn Phú Tân (PT) is another huyện of the province.
Every cadre registered for 2025 (approved); the cadres of Ấp 1 and Ấp 2 have a 2026
registration still in draft. The huyện's manager is `people["manager"]`.

With `unit_forms`, the huyện also has the unit programme "Chi đoàn 3 có" (2025–2026): Ấp 1
and Ấp 2 attained it in 2025 (rated by An Bình's Bí thư); in 2026 Ấp 1's and Ấp 3's unit
registrations are submitted and Ấp 2's is a draft. The Bí thư of X1, X2, B1, B2 and B3 have
accounts (`people["secretary X1"]`, …)."""

import datetime

from cadres.models import GrantRole, PositionRole, UnitLevel
from evaluations.models import Rating, RegistrationState
from evaluations.services import unit_forms as forms
from evaluations.services.cycles import cycle_close
from reports.services.rollup import rollup_cycle
from tests.cadres.factories import GrantFactory, UserFactory
from tests.reports.factories import add_unit, make_cadre, make_cycle, make_programme, make_registration, make_tenant

# (unit code, number of cadres; the first is the Bí thư)
CADRES = {"X1": 2, "B1": 3, "B2": 2, "B3": 2, "X2": 1, "B4": 2}


def build(slug: str = "", unit_forms: bool = False) -> dict:
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
    secretaries, three = {}, None
    if unit_forms:
        for code in ("X1", "X2", "B1", "B2", "B3"):
            secretary = cadres[code][0]
            secretary.user = UserFactory(full_name=secretary.full_name)
            secretary.save(update_fields=["user"])
            secretaries[f"secretary {code}"] = secretary.user
        three = make_programme(huyen, 2025, subject="units", name="Chi đoàn 3 có")
        three.end_year = 2026
        three.save(update_fields=["end_year"])
        for code in ("B1", "B2"):
            _attain(y2025, three, units[code], secretaries[f"secretary {code}"], secretaries["secretary X1"])
    rollup_cycle(cycle=y2025)
    cycle_close(cycle=y2025, acting_user=provincial)
    y2026 = make_cycle(tenant, 2026, registration_closes=datetime.date(2026, 12, 31),
                       self_assessment_due=datetime.date(2026, 12, 31), review_due=datetime.date(2026, 12, 31),
                       unit_report_due=datetime.date(2026, 12, 31))
    for code in ("B1", "B2"):
        for cadre in cadres[code]:
            make_registration(y2026, programme, cadre, units[code], state=RegistrationState.DRAFT)
    if unit_forms:
        for code in ("B1", "B2", "B3"):
            _register(y2026, three, units[code], secretaries[f"secretary {code}"], submit=code != "B2")
    rollup_cycle(cycle=y2026)
    return dict(tenant=tenant, root=root, units=units, cadres=cadres, programme=programme, y2025=y2025,
                y2026=y2026, three=three, people={"manager": manager, "provincial": provincial, **secretaries})


def _register(cycle, programme, unit, secretary, *, submit: bool = True):
    form = forms.unit_registration_start(cycle=cycle, programme=programme, unit=unit, acting_user=secretary)
    entries = {c.criterion_id: {"text": "Sinh hoạt đều", "measures": "Họp BCH phân công", "target": c.target}
               for c in form.commitments.all()}
    form = forms.unit_registration_save(registration=form, entries=entries, acting_user=secretary,
                                        expected_version=form.lock_version)
    if submit:
        forms.unit_registration_submit(registration=form, acting_user=secretary, expected_version=form.lock_version)
    return form


def _attain(cycle, programme, unit, secretary, btv) -> None:
    """The unit registers, is approved, assesses itself meeting every criterion and is rated."""
    form = _register(cycle, programme, unit, secretary)
    forms.unit_registration_approve(registration=form, acting_user=btv, expected_version=form.lock_version)
    assessment = forms.unit_assessment_start(registration=form, acting_user=secretary)
    entries = {result.commitment.criterion_id: {"actual_value": 3, "result": "Vượt chỉ tiêu"}
               for result in assessment.results.select_related("commitment")}
    assessment = forms.unit_assessment_save(assessment=assessment, entries=entries, acting_user=secretary,
                                            expected_version=assessment.lock_version)
    forms.unit_assessment_submit(assessment=assessment, acting_user=secretary, expected_version=assessment.lock_version)
    forms.unit_assessment_rate(assessment=assessment, rating=Rating.GOOD, acting_user=btv,
                               expected_version=assessment.lock_version)
