from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from .admin_site import PolicyAdmin
from .models import AuditEntry, ImportRecord, Organization, User


@admin.register(Organization)
class OrganizationAdmin(PolicyAdmin):
    list_display = ["slug", "name", "kind", "municipality_type", "prefecture", "population"]
    list_filter = ["kind", "municipality_type", "population_band"]
    search_fields = ["slug", "name", "name_kana"]
    list_select_related = ["prefecture"]
    readonly_fields = ["search_key"]


@admin.register(User)
class PortalUserAdmin(PolicyAdmin, UserAdmin):
    list_display = ["username", "full_name", "organization", "role", "is_active", "is_portal_admin"]
    list_filter = ["role", "is_active", "is_portal_admin", "organization__kind"]
    search_fields = ["username", "full_name", "email", "organization__name"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("所属と役割", {"fields": ("full_name", "email", "organization", "department", "role", "is_portal_admin")}),
        ("状態", {"fields": ("is_active", "last_login", "date_joined")}),
    )


@admin.register(AuditEntry)
class AuditEntryAdmin(PolicyAdmin):
    """Read-only: the audit trail is never edited or deleted."""

    list_display = ["at", "actor", "action", "target_type", "target_repr", "on_behalf_of"]
    list_filter = ["action", "target_type"]
    search_fields = ["target_repr", "comment", "actor__username"]
    list_select_related = ["actor", "target_type", "on_behalf_of"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]


@admin.register(ImportRecord)
class ImportRecordAdmin(PolicyAdmin):
    """Read-only: what each import file did (imports themselves run on the import pages, /imports/)."""

    list_display = ["created_at", "kind", "file_name", "actor", "organization", "status", "count_new", "count_update"]
    list_filter = ["kind", "status", "dry_run"]
    search_fields = ["file_name", "checksum", "actor__username"]
    list_select_related = ["actor", "organization"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]
