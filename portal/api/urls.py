from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .auth import TokenView
from .organizations import OrganizationViewSet

router = SimpleRouter(use_regex_path=False)
router.register("organizations", OrganizationViewSet, basename="organization")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
]
