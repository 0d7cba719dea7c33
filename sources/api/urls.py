"""Routes of the sources API; the root router (``sister_cities.api``) collects them."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("reports", views.SourceReportViewSet)
router.register("citations", views.CitationViewSet)

urlpatterns = router.urls
