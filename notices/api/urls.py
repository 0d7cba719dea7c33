"""Routes of the notices API; the root router (``sister_cities.api``) collects them."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("notices", views.NoticeViewSet)

urlpatterns = router.urls
