"""The register (`/procurement/`) with the intent-survey answers, and the public dashboard."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import policy
from portal.selectors import prefectures

from .. import selectors, services
from ..forms import AnswerForm, DashboardFilterForm
from ..models import Method, ProcurementCategory, Status
from .common import procurement_url, require_or_login, safe_next


def register_list(request: HttpRequest) -> HttpResponse:
    filters = {key: request.GET.get(key, "").strip() for key in ("q", "prefecture", "category", "status", "method")}
    if filters["status"] not in Status.values:
        filters["status"] = ""
    if filters["method"] not in Method.values:
        filters["method"] = ""
    page = Paginator(selectors.register(user=request.user, **filters), 50).get_page(request.GET.get("page"))
    invitations = list(selectors.my_invitations(user=request.user))
    context = {
        "page": page,
        "filters": filters,
        "invitations": invitations,
        "answer_choices": [("committed", _("参加する")), ("interested", _("検討中")), ("declined", _("参加しない"))],
        "can_create": bool(policy.check(request.user, "procurement.create")),
        "prefectures": prefectures(),
        "categories": ProcurementCategory.objects.all(),
        "statuses": Status.choices,
        "methods": Method.choices,
    }
    return render(request, "procurement/register.html", context)


@require_POST
def procurement_answer(request: HttpRequest, pk: int) -> HttpResponse:
    procurement = selectors.procurement_detail(user=request.user, pk=pk)
    refused = require_or_login(request, "procurement.answer", procurement)
    if refused:
        return refused
    form = AnswerForm(request.POST)
    back = safe_next(request, procurement_url(procurement))
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{' '.join(str(e) for e in errors)}")
        return redirect(back)
    try:
        services.participation_answer(actor=request.user, procurement=procurement, **form.cleaned_data)
    except DjangoValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except services.ProcurementConflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("「%(title)s」に「%(answer)s」と回答しました。")
            % {"title": procurement.title, "answer": dict(form.fields["status"].choices)[form.cleaned_data["status"]]},  # type: ignore[attr-defined]
        )
    return redirect(back)


def dashboard(request: HttpRequest) -> HttpResponse:
    """共同調達ダッシュボード: public, live from the register, counts and lists only."""
    prefecture_list = list(prefectures())
    form = DashboardFilterForm(request.GET or None, prefectures=prefecture_list)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "category": data["category"].slug if data["category"] else "",
            "prefecture": data["prefecture"] or "",
            "population_min": data["population_min"],
            "population_max": data["population_max"],
            "participants_min": data["participants_min"],
            "participants_max": data["participants_max"],
        }
    categories, rows, totals = selectors.dashboard_matrix()
    page = Paginator(selectors.dashboard_cases(**filters), 50).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "categories": categories,
        "rows": rows,
        "totals": totals,
        "page": page,
    }
    return render(request, "procurement/dashboard.html", context)
