"""Public URLs for the source reports (namespace ``sources``). A report's own page joins
this namespace in ``sister_cities.site_urls``: it links records of every app."""

from django.urls import path

from . import views

app_name = "sources"

urlpatterns = [
    path("", views.SourceReportListView.as_view(), name="sourcereport_list"),
]
