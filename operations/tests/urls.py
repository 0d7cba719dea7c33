"""The site's URLs plus a view that fails, to see what a 500 leaves behind."""

from django.urls import include, path


def broken(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [
    path("broken/", broken),
    path("api/broken/", broken),
    path("", include("sister_cities.urls")),
]
handler500 = "operations.views.server_error"
