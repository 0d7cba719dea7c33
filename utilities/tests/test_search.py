"""Search keys: simplified, traditional, pinyin with or without tones and spaces, accents."""

from utilities.search import query_key, search_keys


def test_keys_cover_scripts_and_pinyin():
    keys = search_keys("济南市", "Jinan", "濟南")
    assert "|济南市|" in keys
    assert "jinanshi" in keys
    for query in ("濟南", "济南", "jinan", "Ji Nan", "jì nán", "JINAN"):
        assert query_key(query) in keys, query


def test_accents_and_inline_pinyin_glosses_fold_away():
    assert query_key("Ōita") == "oita"
    assert query_key("Borlänge") == "borlange"
    assert query_key("濟(jì)南") == "济南"


def test_keys_do_not_run_into_each_other():
    keys = search_keys("大分", "Oita")
    assert query_key("分oi") not in keys
