"""Root URLs: the staff admin, the language switch, the public site and the REST API."""

from django.contrib import admin
from django.urls import include, path

from dashboard.views import office_dashboard

urlpatterns = [
    # The office dashboard lives in the admin (staff only); before admin/ so it is matched first.
    path("admin/dashboard/", office_dashboard, name="office-dashboard"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("sister_cities.api")),
    path("", include("sister_cities.site_urls")),
]
