from django.urls import include, path
from rest_framework.routers import SimpleRouter

from portal.imports.api import ImportKindsView, ImportView, RecordView, TemplateView

from .auth import TokenView
from .organizations import OrganizationViewSet

router = SimpleRouter(use_regex_path=False)
router.register("organizations", OrganizationViewSet, basename="api-organization")  # not the pages' names

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("imports/", ImportKindsView.as_view(), name="api-import-kinds"),
    path("imports/records/<int:pk>/", RecordView.as_view(), name="api-import-record"),
    path("imports/<slug:kind>/template/", TemplateView.as_view(), name="api-import-template"),
    path("imports/<slug:kind>/", ImportView.as_view(), name="api-import"),
    path("", include(router.urls)),
]
