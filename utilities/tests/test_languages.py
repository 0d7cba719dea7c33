"""Chinese first, English second: the page-language helpers."""

from django.utils import translation

from utilities.languages import chinese_unless_english, is_chinese, page_and_other


def test_chinese_variants_and_the_default_are_chinese():
    assert is_chinese("zh-hans") and is_chinese("zh-Hant") and is_chinese("ZH")
    assert not is_chinese("en") and not is_chinese("en-GB")
    with translation.override("en"):
        assert not is_chinese()
    with translation.override(None):
        assert is_chinese()  # no active language: the site's default, Chinese


def test_english_text_only_on_an_english_page_that_has_one():
    assert chinese_unless_english("济南市", "Jinan", "zh-hans") == "济南市"
    assert chinese_unless_english("济南市", "Jinan", "en") == "Jinan"
    assert chinese_unless_english("济南市", "", "en") == "济南市"
    with translation.override("en"):
        assert chinese_unless_english("济南市", "Jinan") == "Jinan"


def test_the_other_language_beside_the_page_s_own():
    assert page_and_other("大分市", "Oita", "zh-hans") == ("大分市", "Oita")
    assert page_and_other("大分市", "Oita", "en") == ("Oita", "大分市")
    assert page_and_other("武汉市", "", "en") == ("武汉市", "")
    assert page_and_other("武汉市", "", "zh-hans") == ("武汉市", "")
    assert page_and_other("UNESCO", "UNESCO", "en") == ("UNESCO", "")
