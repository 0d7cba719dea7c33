"""Serializer bases shared by every app's API.

Every record starts with ``id``, ``url`` and ``display`` (the record's name in the request's
language). :class:`BriefSerializer` is that start plus a few names: the form in which a
record is embedded in another. :class:`RegistrySerializer` is the full form that also
writes: it runs the model's own ``full_clean()`` (so the API meets the same field-keyed
rules as the admin and ``loaddata``), applies the office rule to the record as it would be
saved, and records the acting user and a change reason in the history.
"""

import copy
import json

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
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
        return absolute_url(request, reverse(view_name, args=[obj.pk]))


class BriefSerializer(serializers.ModelSerializer):
    """``id``, ``url``, ``display`` and the names a reader needs to recognise the record."""

    url = RecordURLField()
    display = serializers.CharField(source="__str__", read_only=True)


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
