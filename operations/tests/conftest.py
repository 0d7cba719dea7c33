"""Fixtures for the operations tests."""

import pytest
from django.test import Client

from tests.builders import superuser as registry_superuser


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(
        "ops-admin", "ops@example.org", "Pass-w0rd-ops"
    )


@pytest.fixture
def anonymous():
    """A visitor: no session, no token."""
    return Client()


@pytest.fixture
def boss():
    """A superuser signed in to the admin."""
    client = Client()
    client.force_login(registry_superuser())
    return client
