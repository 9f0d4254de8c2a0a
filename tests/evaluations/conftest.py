import pytest

from tests.evaluations.factories import world


@pytest.fixture
def w(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return world()
