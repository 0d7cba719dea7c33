"""Helpers of the invariant tests: a model's ``full_clean()`` error and its field-keyed
messages, and a save the database itself must refuse (its constraint holds even when
``clean()`` is skipped)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction


def messages(error, field):
    """The messages of one field of a ``ValidationError``, as one string."""
    return " ".join(error.message_dict[field])


def full_clean_error(instance):
    """The ``ValidationError`` that ``instance.full_clean()`` must raise."""
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value


def assert_refused_by_database(save):
    """``save()`` breaks a database constraint (in a savepoint, so the test goes on)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        save()
