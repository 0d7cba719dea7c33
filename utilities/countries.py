"""Country codes the registry's rules name (ISO 3166-1 alpha-2), and the country list as
China's foreign affairs writes it: Taiwan, Hong Kong and Macao are part of China and never
a foreign country; Chinese names follow the Ministry of Foreign Affairs where
django-countries' translations differ (``COUNTRY_NAME_CORRECTIONS``, applied through
``settings.COUNTRIES_OVERRIDE``); lists are ordered by pinyin in Chinese and by name in
English (``utilities.country_fields.install_country_order``)."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .country_pinyin import COUNTRY_PINYIN
from .lazy_imports import lazy_module

# Loaded only for a Chinese name not in ``COUNTRY_PINYIN`` (its dictionaries are some 55 MB).
pypinyin = lazy_module("pypinyin")

# The Chinese side of every relationship; every other country is a partner's.
CHINA = "CN"
# Not partner countries: China itself, and Taiwan, Hong Kong and Macao, which are part of it.
NOT_PARTNER_COUNTRIES = {CHINA, "TW", "HK", "MO"}

# Countries without diplomatic relations with the People's Republic of China, as of 2024:
# the states that recognise Taipei (Belize, Eswatini, Guatemala, Haiti, the Marshall
# Islands, Palau, Paraguay, Saint Kitts and Nevis, Saint Lucia, Saint Vincent and the
# Grenadines, Tuvalu, the Holy See) and Bhutan, which has relations with neither. Source:
# the Ministry of Foreign Affairs' table of the dates on which China established
# diplomatic relations with other countries (中华人民共和国与各国建立外交关系日期简表,
# https://www.mfa.gov.cn/web/ziliao_674904/2193_674977/); Nauru (2024), Honduras
# (2023), Nicaragua (2021), Kiribati and the Solomon Islands (2019) are on it again.
# CPAFFC's rules: partners must be in countries that have diplomatic relations with China.
NO_DIPLOMATIC_RELATIONS = frozenset(
    {"BT", "BZ", "GT", "HT", "KN", "LC", "MH", "PW", "PY", "SZ", "TV", "VA", "VC"}
)

# --- Taiwan, Hong Kong and Macao: part of China, in no country list -------------------------

PART_OF_CHINA = ("TW", "HK", "MO")
PART_OF_CHINA_MESSAGE = _(
    "台湾、香港和澳门是中国的一部分，不是外国，不能作为外方国家：那里的地方请以“中国”为国家登记。"
)


def part_of_china_error(codes):
    """The refusal when any of ``codes`` (a code, a list of codes, a Country or None) is
    Taiwan, Hong Kong or Macao; else None. Every write path calls it (model field, form
    field, API field, import, loader through ``full_clean``) before the choice check, so
    the clerk reads why rather than "not a valid choice"."""
    if not codes:
        return None
    if isinstance(codes, str) or not hasattr(codes, "__iter__"):
        codes = [codes]
    for code in codes:
        if str(getattr(code, "code", code) or "").strip().upper() in PART_OF_CHINA:
            return ValidationError(PART_OF_CHINA_MESSAGE, code="part_of_china")
    return None


# --- Chinese names as the Ministry of Foreign Affairs writes them ---------------------------
# django-countries' Chinese translation misspells some names (尼珀尔, 塔吉克斯斯坦), cuts one
# short (波斯尼亚和黑塞哥维), calls Samoa "American Samoa", and writes formal or dated names
# where the Ministry writes short ones. Each name is a Chinese msgid with its English in
# locale/en, so the English list keeps its names.
COUNTRY_NAME_CORRECTIONS = {
    "AS": _("美属萨摩亚"),  # 美属萨摩亚群岛
    "AW": _("阿鲁巴"),  # 阿鲁巴岛
    "BA": _("波斯尼亚和黑塞哥维那"),  # 波斯尼亚和黑塞哥维
    "BS": _("巴哈马"),  # 巴哈马群岛
    "BW": _("博茨瓦纳"),  # 博兹瓦纳
    "CC": _("科科斯（基林）群岛"),  # half-width brackets
    "CD": _("刚果（金）"),  # 刚果民主共和国
    "CG": _("刚果（布）"),  # 刚果
    "DM": _("多米尼克"),  # 多米尼加 (that is the Dominican Republic)
    "DO": _("多米尼加"),  # 多米尼加共和国
    "GF": _("法属圭亚那"),  # 法属奎亚那
    "GP": _("瓜德罗普"),  # 瓜德罗普岛
    "KG": _("吉尔吉斯斯坦"),  # 吉尔吉斯
    "KM": _("科摩罗"),  # 科摩罗伊斯兰联邦共和国
    "LR": _("利比里亚"),  # 利比里亚共和国
    "MK": _("北马其顿"),  # 马其顿
    "ML": _("马里"),  # 马里共和国
    "NP": _("尼泊尔"),  # 尼珀尔
    "RE": _("留尼汪"),  # 法属留尼汪岛
    "SJ": _("斯瓦尔巴群岛和扬马延岛"),  # a leading space
    "SR": _("苏里南"),  # 苏里南共和国
    "TJ": _("塔吉克斯坦"),  # 塔吉克斯斯坦
    "TT": _("特立尼达和多巴哥"),  # 特立尼达和多巴哥共和国
    "WS": _("萨摩亚"),  # 美属萨摩亚群岛 (that is American Samoa)
}


def countries_override():
    """``settings.COUNTRIES_OVERRIDE``: the corrected names, and no Taiwan, Hong Kong or
    Macao."""
    return {**COUNTRY_NAME_CORRECTIONS, **dict.fromkeys(PART_OF_CHINA)}


# --- Order: pinyin in Chinese, the name in English ------------------------------------------


def _has_han(text):
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def country_pinyin(name):
    """A Chinese name's pinyin with tone numbers, syllables spaced (阿富汗 -> "a1 fu4 han4")."""
    known = COUNTRY_PINYIN.get(name)
    if known is not None:
        return known
    return " ".join(pypinyin.lazy_pinyin(name, style=pypinyin.Style.TONE3))


def country_sort_key(item):
    """The key django-countries sorts ``(code, name)`` by: a Chinese name by its pinyin
    (阿尔巴尼亚 a-er-ba-ni-ya before 巴西 ba-xi), any other by its letters without accents
    (Åland Islands beside Albania)."""
    name = str(item[1]).strip()
    if _has_han(name):
        return (0, country_pinyin(name), name)
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return (1, plain.casefold(), name)
