"""What a seed does not say is a default the province may change (issue 15, point 6): the
editor shows it as such, a new version keeps the mark, and the province's own edit clears it."""

import re

import pytest
from django.urls import reverse

from cadres.actors import SYSTEM
from cadres.models import PositionRole
from models_registry import services
from models_registry.models import CriteriaGroup, Criterion
from models_registry.seeding import load_seed_programmes
from tests.cadres.factories import CadreFactory, TenantFactory

pytestmark = pytest.mark.django_db

BADGE = "mặc định, có thể thay đổi"


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def draft():
    tenant = TenantFactory()
    seed = load_seed_programmes(tenant, seeds=["003"], acting_user=SYSTEM)[0].programme
    return services.programme_new_version(programme=seed, acting_user=SYSTEM)


def test_the_editor_marks_the_seeds_defaults_and_nothing_it_quotes(client, draft):
    client.force_login(CadreFactory(unit=draft.owner_unit, role=PositionRole.SECRETARY).user)
    page = text(client.get(reverse("programme_edit", args=[draft.pk])))
    # Two thresholds the seed does not state ("có sinh hoạt", "có công trình"); "có cán bộ" has none.
    assert page.count(BADGE) == 2
    assert re.search(r"Chi đoàn có sinh hoạt Đoàn .{0,120}" + BADGE, page)


def test_the_provinces_own_edit_clears_the_mark_and_a_copy_keeps_it(draft):
    meetings = Criterion.objects.get(group__programme=draft, title="Chi đoàn có sinh hoạt Đoàn")
    assert meetings.target_is_default
    services.criterion_update(criterion=meetings, expected_version=draft.lock_version, title=meetings.title,
                              kind=meetings.kind, target="2", measure=meetings.measure, period=meetings.period,
                              activity_kinds=meetings.activity_kinds, acting_user=SYSTEM)
    meetings.refresh_from_db()
    assert meetings.defaults == []
    project = Criterion.objects.get(group__programme=draft, title__startswith="Chi đoàn có công trình")
    draft.refresh_from_db()
    services.criterion_update(criterion=project, expected_version=draft.lock_version, title=project.title,
                              kind=project.kind, guidance="Một công trình mỗi quý.", target=project.target,
                              measure=project.measure, period=project.period, activity_kinds=project.activity_kinds,
                              acting_user=SYSTEM)
    project.refresh_from_db()
    assert project.target_is_default  # only the guidance changed: the number is still the seed's default


def test_renaming_a_default_group_title_makes_it_the_provinces():
    tenant = TenantFactory()
    seed = load_seed_programmes(tenant, seeds=["004"], acting_user=SYSTEM)[0].programme
    draft = services.programme_new_version(programme=seed, acting_user=SYSTEM)
    group = CriteriaGroup.objects.get(programme=draft, title="Ba trách nhiệm")
    assert group.title_is_default
    services.group_update(group=group, expected_version=draft.lock_version, title="Ba trách nhiệm của cán bộ",
                          acting_user=SYSTEM)
    group.refresh_from_db()
    assert not group.title_is_default
