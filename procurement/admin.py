"""The admin reads joint procurements (officials); changes go through the pages and the API, which audit them."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from portal.admin_site import PolicyAdmin

from .models import JointProcurement, Participation, ProcurementCategory, ProcurementDocument


@admin.register(ProcurementCategory)
class ProcurementCategoryAdmin(PolicyAdmin):
    list_display = ["slug", "name", "ocds_main_category", "order"]


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    fields = ["municipality", "status", "comment", "usage_units", "standalone_estimate", "answered_at"]
    readonly_fields = ["municipality", "status", "comment", "usage_units", "standalone_estimate", "answered_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(JointProcurement)
class JointProcurementAdmin(PolicyAdmin):
    list_display = ["title", "lead_prefecture", "category", "method", "status", "contract_amount", "is_demo"]
    list_filter = ["status", "category", "method", "is_demo"]
    search_fields = ["title", "ocid"]
    list_select_related = ["lead_prefecture", "category"]
    inlines = [ParticipationInline]


@admin.register(ProcurementDocument)
class ProcurementDocumentAdmin(PolicyAdmin):
    list_display = ["title", "procurement", "visibility", "size", "uploaded_at"]
    list_select_related = ["procurement"]
