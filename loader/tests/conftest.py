"""A copy of the fixtures that a test may change (the committed ones stay as they are)."""

import shutil

import pytest


@pytest.fixture
def fixtures_copy(tmp_path, settings):
    target = tmp_path / "fixtures"
    shutil.copytree(settings.REGISTRY_FIXTURES_DIR, target)
    return target
