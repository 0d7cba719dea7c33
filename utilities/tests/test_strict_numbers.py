"""A count is a whole number and nothing else; a range is shown with its qualifier."""

from decimal import Decimal

import pytest
from django.utils import translation

from utilities.quantities import CountFormField, Qualifier, format_quantity, parse_count


@pytest.mark.parametrize(
    ("given", "number"),
    [(12, 12), ("12", 12), (" 12 ", 12), ("１２", 12), (12.0, 12), (Decimal("30"), 30)],
)
def test_whole_numbers_are_read(given, number):
    assert parse_count(given) == number


@pytest.mark.parametrize(
    "given",
    ["1—2", "1-2", "1–2", "3至5", "1,000", "12.5", "约20", "20多", "", "-3", True, 12.5, None],
)
def test_anything_else_is_refused(given):
    with pytest.raises(ValueError):
        parse_count(given)


def test_the_form_field_refuses_a_range_typed_into_a_count():
    field = CountFormField(min_value=0)
    assert field.clean("12") == 12
    for language, words in [("zh-hans", "最大值"), ("en", "highest")]:
        with translation.override(language):
            with pytest.raises(Exception) as refused:
                field.clean("1—2")
            assert words in " ".join(refused.value.messages)


def test_the_form_field_is_a_text_input():
    """A browser's number input drops the dash of "1—2" and sends "12": a count is typed
    into a text input, so that the server sees what was typed."""
    html = CountFormField(min_value=0).widget.render("value", "")
    assert 'type="text"' in html
    assert 'inputmode="numeric"' in html
    assert 'type="number"' not in html


@pytest.mark.parametrize(
    ("value", "value_max", "qualifier", "chinese", "english"),
    [
        (1, 2, Qualifier.EXACT, "1—2", "1–2"),
        (3, 5, Qualifier.ABOUT, "约3—5", "about 3–5"),
        (10000, 20000, Qualifier.EXACT, "1—2万", "10,000–20,000"),
        (5000, 20000, Qualifier.EXACT, "5000—2万", "5,000–20,000"),
        (20, 30, Qualifier.ODD, "20—30多", "20–30-odd"),
        (7, 7, Qualifier.EXACT, "7", "7"),
        (7, None, Qualifier.NEARLY, "近7", "nearly 7"),
    ],
)
def test_a_range_is_shown_with_its_qualifier(value, value_max, qualifier, chinese, english):
    assert format_quantity(value, qualifier, "zh-hans", value_max) == chinese
    assert format_quantity(value, qualifier, "en", value_max) == english
