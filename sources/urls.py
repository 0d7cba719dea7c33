"""Public URLs for the source reports (namespace ``sources``)."""

from django.urls import path

from . import views

app_name = "sources"

urlpatterns = [
    path("", views.SourceReportListView.as_view(), name="sourcereport_list"),
    path("<slug:slug>/", views.SourceReportDetailView.as_view(), name="sourcereport"),
]
