"""The admin site and the base ModelAdmin, both asking the permission layer."""

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from . import policy


class PortalAdminSite(admin.AdminSite):
    site_header = "国・地方デジタル共通基盤ポータル 管理"
    site_title = "ポータル管理"
    index_title = "管理"

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(policy.check(request.user, "portal.use_admin"))


class PolicyAdmin(admin.ModelAdmin):
    """A ModelAdmin whose rows and permissions come from the permission layer.

    Rules are named `<app>.<verb>_<model>` (view, add, change, delete), as Django names permissions.
    """

    def _action(self, verb: str) -> str:
        opts = self.model._meta
        return f"{opts.app_label}.{verb}_{opts.model_name}"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return policy.visible(request.user, super().get_queryset(request))

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return bool(policy.check(request.user, self._action("view"), obj))

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return bool(policy.check(request.user, self._action("add")))

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return bool(policy.check(request.user, self._action("change"), obj))

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return bool(policy.check(request.user, self._action("delete"), obj))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)
