"""Model and form fields that apply the one text normaliser (``utilities.text``) on every
write path: the form field as the user submits (so what the form shows again is what is
stored), the model field in ``full_clean()`` (API, import, loader) and on every save."""

from django import forms
from django.db import models

from .text import normalise_text


class NormalisedTextFormField(forms.CharField):
    """A textarea whose value is normalised as it is read. A browser submits a textarea's
    line breaks as CRLF; they arrive here as LF."""

    def __init__(self, *, normalise_strip=False, **kwargs):
        self.normalise_strip = normalise_strip
        # A report's text is kept whole: the leading indentation of its first line too.
        kwargs.setdefault("strip", normalise_strip)
        kwargs.setdefault("widget", forms.Textarea)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_text(value, strip=self.normalise_strip) if value else value


class NormalisedTextField(models.TextField):
    """A text field stored with LF line endings, in NFC, without trailing spaces on its
    lines; ``strip`` also trims the whole value (a quote)."""

    def __init__(self, *args, strip=False, **kwargs):
        self.strip = strip
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.strip:
            kwargs["strip"] = True
        return name, path, args, kwargs

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_text(value, strip=self.strip) if value else value

    def pre_save(self, model_instance, add):
        value = normalise_text(getattr(model_instance, self.attname), strip=self.strip)
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        return super().formfield(
            **{
                "form_class": NormalisedTextFormField,
                "normalise_strip": self.strip,
                **kwargs,
            }
        )
