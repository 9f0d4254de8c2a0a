"""Fixtures shared by the cadres app's tests."""

import pytest

from tests.cadres.factories import GrantFactory, UnitFactory, province_pair


@pytest.fixture
def tree(settings, tmp_path):
    """Tenant A: root → D1 (→ G1 → B1) and D2 (→ G2); tenant B with its own D1 and G9.
    `manager` manages D1 only."""
    settings.MEDIA_ROOT = tmp_path
    tree = province_pair()
    tree["g9"] = UnitFactory(parent=tree["foreign"], code="G9", name="Đoàn xã tỉnh B")
    tree["manager"] = GrantFactory(unit=tree["d1"]).user
    return tree
