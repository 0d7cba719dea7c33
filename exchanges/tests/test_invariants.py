"""The invariants of exchanges reject bad input with a clear, field-keyed message, as every
invariant of the schema does (``cities/tests/test_invariants.py``)."""

from exchanges.choices import ExchangeKind
from exchanges.models import Exchange
from utilities.testing.validation import full_clean_error, messages


class TestExchangeDates:
    def test_exchange_end_before_start_is_refused(self, wuhan):
        exchange = Exchange(
            title_zh="测试",
            kind=ExchangeKind.EVENT,
            chinese_place=wuhan,
            start_year=2015,
            start_month=9,
            end_year=2015,
            end_month=6,
        )
        assert "结束早于开始" in messages(full_clean_error(exchange), "end_year")
