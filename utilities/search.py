"""Normalised search keys: one query finds a name in simplified or traditional characters,
English or local spelling (with or without accents) and pinyin (with or without tones or
spaces).

Keys are computed when a record is saved and stored in a ``search_text`` column, so a query
is one normalisation plus a plain ``icontains``: the same on SQLite and PostgreSQL, and it
finds two-character names such as 大分.
"""

import re
import unicodedata
from functools import lru_cache

import opencc

from .lazy_imports import lazy_module

# Loaded when a pinyin key is first made (its dictionaries are some 55 MB).
pypinyin = lazy_module("pypinyin")

KEY_SEPARATOR = "|"
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Everything that is not a letter, digit or CJK character is dropped from keys and queries.
NOT_KEY_CHARACTER = re.compile(r"[^0-9a-z\u3400-\u9fff\uf900-\ufaff]+")
# A pinyin gloss left inline in converted text: 濟(jì)南 -> 濟南.
PINYIN_GLOSS = re.compile(r"\([a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹ]+\)")


@lru_cache(maxsize=1)
def _to_simplified():
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _to_simplified().convert(text)


def fold(text: str) -> str:
    """Lower case, no accents or tone marks, no spaces or punctuation, simplified characters."""
    text = PINYIN_GLOSS.sub("", text or "")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.replace("ø", "o").replace("æ", "ae").replace("ß", "ss").replace("ı", "i")
    text = to_simplified(text.lower())
    return NOT_KEY_CHARACTER.sub("", text)


def pinyin_key(text: str) -> str:
    """济南 -> jinan (tone-less pinyin, no spaces)."""
    return fold("".join(pypinyin.lazy_pinyin(to_simplified(text))))


def search_keys(*names: str) -> str:
    """The stored keys of a record's names, separated so a match cannot span two names."""
    keys = []
    for name in names:
        if not name:
            continue
        for key in (fold(name), pinyin_key(name) if CJK.search(name) else ""):
            if key and key not in keys:
                keys.append(key)
    return KEY_SEPARATOR + KEY_SEPARATOR.join(keys) + KEY_SEPARATOR if keys else ""


def query_key(query: str) -> str:
    """The form a user's query is compared in: folded, so "Ji Nan", "jìnán" and "濟南"
    become "jinan" / "济南"."""
    return fold(query or "")
