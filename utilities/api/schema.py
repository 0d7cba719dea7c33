"""The OpenAPI schema: drf-spectacular's AutoSchema, told what it cannot see by itself.

- Export formats have their own response schemas: CSV and iCalendar are text, GeoJSON is a
  FeatureCollection (or Feature) whose properties are the JSON record.
- Error responses are documented, all in the one shape of :mod:`utilities.api.errors`,
  so a client (and the schemathesis run in the suite) can rely on every status the API
  gives. Reads are marked as open to anonymous clients; writes take one body type, JSON.
- The document is the same in every language (:class:`utilities.api.schema_view.SchemaView`).
- The registry's own fields differ between requests and responses: a related record is
  an id in a request and its brief form in a response; a country is a code in a request
  and ``{"code", "name"}`` in a response; a partial date is "YYYY[-MM[-DD]]".
"""

from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser
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
    "description": (
        "Every error, 4xx and 5xx: `detail` says what went wrong (in the request's "
        "language), `code` is stable for programs, `errors` (validation errors only) maps "
        "each body field or query parameter (`non_field_errors` for the record as a whole) "
        "to its messages, `request_id` is the `X-Request-ID` of the server's log line. A "
        "validation error also repeats each field's messages at the top level, as earlier "
        "versions of the API gave them."
    ),
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string", "example": "invalid"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "request_id": {"type": "string"},
    },
    "required": ["detail", "code", "request_id"],
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
    "400": "Bad request: an unknown query parameter or ordering field, a bad filter value or body.",
    "401": "Authentication needed (token or session), or a token that is wrong.",
    "403": "Not allowed (not staff, no permission, or another office).",
    "404": "No such record, or an unknown format.",
    "409": "Other records still refer to this one, or a duplicate.",
    "412": "If-Match names an older version of the record.",
    "413": "The request body is too large.",
    "415": "The request body is not JSON.",
    "429": "Too many requests; see Retry-After.",
}
WRITES = ("POST", "PUT", "PATCH", "DELETE")


class RegistryAutoSchema(AutoSchema):
    def _error_response(self, code):
        component = ResolvedComponent(
            name="Error", type=ResolvedComponent.SCHEMA, schema=ERROR_SCHEMA, object="Error"
        )
        self.registry.register_on_missing(component)
        return {
            "description": ERRORS[code],
            "content": {"application/json": {"schema": component.ref}},
        }

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["400", "401", "404", "429"]
        if self.method in WRITES:
            codes += ["403", "409", "412", "413", "415"]
        for code in sorted(codes):
            responses.setdefault(code, self._error_response(code))
        return responses

    def get_auth(self):
        """Operations anyone may call (every read, and the token endpoint) say so (``{}``,
        no credentials, first): a generated client then sends no token, and a token is
        still accepted. The view's own permissions decide, asked about an anonymous
        request."""
        auths = [auth for auth in super().get_auth() if auth != {}]
        if self._anonymous_allowed():
            auths.insert(0, {})
        return auths

    def _anonymous_allowed(self):
        probe = SimpleNamespace(method=self.method, user=AnonymousUser(), auth=None)
        try:
            return all(
                permission.has_permission(probe, self.view)
                for permission in self.view.get_permissions()
            )
        except Exception:  # noqa: BLE001 - a permission that needs a real request
            return False

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        hints = getattr(getattr(field.parent, "Meta", None), "read_only_hints", {})
        if field.read_only and field.field_name in hints and "$ref" not in schema:
            note = f"Read-only: written through `{hints[field.field_name]}`."
            schema["description"] = f"{schema.get('description', '')} {note}".strip()
        return schema

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
