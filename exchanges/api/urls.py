"""Routes of the exchanges API; the root router (``sister_cities.api``) collects them."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("exchanges", views.ExchangeViewSet)
router.register("regions", views.RegionViewSet)

urlpatterns = router.urls
