"""`/api/v1/dashboards/{name}/`: the numbers behind a dashboard's main chart (or the one `chart` names)."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .reading import dashboard_or_404, read_dashboard

DashboardResponse = inline_serializer(
    "DashboardSeries",
    {
        "as_of": serializers.DateTimeField(allow_null=True, help_text="when the build ran (null before the first)"),
        "data_as_of": serializers.CharField(allow_null=True, help_text="month of the published figures (YYYY-MM)"),
        "source": serializers.CharField(),
        "series": serializers.ListField(child=serializers.DictField()),
    },
)


class DashboardView(APIView):
    policy_actions = {"get": "dashboards.view"}
    policy_object_level = True

    @extend_schema(
        parameters=[
            OpenApiParameter("prefecture", OpenApiTypes.STR, description="13 or 130001"),
            OpenApiParameter("population_band", OpenApiTypes.STR),
            OpenApiParameter("business", OpenApiTypes.STR),
            OpenApiParameter("municipality", OpenApiTypes.STR, description="6-digit code"),
            OpenApiParameter("chart", OpenApiTypes.STR),
        ],
        responses=DashboardResponse,
    )
    def get(self, request: Request, name: str) -> Response:
        dashboard = dashboard_or_404(name)
        self.check_object_permissions(request, dashboard)
        reading = read_dashboard(dashboard, request.query_params, request.user)
        if reading.form.errors:
            raise ValidationError(
                {field: [str(m) for m in messages] for field, messages in reading.form.errors.items()}
            )
        chart_id = request.query_params.get("chart") or dashboard.main_chart
        if reading.build is None:  # not built yet: nothing to report, and nothing wrong with the request
            return Response(
                {"as_of": None, "data_as_of": None, "source": str(dashboard.own_source or ""), "series": []}
            )
        chart = reading.page.chart(chart_id)
        if chart is None:
            charts = ", ".join(c.id for c in reading.page.charts) or "—"
            raise ValidationError(
                {"chart": [_("このグラフはありません（選べるもの：%(charts)s）。") % {"charts": charts}]}
            )
        body: dict[str, Any] = {
            "as_of": reading.build.finished_at if reading.build else None,
            "data_as_of": reading.data_as_of(chart),
            "source": reading.source(chart),
            "series": chart.rows,
        }
        return Response(body)


urlpatterns = [path("<slug:name>/", DashboardView.as_view(), name="dashboard-api")]
