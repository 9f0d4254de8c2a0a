"""A reorganisation and the units' own forms ("Chi đoàn 3 có"): the preview says which
units keep their open unit forms and whose are closed; a moved chi đoàn keeps its submitted
registration and the new parent's Ban Thường vụ finds it in their inbox (the old parent's
no longer does); a merged-away chi đoàn's open forms are closed with the reason on their
timeline; 2025, closed, keeps its forms and its frozen figures."""

import html
import re

import pytest
from django.urls import reverse

from cadres.models import AuditEvent, Unit
from cadres.services.reorganise import NewUnit, unit_archive, unit_merge, unit_move, unit_split
from evaluations.models import FormAction, FormEvent, UnitRegistration, UnitSelfAssessment
from reports.figures import CycleFigures
from tests.cadres import reorganise_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return reorganise_world.build(unit_forms=True)


def _unit(code: str) -> Unit:
    return Unit.objects.get(tenant__slug="hoa-binh", code=code)


def _url(name: str, code: str) -> str:
    return reverse(name, args=["hoa-binh", code])


def _text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split()).replace(" :", ":")


def _versions(client, name: str, code: str) -> str:
    return client.get(_url(name, code)).context["form"]["versions"].value()


def _form(code: str, year: int = 2026) -> UnitRegistration:
    return UnitRegistration.objects.get(unit__code=code, cycle__year=year)


def _inbox(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("inbox"))
    assert response.status_code == 200
    return response.content.decode()


def _link(form) -> str:
    return reverse("unit_registration_detail", args=[form.pk])


def test_a_moved_chi_doan_keeps_its_forms_and_the_new_parents_btv_reviews_them(client, w):
    people, submitted = w["people"], _form("B3")
    assert _link(submitted) in _inbox(client, people["secretary X1"])
    assert _link(submitted) not in _inbox(client, people["secretary X2"])

    client.force_login(people["manager"])
    data = {"parent": w["units"]["X2"].pk, "versions": _versions(client, "unit_move", "B3")}
    preview = _text(client.post(_url("unit_move", "B3"), data))
    assert ("Chi đoàn Ấp 3 giữ 1 biểu mẫu đang mở của đơn vị (ĐKCT01 đã nộp: 1); từ nay Ban Thường vụ "
            "Đoàn xã An Lạc duyệt.") in preview
    assert Unit.objects.get_parent(_unit("B3")).code == "X1"
    client.post(_url("unit_move", "B3"), {**data, "confirm": "1"})

    submitted.refresh_from_db()
    assert (submitted.unit.code, submitted.state, submitted.lock_version) == ("B3", "submitted", 2)
    assert _link(submitted) in _inbox(client, people["secretary X2"])
    assert _link(submitted) not in _inbox(client, people["secretary X1"])


def test_merging_closes_the_merged_units_open_forms_and_keeps_their_past(client, w):
    people = w["people"]
    assert _link(_form("B1")) in _inbox(client, people["secretary X1"])
    client.force_login(people["manager"])
    data = {"others": [w["units"]["B2"].pk], "into": "new", "code": "B12", "name": "Chi đoàn Ấp 1-2",
            "versions": _versions(client, "unit_merge", "B1")}
    preview = _text(client.post(_url("unit_merge", "B1"), data))
    assert ("1 biểu mẫu đang mở của Chi đoàn Ấp 1 được đóng lại vì đơn vị được lưu trữ (ĐKCT01 đã nộp: 1); "
            "biểu mẫu đã duyệt, đã xếp loại vẫn thuộc đơn vị này.") in preview
    assert "1 biểu mẫu đang mở của Chi đoàn Ấp 2 được đóng lại vì đơn vị được lưu trữ (ĐKCT01 bản nháp: 1)" in preview
    assert _form("B1").state == "submitted"  # a preview writes nothing

    client.post(_url("unit_merge", "B1"), {**data, "confirm": "1"})
    assert {code: _form(code).state for code in ("B1", "B2", "B3")} == {
        "B1": "closed", "B2": "closed", "B3": "submitted"}
    event = FormEvent.objects.get(unitregistration=_form("B1"), action=FormAction.WITHDRAW)
    assert (event.from_state, event.to_state) == ("submitted", "closed")
    assert event.comment == ("Chi đoàn Ấp 1 đã được hợp nhất, chia tách hoặc lưu trữ: các biểu mẫu còn mở "
                             "của năm 2026 được đóng lại.")
    assert AuditEvent.objects.filter(action="unit_registration.withdraw").count() == 2
    assert _link(_form("B1")) not in _inbox(client, people["secretary X1"])
    assert not UnitRegistration.objects.filter(unit__code="B12").exists()
    # 2025, closed, is never touched: approved and rated where they were made.
    assert {(f.unit.code, f.state) for f in UnitRegistration.objects.filter(cycle__year=2025)} == {
        ("B1", "approved"), ("B2", "approved")}
    assert {(f.unit.code, f.state, f.attained) for f in UnitSelfAssessment.objects.filter(cycle__year=2025)} == {
        ("B1", "finalised", True), ("B2", "finalised", True)}


def test_archiving_a_unit_closes_its_subtrees_open_unit_forms_and_a_preview_closes_nothing(w):
    manager = w["people"]["manager"]
    preview = unit_archive(unit=w["units"]["B3"], acting_user=manager, dry_run=True)
    assert ("1 biểu mẫu đang mở của Chi đoàn Ấp 3 được đóng lại vì đơn vị được lưu trữ (ĐKCT01 đã nộp: 1); "
            "biểu mẫu đã duyệt, đã xếp loại vẫn thuộc đơn vị này.") in preview.lines
    assert _form("B3").state == "submitted" and not FormEvent.objects.filter(action=FormAction.WITHDRAW).exists()
    # X1 with everything below it, its cadres' open forms going to X2.
    unit_archive(unit=w["units"]["X1"], transfer_to=w["units"]["X2"], acting_user=manager)
    assert {code: _form(code).state for code in ("B1", "B2", "B3")} == dict.fromkeys(("B1", "B2", "B3"), "closed")
    assert FormEvent.objects.filter(action=FormAction.WITHDRAW).count() == 3


def _attaining(cycle, codes) -> dict[str, tuple[int, int]]:
    """Per unit: of the chi đoàn taking part in "Chi đoàn 3 có", how many attained it."""
    figures, result = CycleFigures(cycle), {}
    for code in codes:
        node = figures.node(_unit(code))
        assert node is not None and node.figures is not None
        entry = next(e for e in node.figures.extra["unit_programmes"] if e["name"] == "Chi đoàn 3 có")
        result[code] = (entry["attained"], entry["taking_part"])
    return result


def test_2025s_unit_figures_stay_frozen_when_2026_reorganises(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        w = reorganise_world.build(unit_forms=True)
    involved = ["HA", "X1", "X2", "B1", "B2", "B3"]
    before = _attaining(w["y2025"], involved)
    assert before == {"HA": (2, 2), "X1": (2, 2), "X2": (0, 0), "B1": (1, 1), "B2": (1, 1), "B3": (0, 0)}
    manager, units, cadres = w["people"]["manager"], w["units"], w["cadres"]

    with django_capture_on_commit_callbacks(execute=True):
        unit_merge(sources=[units["B1"], units["B2"]], new=NewUnit("B12", "Chi đoàn Ấp 1-2"), acting_user=manager)
        unit_move(unit=_unit("B3"), parent=_unit("X2"), acting_user=manager)
        unit_split(unit=_unit("X1"), parts=[NewUnit("X1A", "Đoàn xã An Bình A"), NewUnit("X1B", "Đoàn xã An Bình B")],
                   children={"B12": "X1A"}, cadres={cadres["X1"][0].pk: "X1A", cadres["X1"][1].pk: "X1B"},
                   acting_user=manager)

    assert _attaining(w["y2025"], involved) == before
    assert {f.state for f in UnitRegistration.objects.filter(cycle__year=2025)} == {"approved"}
    # 2026 follows the tree: B3's registration is not approved, so nobody takes part yet.
    assert _attaining(w["y2026"], ["HA", "X2", "B3"]) == {"HA": (0, 0), "X2": (0, 0), "B3": (0, 0)}
