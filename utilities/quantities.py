"""Approximate quantities: reports say "20多个", "逾17万人次", "近30名", "约200人次".

A number is kept with its qualifier, because "20多个" is not 20.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


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


# Chinese counts large numbers in 万 (10^4) and 亿 (10^8), as the reports do: 逾17万, 370多亿.
ZH_UNITS = [(10**8, "亿"), (10**4, "万")]


def _zh_number(value):
    """The number and its 万/亿 unit, where the number is a whole count of that unit."""
    for size, unit in ZH_UNITS:
        if value >= size and value % size == 0:
            return str(value // size), unit
    return str(value), ""


def format_quantity(value, qualifier=Qualifier.EXACT, language=None) -> str:
    """Show a number with its qualifier, never dropped: "20多" / "20-odd"."""
    if value is None:
        return ""
    language = (language or get_language() or "zh-hans").lower()
    qualifier = Qualifier(qualifier)
    if language.startswith("zh"):
        number, unit = _zh_number(value)
        if qualifier == Qualifier.ODD:
            return f"{number}多{unit}"  # 370多亿, not 370亿多
        return ZH_FORMATS[qualifier].format(n=number + unit)
    return EN_FORMATS[qualifier].format(n=f"{value:,}")
