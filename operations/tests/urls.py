"""The site's URLs plus a view that fails, to see what a 500 leaves behind."""

from django.urls import path

# Spread, not included: the public site's i18n_patterns must stay in the root URLconf.
from sister_cities.urls import urlpatterns as site_urlpatterns


def broken(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [
    path("broken/", broken),
    path("api/broken/", broken),
    *site_urlpatterns,
]
handler500 = "operations.views.server_error"
