"""Routes of the cities API; the root router (``sister_cities.api``) collects them."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("places", views.PlaceViewSet)
router.register("relationships", views.RelationshipViewSet)
router.register("relationship-stages", views.RelationshipStageViewSet)
router.register("reported-figures", views.ReportedFigureViewSet)
router.register("claims", views.ClaimViewSet)
router.register("reported-statements", views.ReportedStatementViewSet)
router.register("comparisons", views.ComparisonViewSet, basename="comparison")
router.register("anniversaries", views.AnniversaryViewSet, basename="anniversary")
router.register("cooperation-fields", views.CooperationFieldViewSet)
router.register("rule-acknowledgements", views.RuleAcknowledgementViewSet)

urlpatterns = router.urls
