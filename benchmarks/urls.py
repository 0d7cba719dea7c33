"""The real URLs plus the trivial view the benchmark compares every page with."""

from django.urls import path

from sister_cities.urls import urlpatterns as registry_urlpatterns

from .views import TRIVIAL_PATH, trivial

urlpatterns = [path(TRIVIAL_PATH.strip("/") + "/", trivial), *registry_urlpatterns]
