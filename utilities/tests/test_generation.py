"""``generation.raised_once`` outside a transaction: refused, since the one raise at the end
would come after the block's writes were already visible (see operations' read-cache tests
for what it does inside one)."""

import pytest
from django.db.transaction import TransactionManagementError

from utilities import generation


def test_raised_once_needs_a_transaction():
    with pytest.raises(TransactionManagementError, match="needs a transaction"):
        with generation.raised_once():
            pass
