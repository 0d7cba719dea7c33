"""Root URLs: the staff admin, the language switch, the REST API, the public site (Chinese
at its unprefixed addresses, English under ``/en/``) and what search engines read."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import index as sitemap_index
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from dashboard.views import office_dashboard, office_dashboard_list
from operations.views import healthz

from .sitemaps import SITEMAPS
from .views import robots_txt

# JSON under /api/ (503 when the database is down), the plain page elsewhere.
handler500 = "operations.views.server_error"

urlpatterns = [
    # The office dashboard lives in the admin (staff only); before admin/ so it is matched first.
    path("admin/dashboard/", office_dashboard, name="office-dashboard"),
    path("admin/dashboard/<slug:section>/", office_dashboard_list, name="office-dashboard-list"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("sister_cities.api")),
    path("robots.txt", robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemap_index, {"sitemaps": SITEMAPS}, name="sitemap-index"),
    path(
        "sitemap-<section>.xml",
        sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    *i18n_patterns(
        path("", include("sister_cities.site_urls")),
        prefix_default_language=False,
    ),
]
