"""The public site's URLs: home, search, and each app's pages under its namespace."""

from django.urls import include, path

from cities.urls import app_name as cities_namespace
from cities.urls import urlpatterns as cities_urlpatterns
from sources.urls import app_name as sources_namespace
from sources.urls import urlpatterns as sources_urlpatterns

from . import briefs, feeds, pages, views

# A place's and a relationship's page list exchanges and awards: they are composed here,
# above those apps, and named in the cities namespace like the directories.
cities_pages = [
    *cities_urlpatterns,
    path("places/<slug:slug>/", pages.PlaceDetailView.as_view(), name="place"),
    path("relationships/<int:pk>/", pages.RelationshipDetailView.as_view(), name="relationship"),
    # A Chinese place's one-page brief, as a page and as a PDF.
    path("places/<slug:slug>/brief/", briefs.PlaceBriefView.as_view(), name="place_brief"),
    path(
        "places/<slug:slug>/brief.pdf", briefs.PlaceBriefPdfView.as_view(), name="place_brief_pdf"
    ),
    # Atom feeds of what is new: the registry's and a Chinese place's (with the places in it).
    path("feeds/relationships/", feeds.NewRelationshipsFeed(), name="relationship_feed"),
    path("feeds/exchanges/", feeds.NewExchangesFeed(), name="exchange_feed"),
    path(
        "places/<slug:slug>/feeds/relationships/",
        feeds.NewRelationshipsFeed(),
        name="place_relationship_feed",
    ),
    path(
        "places/<slug:slug>/feeds/exchanges/",
        feeds.NewExchangesFeed(),
        name="place_exchange_feed",
    ),
]
# A report's page links the records of every app that cite it.
sources_pages = [
    *sources_urlpatterns,
    path("<slug:slug>/", pages.SourceReportDetailView.as_view(), name="sourcereport"),
]

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("search/", include("search.urls")),
    path("", include((cities_pages, cities_namespace))),
    path("exchanges/", include("exchanges.urls")),
    path("awards/", include("awards.urls")),
    path("notices/", include("notices.urls")),
    path("reports/", include((sources_pages, sources_namespace))),
]
