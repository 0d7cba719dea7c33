"""Routes of the awards API; the root router (``sister_cities.api``) collects them."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("awards", views.AwardViewSet)
router.register("award-types", views.AwardTypeViewSet)

urlpatterns = router.urls
