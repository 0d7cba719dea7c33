"""Brief mode and field selection for reads, as NetBox offers them: ``?brief=true`` answers
each record in its brief form (the one other records embed: ``id``, ``url``, ``display``
and a few names), ``?fields=id,display,slug`` only the named fields. An unknown field name
or a ``brief`` that is not a yes or no is a 400 that lists what is allowed.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers

from .schema import RegistryAutoSchema
from .serializers import BriefSerializer

TRUE = {"true", "1", "yes", "on"}
FALSE = {"false", "0", "no", "off", ""}

BRIEF = OpenApiParameter(
    "brief",
    OpenApiTypes.BOOL,
    description="Each record in its brief form (id, url, display and its names), as other "
    "records embed it.",
)
FIELDS = OpenApiParameter(
    "fields",
    OpenApiTypes.STR,
    description="Only these fields of each record, comma-separated (`id,display,slug`); an "
    "unknown name is a 400 listing the valid ones.",
)


SELECTION_SCHEMA = {
    "type": "object",
    "description": "A record in its brief form (`brief=true`) or with only the fields asked "
    "for (`fields=`).",
    "additionalProperties": {},
}


class ReadSchema(RegistryAutoSchema):
    """Documents the 400 of a read whose ``brief``, ``fields`` or other query value is
    malformed (lists with filters have it already; details and feeds too), and that a read
    answers either the full record (first: a generated client parses it as such) or, with
    ``brief`` or ``fields``, a selection of it."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.method == "GET":
            responses.setdefault("400", self._error_response("400"))
        return responses

    def _get_response_for_code(
        self, serializer, status_code, media_types=None, direction="response"
    ):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        content = response.get("content", {}).get("application/json")
        if (
            status_code != "200"
            or self.method != "GET"
            or content is None
            or getattr(self.view, "action", None) not in {"list", "retrieve"}
            or not isinstance(self.view, FieldSelectionMixin)
        ):
            return response
        selection = self._component("Selection", SELECTION_SCHEMA)
        paginator = self._get_paginator()
        if self.view.action == "list" and paginator is not None:
            array = {"type": "array", "items": selection}
            selection = self._component(
                "PaginatedSelectionList", paginator.get_paginated_response_schema(array)
            )
        content["schema"] = {"anyOf": [content["schema"], selection]}
        return response

    def _component(self, name, schema):
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name
        )
        self.registry.register_on_missing(component)
        return component.ref


def minimal_brief(model):
    """``id``, ``url`` and ``display``: the brief form of a record that has no other."""
    meta = type("Meta", (), {"model": model, "fields": ["id", "url", "display"]})
    return type(f"{model.__name__}BriefSerializer", (BriefSerializer,), {"Meta": meta})


class FieldSelectionMixin:
    """For list and detail reads of a viewset: ``brief`` picks ``brief_serializer_class``
    (or the minimal brief form), ``fields`` keeps only the named fields."""

    brief_serializer_class = None
    schema = ReadSchema()

    def _reading(self):
        return self.request is not None and self.action in {"list", "retrieve"}

    def brief_requested(self):
        value = self.request.query_params.get("brief")
        if value is None or not self._reading():
            return False
        value = value.strip().lower()
        if value in TRUE:
            return True
        if value in FALSE:
            return False
        raise exceptions.ValidationError(
            {"brief": [_("brief 只能是 true 或 false。")]}, code="invalid"
        )

    def get_serializer_class(self):
        if self.brief_requested():
            return self.brief_serializer_class or minimal_brief(self.get_queryset().model)
        return super().get_serializer_class()

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        value = self.request.query_params.get("fields") if self._reading() else None
        if value is None:
            return serializer
        record = (
            serializer.child if isinstance(serializer, serializers.ListSerializer) else serializer
        )
        wanted = [name.strip() for name in value.split(",") if name.strip()]
        valid = list(record.fields)
        unknown = [name for name in wanted if name not in valid]
        if not wanted or unknown:
            raise exceptions.ValidationError(
                {
                    "fields": [
                        _("未知字段：%(unknown)s。可用字段：%(valid)s。")
                        % {"unknown": ", ".join(unknown[:10]) or "—", "valid": ", ".join(valid)}
                    ]
                },
                code="invalid",
            )
        for name in set(valid) - set(wanted):
            record.fields.pop(name)
        return serializer

    @extend_schema(parameters=[BRIEF, FIELDS])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(parameters=[BRIEF, FIELDS])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)
