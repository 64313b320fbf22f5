from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PortalConfig(AppConfig):
    default = True
    name = "portal"
    verbose_name = "ポータル基盤"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Each app's rules.py registers its rules with the one permission layer.
        autodiscover_modules("rules")


class PortalAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "portal.admin_site.PortalAdminSite"
