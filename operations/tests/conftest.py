"""Fixtures for the operations tests."""

import pytest


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(
        "ops-admin", "ops@example.org", "Pass-w0rd-ops"
    )
