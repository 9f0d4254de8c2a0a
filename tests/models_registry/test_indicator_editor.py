"""The programme's structured chỉ tiêu (ProgrammeIndicator) in the draft editor (issue 15,
point 6): listed with their figure, a value the product set rather than the seed marked as a
default, changed, removed and added again through the services with their audit rows; a
share over 100% is refused with nothing written."""

import re

import pytest
from django.urls import reverse

from cadres.actors import SYSTEM
from cadres.models import AuditEvent, PositionRole
from models_registry.content import write_indicators
from models_registry.models import ProgrammeIndicator
from models_registry.services import programme_publish
from tests.cadres.factories import CadreFactory, province_pair
from tests.models_registry.factories import ProgrammeFactory, qualitative

pytestmark = pytest.mark.django_db
DEFAULT = "mặc định, có thể thay đổi"
HTMX = {"HTTP_HX_REQUEST": "true"}
SHARED = "100% cán bộ Đoàn có bản đăng ký và tự kiểm điểm"


@pytest.fixture
def draft(client):
    tree = province_pair()
    client.force_login(CadreFactory(unit=tree["d1"], role=PositionRole.SECRETARY).user)
    programme = ProgrammeFactory(owner_unit=tree["d1"], name="Cán bộ Đoàn trách nhiệm huyện",
                                 groups=[dict(title="Trọng tâm", criteria=[qualitative("Trách nhiệm")])])
    # A fixture whose source states the figure but no share: the share is the product's default.
    write_indicators(programme, [dict(kind="registered_and_self_assessed", target=100, text=SHARED,
                                      defaults=["target_percent"])])
    return programme


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def _lock(programme) -> int:
    programme.refresh_from_db()
    return programme.lock_version


def test_a_default_share_is_marked_until_the_province_sets_its_own(client, draft):
    page = _text(client.get(reverse("programme_edit", args=[draft.pk])))
    assert "Chỉ tiêu của mô hình" in page and SHARED in page and DEFAULT in page
    response = client.post(reverse("programme_indicator_set", args=[draft.pk]), {
        "lock_version": _lock(draft), "kind": "registered_and_self_assessed", "target_percent": "90",
        "text": SHARED.replace("100%", "90%")}, **HTMX)
    assert response.status_code == 200 and DEFAULT not in _text(response)
    indicator = ProgrammeIndicator.objects.get(programme=draft)
    assert (indicator.target_percent, indicator.defaults) == (90, [])
    event = AuditEvent.objects.filter(action="programme.indicator_set").latest("pk")
    assert event.data["changes"]["target_percent"] == ["100", "90"]


def test_removed_added_again_and_a_share_over_100_refused(client, draft):
    indicator = ProgrammeIndicator.objects.get(programme=draft)
    response = client.post(reverse("programme_indicator_delete", args=[draft.pk, indicator.pk]),
                           {"lock_version": _lock(draft)})
    assert response.status_code == 302 and not ProgrammeIndicator.objects.filter(programme=draft).exists()
    assert AuditEvent.objects.filter(action="programme.indicator_delete").count() == 1
    before = (_lock(draft), AuditEvent.objects.count())
    refused = client.post(reverse("programme_indicator_set", args=[draft.pk]), {
        "lock_version": before[0], "kind": "civil_servants_four_gains", "target_percent": "120",
        "text": "120% cán bộ"}, **HTMX)
    assert "nhỏ hơn hoặc bằng với 100" in _text(refused)
    assert (_lock(draft), AuditEvent.objects.count()) == before
    assert not ProgrammeIndicator.objects.filter(programme=draft).exists()
    client.post(reverse("programme_indicator_set", args=[draft.pk]), {
        "lock_version": before[0], "kind": "civil_servants_four_gains", "target_percent": "100",
        "text": "100% Cán bộ Đoàn là công chức, viên chức đạt “4 được”"})
    added = ProgrammeIndicator.objects.get(programme=draft)
    assert (added.kind, added.target_percent, added.defaults) == ("civil_servants_four_gains", 100, [])


def test_a_published_programme_keeps_its_targets(client, draft):
    programme_publish(programme=draft, expected_version=_lock(draft), acting_user=SYSTEM)
    response = client.post(reverse("programme_indicator_set", args=[draft.pk]), {
        "lock_version": _lock(draft), "kind": "registered_and_self_assessed", "target_percent": "50", "text": "x"})
    assert response.status_code in (302, 404)
    assert ProgrammeIndicator.objects.get(programme=draft).target_percent == 100
