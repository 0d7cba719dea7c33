"""Public URLs for exchanges (namespace ``exchanges``)."""

from django.urls import path

from . import views

app_name = "exchanges"

urlpatterns = [
    path("", views.ExchangeListView.as_view(), name="exchange_list"),
    path("<int:pk>/", views.ExchangeDetailView.as_view(), name="exchange"),
    path("activity/", views.ActivityRankingView.as_view(), name="activity_ranking"),
]
