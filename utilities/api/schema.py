"""The OpenAPI schema: drf-spectacular's AutoSchema, told what it cannot see by itself.

- Export formats have their own response schemas: CSV and iCalendar are text, GeoJSON is a
  FeatureCollection (or Feature) whose properties are the JSON record.
- Error responses are documented: 400 (field-level messages for bodies and filters), 401,
  403, 404, 409 and 429, so a client (and the schemathesis run in the suite) can rely on
  every status the API gives.
- The registry's own fields differ between requests and responses: a related record is
  an id in a request and its brief form in a response; a country is a code in a request
  and ``{"code", "name"}`` in a response; a partial date is "YYYY[-MM[-DD]]".
"""

from django_filters import filters
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import (
    ResolvedComponent,
    build_parameter_type,
    force_instance,
    is_list_serializer,
    is_serializer,
)
from drf_spectacular.utils import OpenApiParameter

from utilities.filtersets import (
    QUERY_MAX_LENGTH,
    CountryFilter,
    IdFilter,
    SearchFilter,
    YearFilter,
)

from .fields import PARTIAL_DATE_PATTERN

ERROR_SCHEMA = {
    "type": "object",
    "description": "An error: `detail` says what went wrong.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "Field-level messages: each key is a field (or query parameter) name, or "
        "`non_field_errors`, with a list of messages; a malformed body gives `detail`."
    ),
    "additionalProperties": {},
}
GEOMETRY_SCHEMA = {
    "type": "object",
    "nullable": True,
    "description": "RFC 7946 geometry in WGS 84 (longitude, latitude); null without coordinates.",
    "properties": {
        "type": {"type": "string", "enum": ["Point", "LineString", "MultiLineString"]},
        "coordinates": {"type": "array", "items": {}},
    },
    "required": ["type", "coordinates"],
}
TEXT_FORMATS = {
    "text/csv": (
        "CSV (UTF-8 with a byte-order mark), one row per record; nested objects become "
        "`parent.child` columns, lists one cell joined by `; `. Not paginated."
    ),
    "text/calendar": "iCalendar (RFC 5545) with one all-day event per record. Not paginated.",
}
ERRORS = {
    "400": ("ValidationError", VALIDATION_ERROR_SCHEMA, "Bad request body or filter value."),
    "401": ("Error", ERROR_SCHEMA, "Authentication needed (token or session)."),
    "403": ("Error", ERROR_SCHEMA, "Not allowed (not staff, no permission, or another office)."),
    "404": ("Error", ERROR_SCHEMA, "No such record, or an unknown format."),
    "409": ("Error", ERROR_SCHEMA, "Other records still refer to this one, or a duplicate."),
    "429": ("Error", ERROR_SCHEMA, "Too many anonymous requests; see Retry-After."),
}


class RegistryAutoSchema(AutoSchema):
    def _error_response(self, code):
        name, schema, description = ERRORS[code]
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name
        )
        self.registry.register_on_missing(component)
        return {
            "description": description,
            "content": {"application/json": {"schema": component.ref}},
        }

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["404", "429"]
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ["400", "401", "403", "409"]
        elif self.method == "DELETE":
            codes += ["401", "403", "409"]
        elif self._get_filter_parameters():
            codes.append("400")
        for code in sorted(codes):
            responses.setdefault(code, self._error_response(code))
        return responses

    def _get_response_for_code(
        self, serializer, status_code, media_types=None, direction="response"
    ):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        content = response.get("content", {})
        if not status_code.startswith("2"):
            return response
        for media_type in list(content):
            if media_type in TEXT_FORMATS:
                content[media_type] = {
                    "schema": {"type": "string", "description": TEXT_FORMATS[media_type]}
                }
            elif media_type == "application/geo+json":
                content[media_type] = {"schema": self._geojson_schema(serializer, direction)}
        return response

    def _geojson_schema(self, serializer, direction):
        serializer = force_instance(serializer)
        if is_list_serializer(serializer):
            serializer = serializer.child
        properties = {"type": "object"}
        if is_serializer(serializer):
            properties = self.resolve_serializer(serializer, direction).ref
        feature = {
            "type": "object",
            "properties": {
                "type": {"type": "string", "enum": ["Feature"]},
                "id": {"type": "integer"},
                "geometry": GEOMETRY_SCHEMA,
                "properties": properties,
            },
            "required": ["type", "id", "geometry", "properties"],
        }
        if not self._is_list_view(serializer):
            return feature
        return {
            "type": "object",
            "description": "RFC 7946 FeatureCollection of every matching record (not paginated).",
            "properties": {
                "type": {"type": "string", "enum": ["FeatureCollection"]},
                "features": {"type": "array", "items": feature},
            },
            "required": ["type", "features"],
        }


class PartialDateFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "utilities.api.fields.PartialDateField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        return {
            "type": "string",
            "pattern": PARTIAL_DATE_PATTERN,
            "description": (
                "A partial date at the source's precision: YYYY, YYYY-MM or YYYY-MM-DD "
                "(the precision is given in the matching `*_precision` field)."
            ),
            "example": "1997-10",
        }


class PrecisionFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "utilities.api.fields.PrecisionField"
    match_subclasses = True

    def get_name(self):
        # One named component for every date's precision (rather than one enum per field).
        return "DatePrecision"

    def map_serializer_field(self, auto_schema, direction):
        return {
            "type": "string",
            "enum": ["year", "month", "day", None],
            "nullable": True,
            "description": "The precision of the partial date next to it (null without a date).",
        }


class BriefRelatedFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "utilities.api.fields.BriefRelatedField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return {"type": "integer", "description": "The related record's id."}
        return auto_schema.resolve_serializer(self.target.brief_serializer, direction).ref


class CountryFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "utilities.api.fields.CountryField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return {
                "type": "string",
                "pattern": "^[A-Za-z]{2}$",
                "description": "ISO 3166-1 alpha-2 code.",
            }
        return {
            "type": "object",
            "properties": {
                "code": {"type": "string", "description": "ISO 3166-1 alpha-2 code."},
                "name": {
                    "type": "string",
                    "description": "The country's name in the request's language.",
                },
            },
            "required": ["code", "name"],
        }


class RegistryFilterExtension(DjangoFilterExtension):
    """The shared filters of ``utilities.filtersets``, typed exactly: ids are integers,
    slugs and country codes strings, years 1..9999, ``q`` at most 100 characters (the
    generic extension cannot see through their ``method`` and guesses strings)."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        many = True
        if isinstance(filter_field, IdFilter):
            schema = {"type": "integer", "minimum": 1}
        elif isinstance(filter_field, CountryFilter):
            schema = {"type": "string", "pattern": "^[A-Za-z]{2}$"}
        elif isinstance(filter_field, filters.ModelMultipleChoiceFilter) and filter_field.extra.get(
            "to_field_name"
        ):
            schema = {"type": "string"}
        elif isinstance(filter_field, YearFilter):
            schema, many = {"type": "integer", "minimum": 1, "maximum": 9999}, False
        elif isinstance(filter_field, SearchFilter):
            schema, many = {"type": "string", "maxLength": QUERY_MAX_LENGTH}, False
        else:
            return super().resolve_filter_field(
                auto_schema, model, filterset_class, field_name, filter_field
            )
        return [
            build_parameter_type(
                name=field_name,
                required=filter_field.extra["required"],
                location=OpenApiParameter.QUERY,
                description=str(filter_field.label or ""),
                schema={"type": "array", "items": schema} if many else schema,
                explode=True if many else None,
                style="form" if many else None,
            )
        ]
