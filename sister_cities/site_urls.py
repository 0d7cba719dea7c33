"""The public site's URLs: home, search, and each app's pages under its namespace."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("search/", include("search.urls")),
    path("", include("cities.urls")),
    path("exchanges/", include("exchanges.urls")),
    path("awards/", include("awards.urls")),
    path("reports/", include("sources.urls")),
]
