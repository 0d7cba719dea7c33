"""Serializer bases shared by every app's API.

Every record starts with ``id``, ``url`` and ``display`` (the record's name in the request's
language). :class:`BriefSerializer` is that start plus a few names: the form in which a
record is embedded in another. :class:`RegistrySerializer` is the full form that also
writes: it runs the model's own ``full_clean()`` (so the API meets the same field-keyed
rules as the admin and ``loaddata``), applies the office rule to the record as it would be
saved, and records the acting user and a change reason in the history.

Reading is on every list's hot path (a page of 50 relationships embeds some 400 records),
so both bases read a record through a plan compiled once per serializer instance
(:func:`reading_plan`): the record's address from its URL pattern reversed once (not a
``reverse()`` per row), plain columns by ``getattr``, a choice's label and a country's name
looked up once per value, and DRF's own field machinery only for what needs it. The output
is the same as DRF's, value for value.
"""

import copy
import json
import weakref
from collections.abc import Mapping
from datetime import datetime

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import QueryDict
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField as CountryModelField
from django_countries.fields import MultipleCountriesDescriptor
from rest_framework import ISO_8601, serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings
from rest_framework.utils.encoders import JSONEncoder

from utilities.models import validate_citations

from .exceptions import RequestError
from .fields import PartialDateField


def absolute_url(request, path):
    return request.build_absolute_uri(path) if request is not None else path


def api_view_name(model, action="detail"):
    """The URL name of a model's endpoint: ``api:place-detail``."""
    return f"api:{model._meta.model_name}-{action}"


# A primary key no table here reaches: reversed once, then replaced by each record's key.
PLACEHOLDER = 987654321987654321


def record_url_pattern(request, view_name):
    """``(start, end)`` of a record's address, the key going between: the URL reversed once
    per request and view name (the address depends on the host, the script prefix and
    the URL configuration, all fixed during a request)."""
    cache = getattr(request, "_record_url_patterns", None) if request is not None else None
    key = (view_name, get_script_prefix(), get_urlconf())
    if cache is not None and key in cache:
        return cache[key]
    path = reverse(view_name, args=[PLACEHOLDER])
    start, _placeholder, end = absolute_url(request, path).rpartition(str(PLACEHOLDER))
    if request is not None:
        if cache is None:
            cache = request._record_url_patterns = {}
        cache[key] = (start, end)
    return start, end


class RecordURLField(serializers.HyperlinkedIdentityField):
    """The record's own API address; the view name follows the serializer's model, so
    subclasses need not repeat it (and a model field called ``url`` cannot shadow it)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("view_name", "")
        super().__init__(**kwargs)

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        if not self.view_name:
            self.view_name = api_view_name(parent.Meta.model)

    def get_url(self, obj, view_name, request, format):
        # The record's canonical address: DRF would carry the request's ``?format=csv``
        # into every link of an export.
        if obj.pk is None:
            return None
        start, end = record_url_pattern(request, view_name)
        return f"{start}{obj.pk}{end}"


SIMPLE_VALUES = (str, int, bool)
PLAIN_FIELDS = {
    serializers.CharField: str,
    serializers.SlugField: str,
    serializers.URLField: str,
    serializers.EmailField: str,
    serializers.IntegerField: int,
    serializers.BooleanField: bool,
    serializers.ReadOnlyField: object,
}


def _drf_reader(name, field):
    """DRF's own reading of one field (``Serializer.to_representation``'s loop body)."""

    def read(instance, data):
        try:
            attribute = field.get_attribute(instance)
        except SkipField:
            return
        check = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
        data[name] = None if check is None else field.to_representation(attribute)

    return read


def _model_field(serializer, attribute):
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    try:
        return model._meta.get_field(attribute) if model is not None else None
    except Exception:  # noqa: BLE001 - not a model field: DRF reads it
        return None


def _field_reader(serializer, name, field):
    """A reader that gives what DRF would for ``field``, faster where that is safe; any
    value it does not expect goes through DRF's reading."""
    drf = _drf_reader(name, field)
    attrs = getattr(field, "source_attrs", None)
    if isinstance(field, RecordURLField):
        pattern = []  # the address's start and end, looked up at the first record

        def read_url(instance, data):
            if instance.pk is None:
                data[name] = None
                return
            if not pattern:
                pattern.extend(record_url_pattern(field.context.get("request"), field.view_name))
            data[name] = f"{pattern[0]}{instance.pk}{pattern[1]}"

        return read_url
    if (
        field.source == "*"
        and type(field).get_attribute is serializers.Field.get_attribute
        and not isinstance(
            field,
            (serializers.RelatedField, serializers.ManyRelatedField, serializers.BaseSerializer),
        )
    ):
        # The whole record (a method's value, a partial date and its precision): DRF's
        # ``get_attribute`` gives the record itself, never None (a field that reads its
        # attribute its own way goes through DRF).
        represent = field.to_representation

        def read_record(instance, data):
            data[name] = represent(instance)

        return read_record
    if not attrs or len(attrs) != 1:
        return drf
    attribute = attrs[0]
    if isinstance(field, (serializers.ManyRelatedField, serializers.ListSerializer)):
        # Prefetched related records straight from the prefetch cache (DRF would build a
        # related manager and a queryset per record to reach the same list).
        child = getattr(field, "child_relation", None) or field.child

        def read_many(instance, data):
            prefetched = instance.__dict__.get("_prefetched_objects_cache", {}).get(attribute)
            if prefetched is None:
                return drf(instance, data)
            data[name] = [child.to_representation(item) for item in prefetched]

        return read_many
    if attribute == "__str__" and type(field) is serializers.CharField:

        def read_display(instance, data):
            data[name] = str(instance)

        return read_display
    display_of = attribute.removeprefix("get_").removesuffix("_display")
    if (
        type(field) is serializers.CharField
        and attribute.startswith("get_")
        and attribute.endswith("_display")
        and getattr(_model_field(serializer, display_of), "choices", None)
    ):
        # A choice's label, translated: looked up once per value and request.
        labels = {}

        def read_label(instance, data):
            value = getattr(instance, display_of)
            if not isinstance(value, SIMPLE_VALUES):
                return drf(instance, data)
            label = labels.get(value)
            if label is None:
                label = labels[value] = str(getattr(instance, attribute)())
            data[name] = label

        return read_label
    kind = PLAIN_FIELDS.get(type(field))
    if kind is None and _plain_integer(field):
        kind = int
    if kind is not None:

        def read_plain(instance, data):
            try:
                value = getattr(instance, attribute)
            except AttributeError:
                return drf(instance, data)
            if value is None:
                data[name] = None
            elif type(value) is kind or (kind is object and type(value) in SIMPLE_VALUES):
                data[name] = value
            else:
                drf(instance, data)

        return read_plain
    if type(field) is serializers.DateTimeField and _iso_format(field):
        # A stored moment in the request's time zone (found at the first record, as the
        # URL pattern is: it does not change during a request), as DRF writes it.
        zones = []

        def read_moment(instance, data):
            value = getattr(instance, attribute, None)
            if type(value) is not datetime or value.utcoffset() is None:
                return drf(instance, data)
            if not zones:
                zones.append(
                    field.timezone if hasattr(field, "timezone") else field.default_timezone()
                )
            if zones[0] is None:
                return drf(instance, data)
            text = value.astimezone(zones[0]).isoformat()
            data[name] = text[:-6] + "Z" if text.endswith("+00:00") else text

        return read_moment
    if type(field) is serializers.ListField and _country_dict(field.child):
        # A list of countries, each ``{"code", "name"}`` as the country field gives it.
        names = {}
        stored = {}  # by the code as stored: the model's Country objects are not made
        child = field.child
        kept = _stored_countries(serializer, attribute, multiple=True)

        def read_countries(instance, data):
            codes = instance.__dict__.get(attribute) if kept else None
            if type(codes) is list:
                items = [stored.get(code) for code in codes]
                if None not in items:
                    data[name] = [dict(country) for country in items]
                    return
            values = getattr(instance, attribute, None)
            if type(values) is MultipleCountriesDescriptor:
                # What the model's list of countries gives: one ``Country`` a stored code.
                values = list(values)
            if type(values) is not list:
                return drf(instance, data)
            items = []
            for value in values:
                country = _named_country(value, names, child)
                if country is None:
                    return drf(instance, data)
                items.append(dict(country))
            data[name] = items
            if type(codes) is list and len(codes) == len(items):
                for code, value in zip(codes, values, strict=True):
                    if type(code) is str:
                        stored[code] = names[value.code]

        return read_countries
    if type(field) is serializers.ChoiceField:

        def read_choice(instance, data):
            value = getattr(instance, attribute, None)
            if type(value) is str:
                data[name] = field.choice_strings_to_values.get(value, value)
            else:
                drf(instance, data)

        return read_choice
    if _country_dict(field):
        # ``{"code", "name"}``, the name translated once per country and request.
        names = {}
        stored = {}  # by the code as stored: the model's Country object is not made
        kept = _stored_countries(serializer, attribute, multiple=False)

        def read_country(instance, data):
            raw = instance.__dict__.get(attribute) if kept else None
            country = stored.get(raw) if type(raw) is str else None
            if country is not None:
                data[name] = dict(country)
                return
            country = _named_country(getattr(instance, attribute, None), names, field)
            if country is None:
                return drf(instance, data)
            data[name] = dict(country)
            if type(raw) is str:
                stored[raw] = country

        return read_country
    return drf


def _plain_integer(field):
    """An integer field that writes a stored integer as it is (DRF's ``int(value)``): a
    subclass that changes only what it takes (a count), a big integer not sent as text."""
    if not isinstance(field, serializers.IntegerField):
        return False
    written_by = type(field).to_representation
    if written_by is serializers.BigIntegerField.to_representation:
        return not getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING)
    return written_by is serializers.IntegerField.to_representation


def _iso_format(field):
    output = getattr(field, "format", api_settings.DATETIME_FORMAT)
    return isinstance(output, str) and output.lower() == ISO_8601


# ``{"code", "name"}`` by (the field's countries, language, code), for every request: a
# country's name in a language is the same for all of them (the names are the settings',
# the translations compiled), and django-countries takes some 40 µs to give it.
_COUNTRY_DICTS = {}
COUNTRY_DICTS_KEPT = 4000


def _named_country(value, names, field):
    """``{"code", "name"}`` of a country value as ``field`` represents it, kept in ``names``
    (the request's) and :data:`_COUNTRY_DICTS`; None when the value has no code, or a code
    the field's list does not name (a code written past validation, which DRF reads as
    ``""``): DRF then reads the field."""
    code = getattr(value, "code", None)
    if type(code) is not str or not code:
        return None
    country = names.get(code)
    if country is None:
        countries = field.countries
        key = (id(countries), get_language(), code)
        kept = _COUNTRY_DICTS.get(key)
        if kept is None or kept[0] is not countries:
            if len(_COUNTRY_DICTS) >= COUNTRY_DICTS_KEPT:
                _COUNTRY_DICTS.clear()
            kept = _COUNTRY_DICTS[key] = (countries, field.to_representation(value))
        if type(kept[1]) is not dict:
            return None
        country = names[code] = kept[1]
    return country


def _stored_countries(serializer, attribute, multiple):
    """Whether ``attribute`` is the serializer model's country field (one country, or a list
    of them when ``multiple``), whose codes the record keeps as it stores them."""
    model_field = _model_field(serializer, attribute)
    return (
        isinstance(model_field, CountryModelField)
        and model_field.name == attribute
        and bool(model_field.multiple) == multiple
    )


def _country_dict(field):
    """A country field that gives ``{"code", "name"}``."""
    return getattr(field, "country_dict", False) and tuple(
        getattr(field, "country_dict_keys", ())
    ) == ("code", "name")


def reading_plan(serializer):
    """One reader per readable field, in the serializer's order."""
    return [
        _field_reader(serializer, name, field)
        for name, field in serializer.fields.items()
        if not field.write_only
    ]


# A serializer class's fields as ``get_fields()`` gives them, unbound, by language: serializer
# class -> language -> {name: field}. Weak, as ``_BUILT_FIELDS`` below.
_FIELD_PROTOTYPES = weakref.WeakKeyDictionary()


def fresh_field(field):
    """A copy of an unbound field as DRF's ``copy.deepcopy`` gives it (the same class and
    arguments, nothing shared that a serializer changes), without running its ``__init__``
    again. A nested serializer, or a field with one inside, is deep-copied as DRF does."""
    child = field.__dict__.get("child_relation") or field.__dict__.get("child")
    if isinstance(field, serializers.BaseSerializer) or isinstance(
        child, serializers.BaseSerializer
    ):
        return copy.deepcopy(field)
    fresh = object.__new__(type(field))
    fresh.__dict__.update(field.__dict__)
    if "_validators" in field.__dict__:
        fresh._validators = list(field._validators)
    if "error_messages" in field.__dict__:
        fresh.error_messages = dict(field.error_messages)
    if child is not None:
        # A list's or a relation's child is bound to it (``ListField``, ``ManyRelatedField``):
        # the copy's child is the copy's, so it finds its serializer and context.
        fresh_child = fresh_field(child)
        fresh_child.parent = fresh
        name = "child_relation" if "child_relation" in field.__dict__ else "child"
        setattr(fresh, name, fresh_child)
    return fresh


class PlannedReading:
    """A serializer (of a model or not) that reads records through its reading plan.

    Its fields are worked out once per class and language and copied for each serializer
    (:func:`fresh_field`): DRF deep-copies the declared fields and builds the model's anew
    for every serializer of every request, some 1 ms for a relationship's. A subclass whose
    fields depend on the request or the instance sets ``fields_depend_on_context``."""

    fields_depend_on_context = False

    def get_fields(self):
        if self.fields_depend_on_context:
            return super().get_fields()
        by_language = _FIELD_PROTOTYPES.get(type(self))
        if by_language is None:
            by_language = _FIELD_PROTOTYPES[type(self)] = {}
        language = get_language()
        prototype = by_language.get(language)
        if prototype is None:
            prototype = by_language[language] = super().get_fields()
        return {name: fresh_field(field) for name, field in prototype.items()}

    def to_representation(self, instance):
        if isinstance(instance, Mapping):
            return super().to_representation(instance)
        plan = self.__dict__.get("_reading_plan")
        if plan is None:
            # Built at the first record, after ``?fields=`` has removed what is not asked.
            plan = self._reading_plan = reading_plan(self)
        data = {}
        for read in plan:
            read(instance, data)
        return data


# ``ModelSerializer.build_field`` results: serializer class -> (source, depth, language) ->
# (field class, keyword arguments). Weak: a class made for one request (``minimal_brief``)
# takes its entries with it.
_BUILT_FIELDS = weakref.WeakKeyDictionary()


class BriefSerializer(PlannedReading, serializers.ModelSerializer):
    """``id``, ``url``, ``display`` and the names a reader needs to recognise the record."""

    url = RecordURLField()
    display = serializers.CharField(source="__str__", read_only=True)

    def build_field(self, field_name, info, model_class, nested_depth):
        # DRF works a model field's serializer field out afresh for every serializer of
        # every request (a seventh of a page of exchanges); it depends only on the class
        # and, through the messages it formats, on the language.
        built_here = _BUILT_FIELDS.get(type(self))
        if built_here is None:
            built_here = _BUILT_FIELDS[type(self)] = {}
        key = (field_name, nested_depth, get_language())
        built = built_here.get(key)
        if built is None:
            built = built_here[key] = super().build_field(
                field_name, info, model_class, nested_depth
            )
        field_class, kwargs = built
        kwargs = dict(kwargs)  # ``include_extra_kwargs`` and the field's __init__ pop from it
        if "style" in kwargs:
            kwargs["style"] = dict(kwargs["style"])
        return field_class, kwargs


def stamp_history(instance, request):
    """Name the acting user and the request in the history row the next save writes (token
    authentication happens in the view, after simple-history's middleware has looked)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        instance._history_user = user
    reason = f"REST API {request.method} {request.path}"
    instance._change_reason = reason[:100]


class RegistrySerializer(BriefSerializer):
    """The full, writable form of a record.

    A body that sets a read-only field (one the API computes, or one written elsewhere:
    ``Meta.read_only_hints`` names where) is refused with 400 rather than silently
    ignored; sending it back unchanged, as read, is fine."""

    def to_internal_value(self, data):
        if isinstance(data, dict) and not isinstance(data, QueryDict):
            self._refuse_read_only(data)
        return super().to_internal_value(data)

    def _refuse_read_only(self, data):
        hints = getattr(self.Meta, "read_only_hints", {})
        errors = {}
        for name, value in data.items():
            field = self.fields.get(name)
            if field is None or not field.read_only or not self._would_change(field, value):
                continue
            if name in hints:
                message = _("只读字段：请通过 %(where)s 写入。") % {"where": hints[name]}
            else:
                message = _("只读字段，由系统生成，不能写入。")
            errors[name] = [message]
        if errors:
            raise RequestError(errors, "read_only_field")

    def _would_change(self, field, value):
        if self.instance is None:
            return value not in (None, "", [], {})
        try:
            current = field.to_representation(field.get_attribute(self.instance))
            current = json.loads(json.dumps(current, cls=JSONEncoder))
        except Exception:  # noqa: BLE001 - a value that cannot be compared is a change
            return True
        return _reduced(current) != _reduced(value)

    def _many_to_many_names(self):
        return {field.name for field in self.Meta.model._meta.many_to_many}

    def _candidate(self, attrs):
        """The record as it would be saved, without saving it."""
        plain = {
            key: value for key, value in attrs.items() if key not in self._many_to_many_names()
        }
        if self.instance is None:
            return self.Meta.model(**plain)
        candidate = copy.copy(self.instance)
        for key, value in plain.items():
            setattr(candidate, key, value)
        return candidate

    def _api_errors(self, error):
        """Model errors keyed by the API's field names (``date_year`` -> ``date``)."""
        names = {}
        for name, field in self.fields.items():
            if isinstance(field, PartialDateField):
                names.update(dict.fromkeys(field.columns, name))
            elif field.source and field.source != "*":
                names[field.source] = name
        if not hasattr(error, "error_dict"):
            return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
        result = {}
        for key, messages in error.message_dict.items():
            if key == NON_FIELD_ERRORS:
                target = api_settings.NON_FIELD_ERRORS_KEY
            else:
                target = names.get(key, key)
            result.setdefault(target, []).extend(messages)
        return result

    def validate(self, attrs):
        attrs = super().validate(attrs)
        candidate = self._candidate(attrs)
        try:
            candidate.full_clean(validate_constraints=True)
            self._validate_citations(candidate, attrs)
        except DjangoValidationError as error:
            raise serializers.ValidationError(self._api_errors(error)) from None
        request, view = self.context.get("request"), self.context.get("view")
        if request is not None and view is not None:
            # The record as it would be saved meets the view's permissions (the office
            # rule: offices.api.OfficePermission), like the stored one did.
            view.check_object_permissions(request, candidate)
        return attrs

    def _validate_citations(self, candidate, attrs):
        """The citation rule (``utilities.models.validate_citations``) with the citations
        the record will have: those sent, else (a partial update) those it has."""
        if "citations" not in self._many_to_many_names():
            return
        if "citations" in attrs:
            citations = attrs["citations"]
        elif self.instance is not None:
            citations = self.instance.citations.all()
        else:
            citations = []
        validate_citations(candidate, citations)

    def create(self, validated_data):
        many = {
            key: validated_data.pop(key)
            for key in list(validated_data)
            if key in self._many_to_many_names()
        }
        instance = self.Meta.model(**validated_data)
        stamp_history(instance, self.context["request"])
        instance.save()
        for key, value in many.items():
            getattr(instance, key).set(value)
        return instance

    def update(self, instance, validated_data):
        stamp_history(instance, self.context["request"])
        return super().update(instance, validated_data)


def _reduced(value):
    """A value as a client may send it back: embedded records by id (as writes take them),
    countries by code."""
    if isinstance(value, dict):
        for key in ("id", "code"):
            if key in value:
                return value[key]
        return {key: _reduced(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_reduced(item) for item in value]
    return value
