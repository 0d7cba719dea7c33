"""The one text normaliser, whitespace-blind quote finding and the nearest-passage hint."""

import unicodedata

import pytest

from utilities.text import find_quote, nearest_passage, normalise_text

REPORT = (
    "1979年武汉与日本大分市以钢铁为媒(武钢与大分制铁所技术合作)联姻,\n"
    "两市缔结正式友城关系。\n"
    "瑞典博伦厄市自2008年至今,积极申请瑞典国际发展署项目经费。"
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("第一行\r\n第二行\r\n", "第一行\n第二行\n"),  # pasted from Windows
        ("第一行\r第二行", "第一行\n第二行"),  # old Mac line endings
        ("第一行  \n第二行\t\n第三行 ", "第一行\n第二行\n第三行"),  # trailing spaces and tabs
        ("第一行 \r\n\r\n第二行", "第一行\n\n第二行"),
        ("　　首行缩进", "　　首行缩进"),  # indentation is text
        ("Ko\u0308ln und Malmo\u0308", "Köln und Malmö"),  # decomposed (NFD) to NFC
    ],
)
def test_normalise_text(typed, stored):
    assert normalise_text(typed) == stored
    assert unicodedata.is_normalized("NFC", normalise_text(typed))
    # Normalising twice changes nothing.
    assert normalise_text(stored) == stored


def test_received_spaces_are_kept():
    """No-break spaces (web-page debris in the received reports) and ideographic spaces are
    characters of the report, not trailing spaces added by an editor."""
    text = "荣誉称号。 \xa0\xa0\n\xa0\n  下一段　"
    assert normalise_text(text) == text


def test_a_quote_is_also_trimmed():
    assert (
        normalise_text("  \r\n两市缔结正式友城关系。 \r\n", strip=True) == "两市缔结正式友城关系。"
    )
    assert normalise_text(" 报告 ", strip=False) == " 报告"


def test_an_exact_quote_is_found_where_it_stands():
    quote = "两市缔结正式友城关系。"
    start, end = find_quote(REPORT, quote)
    assert REPORT[start:end] == quote


@pytest.mark.parametrize(
    "typed",
    [
        "联姻,两市缔结正式友城关系",  # copied without the report's line break
        "联姻,\n\n两市缔结  正式友城关系",  # extra blank line and spaces
        "1979年 武汉与日本大分市",  # an extra space
    ],
)
def test_whitespace_between_characters_does_not_matter(typed):
    start, end = find_quote(REPORT, typed)
    found = REPORT[start:end]
    assert found.replace("\n", "").replace(" ", "") == typed.replace("\n", "").replace(" ", "")
    # The span is the report's own passage: it begins and ends on a character of the quote.
    assert found == found.strip()
    assert found in REPORT


def test_a_quote_that_is_not_there_is_not_found():
    assert find_quote(REPORT, "两市缔结友好城市关系") is None
    assert find_quote(REPORT, "   ") is None


def test_nearest_passage_of_a_mistyped_quote():
    # A year and a word typed wrong.
    typed = "瑞典博伦厄市自2009年至今,积极申请瑞典国际开发署项目经费"
    assert nearest_passage(REPORT, typed) == (
        "瑞典博伦厄市自2008年至今,积极申请瑞典国际发展署项目经费"
    )


def test_nearest_passage_across_a_line_break():
    typed = "联姻，两市缔结正式友好城市关系"
    passage = nearest_passage(REPORT, typed)
    assert passage is not None
    assert "两市缔结正式友城关系" in passage
    assert passage in REPORT


def test_nothing_alike_gives_no_passage():
    assert nearest_passage(REPORT, "火星探测器于今年着陆成功") is None
    assert nearest_passage("", "任何引文") is None
