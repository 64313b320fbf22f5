from django.urls import include, path
from rest_framework.routers import DefaultRouter

from .auth import TokenView
from .organizations import OrganizationViewSet

router = DefaultRouter()
router.register("organizations", OrganizationViewSet, basename="organization")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
]
