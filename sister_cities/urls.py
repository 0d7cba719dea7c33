"""Root URLs: the staff admin, the language switch, the public site and the REST API."""

from django.contrib import admin
from django.urls import include, path

from dashboard.views import office_dashboard
from operations.views import healthz

# JSON under /api/ (503 when the database is down), the plain page elsewhere.
handler500 = "operations.views.server_error"

urlpatterns = [
    # The office dashboard lives in the admin (staff only); before admin/ so it is matched first.
    path("admin/dashboard/", office_dashboard, name="office-dashboard"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("sister_cities.api")),
    path("", include("sister_cities.site_urls")),
]
