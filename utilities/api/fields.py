"""Serializer fields for the registry's own value types.

- :class:`PartialDateField` reads and writes the three ``<prefix>_year/_month/_day`` columns
  as one string at the source's precision ("1984", "1997-10", "2019-10-28");
  :class:`PrecisionField` states that precision ("year", "month", "day") next to it.
- :class:`BriefRelatedField` embeds a related record in its brief form (id, url, display,
  names, country) when reading and takes the record's id when writing. Given no brief
  serializer, it takes the related model's from the model field it serializes
  (:func:`brief_serializer_for`), so an app can embed a record of an app above it without
  importing that app (a report names its Chinese place; every place record cites reports).
- :class:`CountryField` reads ``{"code": "JP", "name": "日本"}`` and takes an ISO code.

How each looks in the OpenAPI schema (different for requests and responses) is set in
:mod:`utilities.api.schema`.
"""

from functools import cache
from importlib import import_module

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField as BaseCountryField
from rest_framework import serializers

from utilities.countries import part_of_china_error
from utilities.partial_dates import PartialDate, partial_date_errors, read_partial_date

PARTIAL_DATE_PATTERN = r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"


class PartialDateField(serializers.Field):
    """A partial date kept in three columns, as "YYYY", "YYYY-MM" or "YYYY-MM-DD"."""

    default_error_messages = {
        "invalid": _("日期格式应为 YYYY、YYYY-MM 或 YYYY-MM-DD（如 1997、1997-10、1997-10-28）。"),
    }

    def __init__(self, prefix, **kwargs):
        self.prefix = prefix
        kwargs["source"] = "*"
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def bind(self, field_name, parent):
        # The form label is the model's, without the "（年）" of the year column.
        model = getattr(getattr(parent, "Meta", None), "model", None)
        if self.label is None and model is not None:
            name = model._meta.get_field(self.columns[0]).verbose_name
            self.label = str(name).replace("（年）", "").replace("(year)", "").strip()
        super().bind(field_name, parent)

    @property
    def columns(self):
        return [f"{self.prefix}_{part}" for part in ("year", "month", "day")]

    def _empty(self):
        return dict.fromkeys(self.columns)

    def validate_empty_values(self, data):
        # The field writes three columns (source="*"), so "no date" is three Nones, never a
        # bare None that would be merged into the validated data.
        if data in (None, "") and not self.read_only:
            if not self.allow_null:
                self.fail("null")
            return True, self._empty()
        return super().validate_empty_values(data)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            value = PartialDate.parse(data)
        except ValueError:
            # Well-formed but impossible ("1997-13", "2019-02-30"): say which part is wrong.
            parts = data.strip().split("-")
            if len(parts) <= 3 and all(part.isascii() and part.isdigit() for part in parts):
                numbers = [int(part) for part in parts] + [None] * (3 - len(parts))
                errors = partial_date_errors(*numbers)
                if errors:
                    raise serializers.ValidationError(list(errors.values())) from None
            self.fail("invalid")
        return {
            self.columns[0]: value.year,
            self.columns[1]: value.month,
            self.columns[2]: value.day,
        }

    def to_representation(self, instance):
        value = read_partial_date(instance, self.prefix)
        return value.isoformat() if value else None


class PrecisionField(serializers.Field):
    """The precision of a partial date: "year", "month" or "day" (null without a date)."""

    def __init__(self, prefix, **kwargs):
        self.prefix = prefix
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, instance):
        value = read_partial_date(instance, self.prefix)
        return str(value.precision) if value else None


@cache
def brief_serializer_for(model):
    """The one brief serializer of ``model``: ``<Model>BriefSerializer`` in the ``api.briefs``
    module of the app that owns the model (NetBox finds a model's serializer by name the same
    way, ``utilities.api.get_serializer_for_model``). The app is found from the model at run
    time, as Django finds ``to="cities.Place"``, so the caller imports nothing of it."""
    name = f"{model.__name__}BriefSerializer"
    module = f"{model._meta.app_config.name}.api.briefs"
    try:
        briefs = import_module(module)
    except ModuleNotFoundError as error:
        if not module.startswith(error.name or "\0"):
            raise  # the module exists but fails to import: show that error
        briefs = None
    serializer = getattr(briefs, name, None)
    if serializer is None:
        raise ImproperlyConfigured(f"{model.__name__} has no brief serializer {module}.{name}")
    return serializer


# How many brief records one field keeps for records embedded again (an export streams
# thousands of rows through one serializer: its memory must not grow with them).
BRIEFS_KEPT = 1000


class BriefRelatedField(serializers.PrimaryKeyRelatedField):
    """A related record: its brief form when reading, its id (or ``{"id": …}``) when
    writing.

    ``serializer`` is the brief form; without it, the brief serializer of the model the
    field's source points to (:func:`brief_serializer_for`). Without ``queryset`` a
    writable field accepts every record of that model."""

    def __init__(self, serializer=None, **kwargs):
        self._brief_serializer = serializer
        super().__init__(**kwargs)

    def related_model(self):
        """The model of the foreign key (or many-to-many field) this field serializes."""
        field = self.parent if isinstance(self.parent, serializers.ManyRelatedField) else self
        return field.parent.Meta.model._meta.get_field(field.source).related_model

    @property
    def brief_serializer(self):
        if self._brief_serializer is None:
            self._brief_serializer = brief_serializer_for(self.related_model())
        return self._brief_serializer

    def get_queryset(self):
        if self.queryset is None and not self.read_only:
            return self.related_model()._default_manager.all()
        return super().get_queryset()

    def use_pk_only_optimization(self):
        return False

    def to_internal_value(self, data):
        if isinstance(data, dict):
            data = data.get("id")
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)

    def to_representation(self, value):
        # One brief serializer per field and request: building a ModelSerializer's fields
        # costs far more than using them, and a list embeds hundreds of brief records.
        if getattr(self, "_brief", None) is None:
            self._brief = self.brief_serializer(context=self.context)
            self._made = {}
        # A record embedded again in the same answer (a page of relationships in order of
        # their Chinese places names each place some twenty times) is the same brief: made
        # once, given as a copy. The rows of one read; kept for a bounded number of records.
        key = getattr(value, "pk", None)
        if key is None:
            return self._brief.to_representation(value)
        brief = self._made.get(key)
        if brief is None:
            if len(self._made) >= BRIEFS_KEPT:
                self._made.clear()
            brief = self._made[key] = self._brief.to_representation(value)
        return dict(brief)

    def get_choices(self, cutoff=None):
        # The browsable API's form lists choices by id, never by the (unhashable) brief form.
        queryset = self.get_queryset()
        if queryset is None:
            return {}
        if cutoff is not None:
            queryset = queryset[:cutoff]
        return {item.pk: self.display_value(item) for item in queryset}


# What DRF's ChoiceField works out from its choices (``ChoiceField._set_choices``).
CHOICE_ATTRIBUTES = ("grouped_choices", "_choices", "choice_strings_to_values")


class CountryField(BaseCountryField):
    """An ISO 3166-1 country: ``{"code", "name"}`` (name in the request's language) when
    reading, the two-letter code when writing."""

    def __init__(self, **kwargs):
        kwargs.setdefault("country_dict", True)
        super().__init__(**kwargs)

    def _set_choices(self, choices):
        # Some 250 countries, each named in the active language, are indexed when a write,
        # a form or the schema first asks for them, not each time DRF builds the field
        # (every serializer of every request): an answer that only reads never asks.
        for name in CHOICE_ATTRIBUTES:
            self.__dict__.pop(name, None)
        self._choices_given = choices

    choices = property(serializers.ChoiceField._get_choices, _set_choices)

    def __getattr__(self, name):
        if name in CHOICE_ATTRIBUTES and "_choices_given" in self.__dict__:
            serializers.ChoiceField._set_choices(self, self.__dict__.pop("_choices_given"))
            return getattr(self, name)
        raise AttributeError(name)

    def _setup_spectacular_annotation(self):
        # The schema differs between requests (a code) and responses (code and name):
        # CountryFieldExtension in utilities.api.schema describes both.
        pass

    def to_internal_value(self, data):
        if isinstance(data, dict):
            data = data.get("code")
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        data = data.strip()
        refusal = part_of_china_error(data)
        if refusal:
            raise serializers.ValidationError(refusal.messages, code="part_of_china")
        return super().to_internal_value(data.upper() if len(data) == 2 else data)


class BlankAsNullChoiceField(serializers.ChoiceField):
    """A choice the model keeps as ``""`` when it is not known: ``null`` in the API, both
    ways (the schema says ``nullable``; there is no ``""`` choice to send or receive)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("required", False)
        kwargs["allow_blank"] = False
        super().__init__(**kwargs)

    def validate_empty_values(self, data):
        if data is None:
            return True, ""
        return super().validate_empty_values(data)

    def to_representation(self, value):
        return None if value in ("", None) else super().to_representation(value)
