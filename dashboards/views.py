"""Dashboard pages and their CSV twins. They read only the aggregates (see dashboards.reading)."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _

from portal import policy

from .exports import chart_csv
from .reading import PAGE_SECONDS, dashboard_or_404, read_dashboard
from .selectors import DASHBOARDS, Dashboard, current_build


def dashboard_index(request: HttpRequest) -> HttpResponse:
    visible = [d for d in DASHBOARDS.values() if policy.check(request.user, "dashboards.view", d)]
    entries = [(d, current_build(d.metric)) for d in visible]
    return render(request, "dashboards/index.html", {"entries": entries})


def _refusal(request: HttpRequest, dashboard: Dashboard) -> HttpResponse | None:
    """None when the user may see the dashboard; a restricted one sends anonymous visitors to log in (403 else)."""
    decision = policy.check(request.user, "dashboards.view", dashboard)
    if decision:
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied(decision.reason)


def dashboard_detail(request: HttpRequest, name: str) -> HttpResponse:
    dashboard = dashboard_or_404(name)
    refusal = _refusal(request, dashboard)
    if refusal is not None:
        return refusal
    reading = read_dashboard(dashboard, request.GET, request.user)
    charts = [
        {
            "chart": chart,
            "dom_id": f"figure-{chart.id}",
            "data_id": f"figure-{chart.id}-data",
            "csv_url": f"/dashboards/{dashboard.slug}.csv?"
            + (reading.filters.query() + "&" if reading.filters.query() else "")
            + f"chart={chart.id}",
            "api_url": f"/api/v1/dashboards/{dashboard.slug}/?"
            + (reading.filters.query() + "&" if reading.filters.query() else "")
            + f"chart={chart.id}",
            "published": reading.data_as_of_label(chart),
            "source": reading.source(chart),
        }
        for chart in reading.page.charts
    ]
    context = {
        "reading": reading,
        "dashboard": dashboard,
        "charts": charts,
        "form": reading.form,
        "PAGE_SECONDS": PAGE_SECONDS,
    }
    status = 400 if reading.form.errors else 200
    return render(request, "dashboards/detail.html", context, status=status)


def dashboard_csv(request: HttpRequest, name: str) -> HttpResponse:
    dashboard = dashboard_or_404(name)
    refusal = _refusal(request, dashboard)
    if refusal is not None:
        return refusal
    reading = read_dashboard(dashboard, request.GET, request.user)
    chart_id = request.GET.get("chart") or dashboard.main_chart
    chart = reading.page.chart(chart_id)
    if reading.form.errors:
        messages = [f"{reading.form.fields[f].label}：{m}" for f, errors in reading.form.errors.items() for m in errors]
        return HttpResponseBadRequest("\n".join(messages), content_type="text/plain; charset=utf-8")
    if chart is None:
        raise Http404(_("このグラフはありません。"))
    period = reading.build.period.isoformat() if reading.build else "none"
    response = HttpResponse(chart_csv(chart), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{dashboard.slug}-{chart.id}-{period}.csv"'
    return response
