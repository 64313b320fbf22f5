"""The admin: ministries maintain programs, categories, not-eligible rules, budgets and caps without a deploy.

Claims are read-only here; they change only through the workflow on the claim pages and the API.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from portal.admin_site import PolicyAdmin

from .models import Claim, ClaimEvent, EligibleCategory, IneligibleRule, OrganizationCap, Program, ProgramBudget


class CategoryInline(admin.TabularInline):
    model = EligibleCategory
    extra = 0


class RuleInline(admin.TabularInline):
    model = IneligibleRule
    extra = 0


class BudgetInline(admin.TabularInline):
    model = ProgramBudget
    extra = 0
    readonly_fields = ["reserved"]


@admin.register(Program)
class ProgramAdmin(PolicyAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "owner",
        "rate_label",
        "cap",
        "cap_basis",
        "acceptance_from",
        "acceptance_until",
    ]
    list_filter = ["kind", "owner"]
    search_fields = ["code", "name"]
    inlines = [CategoryInline, RuleInline, BudgetInline]


@admin.register(ProgramBudget)
class ProgramBudgetAdmin(PolicyAdmin):
    list_display = ["program", "fiscal_year", "label", "budget", "reserved", "is_demo"]
    list_filter = ["program", "fiscal_year", "is_demo"]
    readonly_fields = ["reserved"]


@admin.register(OrganizationCap)
class OrganizationCapAdmin(PolicyAdmin):
    list_display = ["organization", "program", "cap", "granted", "is_demo"]
    list_filter = ["program", "is_demo"]
    search_fields = ["organization__name", "organization__slug"]
    raw_id_fields = ["organization"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # What approvals took is the workflow's; a new row may carry what was granted before the portal.
        return ["granted"] if obj is not None else []


class EventInline(admin.TabularInline):
    model = ClaimEvent
    extra = 0
    can_delete = False
    fields = ("at", "actor", "action", "from_status", "to_status", "comment", "amount")
    readonly_fields = ("at", "actor", "action", "from_status", "to_status", "comment", "amount")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Claim)
class ClaimAdmin(PolicyAdmin):
    list_display = [
        "pk",
        "title",
        "applicant",
        "program",
        "fiscal_year",
        "status",
        "requested_amount",
        "decided_amount",
    ]
    list_filter = ["status", "program", "fiscal_year"]
    search_fields = ["title", "applicant__name", "decision_number"]
    inlines = [EventInline]
    list_select_related = ["applicant", "applicant__prefecture", "program"]
