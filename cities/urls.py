"""Public URLs for the place and relationship directories and the map (namespace
``cities``). A place's and a relationship's page join this namespace in
``sister_cities.site_urls``: they are composed above exchanges and awards."""

from django.urls import path

from . import views

app_name = "cities"

urlpatterns = [
    path("places/", views.PlaceListView.as_view(), name="place_list"),
    path("relationships/", views.RelationshipListView.as_view(), name="relationship_list"),
    path("map/", views.MapView.as_view(), name="map"),
    path("map/features/", views.MapFeaturesView.as_view(), name="map_features"),
    path("countries/<str:code>/", views.CountryDetailView.as_view(), name="country"),
]
