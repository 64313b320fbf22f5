from django.contrib import admin

from portal.admin_site import PolicyAdmin

from .models import Build, Kpi, KpiObservation


@admin.register(Kpi)
class KpiAdmin(PolicyAdmin):
    list_display = ["code", "name", "unit", "target_value", "target_date", "owner"]
    search_fields = ["code", "name"]


@admin.register(KpiObservation)
class KpiObservationAdmin(PolicyAdmin):
    list_display = ["kpi", "date", "value", "area", "source"]
    list_filter = ["kpi"]
    raw_id_fields = ["area"]


@admin.register(Build)
class BuildAdmin(PolicyAdmin):
    list_display = ["metric", "period", "status", "started_at", "finished_at", "rows_written"]
    list_filter = ["metric", "status"]
    readonly_fields = [f.name for f in Build._meta.fields]
