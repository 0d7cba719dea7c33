"""Public URLs for places, relationships and the map (namespace ``cities``)."""

from django.urls import path

from . import views

app_name = "cities"

urlpatterns = [
    path("places/", views.PlaceListView.as_view(), name="place_list"),
    path("places/<slug:slug>/", views.PlaceDetailView.as_view(), name="place"),
    path("relationships/", views.RelationshipListView.as_view(), name="relationship_list"),
    path(
        "relationships/<int:pk>/",
        views.RelationshipDetailView.as_view(),
        name="relationship",
    ),
    path("map/", views.MapView.as_view(), name="map"),
]
