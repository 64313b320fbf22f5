from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .views import health, organizations, pages

api_v1 = [
    path("", include("portal.api.urls")),
    path("catalog/", include("catalog.api")),
    path("subsidies/", include("subsidies.api")),
    path("procurement/", include("procurement.api")),
    path("dashboards/", include("dashboards.api")),
]

urlpatterns = [
    path("", pages.home, name="home"),
    path("about/", pages.static_page, {"template": "portal/pages/about.html"}, name="about"),
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("terms/", pages.static_page, {"template": "portal/pages/terms.html"}, name="terms"),
    path("privacy/", pages.static_page, {"template": "portal/pages/privacy.html"}, name="privacy"),
    path("contact/", pages.static_page, {"template": "portal/pages/contact.html"}, name="contact"),
    path("sources/", pages.static_page, {"template": "portal/pages/sources.html"}, name="sources"),
    path("organizations/", organizations.organization_list, name="organization-list"),
    path("organizations/<slug:code>/", organizations.organization_detail, name="organization-detail"),
    path("accounts/", include("portal.account_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz/", health.healthz, name="healthz"),
    path("catalog/", include("catalog.urls")),
    path("subsidies/", include("subsidies.urls")),
    path("procurement/", include("procurement.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("imports/", include("portal.imports.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

handler400 = "portal.views.pages.bad_request"
handler404 = "portal.views.pages.not_found"
handler403 = "portal.views.pages.forbidden"
handler500 = "portal.views.pages.server_error"
