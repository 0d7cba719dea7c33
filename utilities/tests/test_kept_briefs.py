"""The address patterns and labels the records made from plain values keep between requests
(``utilities.api.briefs``) are forgotten when a setting changes (a test's
``override_settings``), as Django forgets its own URL and translation caches."""

from django.test import override_settings

from utilities.api import briefs


def test_a_changed_setting_forgets_the_kept_patterns_and_labels():
    briefs.URL_PATTERNS["kept"] = ("/a/", "/")
    briefs.LABELS["kept"] = {"a": "A"}
    with override_settings(LANGUAGES=[("en", "English")]):
        assert "kept" not in briefs.URL_PATTERNS
        assert "kept" not in briefs.LABELS
