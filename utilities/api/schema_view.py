"""The view of ``/api/schema/`` (apart from :mod:`utilities.api.schema`, which DRF imports
while drf-spectacular's own views load)."""

import copy

from django.urls import get_urlconf
from django.utils import translation
from django.utils.functional import Promise
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import renderers
from rest_framework.response import Response

SCHEMA_LANGUAGE = "en"


def _evaluated(value):
    """The schema with every lazy translation turned into its (English) text now, not when
    the response is rendered in the request's language."""
    if isinstance(value, dict):
        return {str(key): _evaluated(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_evaluated(item) for item in value]
    if isinstance(value, Promise):
        return str(value)
    return value


class SchemaView(SpectacularAPIView):
    """``/api/schema/``: one document whatever the request's language (``Accept-Language``
    or ``?lang=``), so that a client generated from it has the same names for everyone:
    names, titles and descriptions in English (the API's messages and record names still
    follow the request's language). Built once per process. Errors (an unknown
    ``format``) are JSON like every API error, not YAML."""

    _schemas = {}

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (version, self.serve_public, get_urlconf())
        if key not in self._schemas:
            with translation.override(SCHEMA_LANGUAGE):
                generator = self.generator_class(
                    urlconf=self.urlconf, api_version=version, patterns=self.patterns
                )
                schema = _evaluated(generator.get_schema(request=request, public=self.serve_public))
            self._schemas[key] = schema
        filename = self._get_filename(request, version)
        return Response(
            data=copy.deepcopy(self._schemas[key]),
            headers={"Content-Disposition": f'inline; filename="{filename}"'},
        )

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        # ``?lang=`` would translate the document: it is the same in every language.
        with translation.override(SCHEMA_LANGUAGE):
            return self._get_schema_response(request)

    def finalize_response(self, request, response, *args, **kwargs):
        if response.status_code >= 400:
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = request.accepted_renderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)
