"""Public URLs for awards (namespace ``awards``)."""

from django.urls import path

from . import views

app_name = "awards"

urlpatterns = [
    path("", views.AwardListView.as_view(), name="award_list"),
    path("<int:pk>/", views.AwardDetailView.as_view(), name="award"),
]
