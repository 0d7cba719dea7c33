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


def format_quantity(value, qualifier=Qualifier.EXACT, language=None) -> str:
    """ "20多" in Chinese, "20-odd" in English: the qualifier is never dropped."""
    if value is None:
        return ""
    language = (language or get_language() or "zh-hans").lower()
    if language.startswith("zh"):
        return ZH_FORMATS[Qualifier(qualifier)].format(n=value)
    return EN_FORMATS[Qualifier(qualifier)].format(n=f"{value:,}")
