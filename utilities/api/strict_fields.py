"""API fields that read text and numbers as the admin does: text through the one normaliser
(``utilities.text``), counts through the one strict parser (``utilities.quantities``)."""

from rest_framework import serializers

from utilities.quantities import COUNT_INVALID, parse_count
from utilities.text import normalise_text


class NormalisedTextField(serializers.CharField):
    """Text stored with LF line endings, in NFC, without trailing spaces on its lines.
    ``strip`` trims the whole value (a quote); a report's text is kept whole."""

    def __init__(self, *, strip=False, **kwargs):
        self.strip = strip
        kwargs.setdefault("trim_whitespace", strip)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        return normalise_text(super().to_internal_value(data), strip=self.strip)


class CountField(serializers.IntegerField):
    """A whole number and nothing else: ``12`` or ``"12"``; ``"1—2"``, ``12.5`` and
    ``true`` are refused with the message the admin gives."""

    default_error_messages = {"invalid": COUNT_INVALID}

    def to_internal_value(self, data):
        try:
            value = parse_count(data)
        except ValueError:
            self.fail("invalid", value=data)
        return super().to_internal_value(value)
