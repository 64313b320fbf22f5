"""`/api/v1/subsidies/` routes."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views import CapViewSet, CheckView, ClaimViewSet, ProgramViewSet

router = SimpleRouter(use_regex_path=False)
router.register("programs", ProgramViewSet, basename="subsidy-program")
router.register("caps", CapViewSet, basename="subsidy-cap")
router.register("claims", ClaimViewSet, basename="subsidy-claim")

urlpatterns = [
    path("check/", CheckView.as_view(), name="subsidy-check"),
    path("", include(router.urls)),
]
