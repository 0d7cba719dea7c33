"""The site's two languages: Chinese first (the default, and any ``zh-*`` variant), English
second. ``is_chinese()`` answers "is this page Chinese?"; ``chinese_unless_english()`` picks
a record's text for the page; ``page_and_other()`` also gives the other language's text to
show beside it."""

from django.utils.translation import get_language

DEFAULT_LANGUAGE = "zh-hans"


def is_chinese(language=None):
    """Whether ``language`` (by default the active one; none active means the default,
    Chinese) is a Chinese variant."""
    return (language or get_language() or DEFAULT_LANGUAGE).lower().startswith("zh")


def chinese_unless_english(chinese, english, language=None):
    """The Chinese text, unless the page is in English and there is an English text."""
    if is_chinese(language) or not english:
        return chinese
    return english


def page_and_other(chinese, english, language=None):
    """``(the text for the page, the other language's text)``: the second is "" when there
    is none or it says the same (大分市 and Ōita; 武汉市 and "")."""
    if is_chinese(language) or not english:
        primary, other = chinese, english
    else:
        primary, other = english, chinese
    return primary, (other if other and other != primary else "")
