"""Approximate quantities: reports say "20多个", "逾17万人次", "近30名", "约200人次".

A number is kept with its qualifier, because "20多个" is not 20, and a range ("1—2个",
"3至5次") with its upper bound. A count is a whole number and nothing else: "1—2" typed into
a count is refused on every path (a browser's number input used to drop the dash and send
"12"), with one message that says how to record a range.
"""

import re
import unicodedata
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .languages import is_chinese


class Qualifier(models.TextChoices):
    EXACT = "exact", _("确数")
    ODD = "odd", _("多/余")
    OVER = "over", _("逾/超过")
    AT_LEAST = "at_least", _("以上")
    NEARLY = "nearly", _("近")
    ABOUT = "about", _("约")


ZH_FORMATS = {
    Qualifier.EXACT: "{n}",
    Qualifier.ODD: "{n}多",
    Qualifier.OVER: "逾{n}",
    Qualifier.AT_LEAST: "{n}以上",
    Qualifier.NEARLY: "近{n}",
    Qualifier.ABOUT: "约{n}",
}
EN_FORMATS = {
    Qualifier.EXACT: "{n}",
    Qualifier.ODD: "{n}-odd",
    Qualifier.OVER: "over {n}",
    Qualifier.AT_LEAST: "{n} or more",
    Qualifier.NEARLY: "nearly {n}",
    Qualifier.ABOUT: "about {n}",
}


COUNT_INVALID = _(
    "请输入一个整数（只填阿拉伯数字，如 12）。报告给出范围（如“1—2个”“3至5次”）时，"
    "请在“数值”填写最小值，在“最大值”填写最大值。"
)
VALUE_MAX_BELOW_VALUE = _("最大值不能小于数值。")

DIGITS = re.compile(r"[0-9]+")


def parse_count(value):
    """A whole number from what a user, a spreadsheet or a JSON body gives: an int, an
    integral float or Decimal, or a string of digits (full-width digits as typed with a
    Chinese input method included, spaces around allowed). Anything else raises
    ValueError: "1—2", "1,000", "12.5", "约20", True."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, (float, Decimal)):
        if value != value or value in (float("inf"), float("-inf")) or value != int(value):
            raise ValueError(value)
        return int(value)
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if DIGITS.fullmatch(text):
            return int(text)
    raise ValueError(value)


class CountFormField(forms.IntegerField):
    """A count typed in a form. A text input, not a number input: a browser's number input
    silently drops what is not a digit ("1—2" was sent as "12"), so the server could never
    refuse it."""

    widget = forms.TextInput
    default_error_messages = {"invalid": COUNT_INVALID}

    def __init__(self, **kwargs):
        # The admin asks for its number input (AdminBigIntegerFieldWidget): a text input
        # with the same look takes its place.
        widget = kwargs.get("widget")
        if isinstance(widget, type) and issubclass(widget, forms.NumberInput):
            widget = widget()
        if isinstance(widget, forms.NumberInput):
            kwargs["widget"] = forms.TextInput(attrs=dict(widget.attrs))
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("min", None)
        attrs.pop("max", None)
        attrs.pop("step", None)
        return {**attrs, "inputmode": "numeric", "autocomplete": "off"}

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return parse_count(value)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class CountField(models.PositiveBigIntegerField):
    """A count a report gives: a whole number, read strictly on every path (form, API,
    import, loader)."""

    default_error_messages = {"invalid": COUNT_INVALID}

    def to_python(self, value):
        if value is None:
            return value
        try:
            return parse_count(value)
        except ValueError:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            ) from None

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": CountFormField, **kwargs})


def value_range_constraint():
    """A range's upper bound is not below its lower bound (``value_max`` is empty for a
    single number)."""
    return models.CheckConstraint(
        condition=models.Q(value_max__isnull=True) | models.Q(value_max__gte=models.F("value")),
        name="%(app_label)s_%(class)s_value_max_not_below_value",
        violation_error_message=VALUE_MAX_BELOW_VALUE,
    )


def validate_value_range(record):
    """The same rule as the constraint, keyed to the field for forms and the API."""
    value, value_max = record.value, record.value_max
    # A value that is not a number yet has its own error (the field's).
    if isinstance(value, int) and isinstance(value_max, int) and value_max < value:
        raise ValidationError({"value_max": VALUE_MAX_BELOW_VALUE})


# Chinese counts large numbers in 万 (10^4) and 亿 (10^8), as the reports do: 逾17万, 370多亿.
ZH_UNITS = [(10**8, "亿"), (10**4, "万")]


def _zh_number(value):
    """The number and its 万/亿 unit, where the number is a whole count of that unit."""
    for size, unit in ZH_UNITS:
        if value >= size and value % size == 0:
            return str(value // size), unit
    return str(value), ""


# Between the ends of a range: "1—2个" in Chinese, "1–2" (an en dash) in English.
ZH_RANGE = "—"
EN_RANGE = "–"


def _zh_range(value, value_max):
    """The number (or range) and the unit they share: ("1—2", "万"), ("5000—2万", "")."""
    number, unit = _zh_number(value)
    if value_max is None or value_max == value:
        return number, unit
    number_max, unit_max = _zh_number(value_max)
    if unit == unit_max:
        return f"{number}{ZH_RANGE}{number_max}", unit
    return f"{number}{unit}{ZH_RANGE}{number_max}{unit_max}", ""


def format_quantity(value, qualifier=Qualifier.EXACT, language=None, value_max=None) -> str:
    """Show a number (or a range, when ``value_max`` is given) with its qualifier, never
    dropped: "20多" / "20-odd", "1—2" / "1–2"."""
    if value is None:
        return ""
    qualifier = Qualifier(qualifier)
    if is_chinese(language):
        number, unit = _zh_range(value, value_max)
        if qualifier == Qualifier.ODD:
            return f"{number}多{unit}"  # 370多亿, not 370亿多
        return ZH_FORMATS[qualifier].format(n=number + unit)
    number = f"{value:,}"
    if value_max is not None and value_max != value:
        number = f"{number}{EN_RANGE}{value_max:,}"
    return EN_FORMATS[qualifier].format(n=number)
