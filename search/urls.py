"""The search page's URL (named ``search``, as the site header's search box links it)."""

from django.urls import path

from .views import SearchView

urlpatterns = [
    path("", SearchView.as_view(), name="search"),
]
