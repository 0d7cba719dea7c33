"""The REST API under ``/api/``: one router collecting every app's viewsets (its browsable
root lists them all, with the schema and the documentation), the OpenAPI 3 schema, Swagger
UI and Redoc served from local assets (drf-spectacular-sidecar), and a token endpoint."""

from django.urls import path, re_path
from drf_spectacular.utils import extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework import exceptions, routers, views

from awards.api.urls import router as awards_router
from cities.api.urls import router as cities_router
from exchanges.api.activity import (
    ActivityRankingViewSet,
    PlaceActivityView,
    RelationshipActivityView,
)
from exchanges.api.urls import router as exchanges_router
from notices.api.urls import router as notices_router
from operations.views import ObtainAuthToken
from sources.api.urls import router as sources_router
from utilities.api.history import ChangesView, change_sources
from utilities.api.schema_view import SchemaView

app_name = "api"


class RegistryRootView(routers.APIRootView):
    """国际友好城市登记册 REST API · The Sister Cities Registry API.

    Reading is open to everyone; writing needs a staff account (token:
    `Authorization: Token <key>`, or a session) and follows the office rules.
    Lists take `limit`/`offset` (at most 500), `ordering`, `q` and the directory's filters;
    add `format=csv` (every list), `format=geojson` (places, relationships) or
    `format=ics` (anniversaries) for an export. `changes` lists every record created,
    updated or deleted since a time (a record's versions: `<type>/<id>/history/`).
    `schema`, `docs` and `redoc` describe it all.
    """


class RegistryRouter(routers.DefaultRouter):
    APIRootView = RegistryRootView
    # Listed on the root page after the endpoints: name -> URL name in this namespace.
    extra_links = {"changes": "changes", "schema": "schema", "docs": "docs", "redoc": "redoc"}

    def get_api_root_view(self, api_urls=None):
        api_root_dict = {
            prefix: self.routes[0].name.format(basename=basename)
            for prefix, viewset, basename in self.registry
        }
        api_root_dict.update(self.extra_links)
        return self.APIRootView.as_view(api_root_dict=api_root_dict)


class NotFoundView(views.APIView):
    """Any other address under /api/: a JSON 404, as every API error is (not the public
    site's HTML page)."""

    schema = None  # not an endpoint
    authentication_classes = []
    permission_classes = []

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound()


# The token endpoint as a client sees it (its class docstring is about django-axes).
token_view = extend_schema_view(
    post=extend_schema(
        description=(
            "A staff account's API token, for `Authorization: Token <key>`, from its user "
            "name and password. Repeated failures lock the account out for a while (429)."
        ),
    )
)(ObtainAuthToken).as_view()

router = RegistryRouter()
for app_router in (cities_router, exchanges_router, awards_router, sources_router, notices_router):
    router.registry.extend(app_router.registry)
# The national activity ranking; each relationship's and place's picture is a sub-resource.
router.register("activity", ActivityRankingViewSet, basename="activity")

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    # Swagger UI's start-up script and Redoc's are files, never inline (the pages'
    # Content-Security-Policy); both pages are templates/drf_spectacular/.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("auth/token/", token_view, name="token"),  # with login lockout
    # Every record created, updated or deleted, for a mirror's incremental sync.
    path("changes/", ChangesView.as_view(sources=change_sources(router.registry)), name="changes"),
    path(
        "relationships/<int:pk>/activity/",
        RelationshipActivityView.as_view(),
        name="relationship-activity",
    ),
    path("places/<int:pk>/activity/", PlaceActivityView.as_view(), name="place-activity"),
    *router.urls,
    re_path(r"^", NotFoundView.as_view()),
]
