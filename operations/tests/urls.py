"""The site's URLs plus a view that fails, to see what a 500 leaves behind, and a page that
varies on Accept, which the read cache must not keep."""

from django.http import HttpResponse
from django.urls import path
from django.utils.cache import patch_vary_headers

# Spread, not included: the public site's i18n_patterns must stay in the root URLconf.
from sister_cities.urls import urlpatterns as site_urlpatterns


def broken(request):
    raise RuntimeError("a bug in a view")


def negotiated(request):
    """A page that answers by the Accept header (none of the site's does)."""
    wants_text = "text/plain" in request.headers.get("Accept", "")
    response = HttpResponse("text" if wants_text else "<p>html</p>")
    patch_vary_headers(response, ["Accept"])
    return response


urlpatterns = [
    path("broken/", broken),
    path("negotiated/", negotiated),
    path("api/broken/", broken),
    *site_urlpatterns,
]
handler500 = "operations.views.server_error"
