"""Registering and editing a procurement (prefecture staff), with the share preview."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal import policy
from portal.models import Organization

from .. import selectors, services
from ..forms import ProcurementForm
from ..models import JointProcurement, Status
from .common import prefecture_of, require_or_login


def _preview(form: ProcurementForm, prefecture: Organization, procurement: JointProcurement | None) -> Any:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    amount = data.get("contract_amount") if data.get("contract_amount") is not None else data.get("estimated_amount")
    return selectors.preview_shares(
        prefecture=prefecture,
        amount=amount,
        weights=form.cost_sharing(),
        codes=data.get("participants") or [],
        procurement=procurement,
    )


def procurement_new(request: HttpRequest) -> HttpResponse:
    refused = require_or_login(request, "procurement.create")
    if refused:
        return refused
    prefecture = prefecture_of(request)
    initial = {"share_equal": 100, "share_population": 0, "share_usage": 0, "status": Status.PLANNING}
    form = ProcurementForm(request.POST or None, prefecture=prefecture, initial=initial)
    preview = None
    if request.method == "POST":
        if "preview" in request.POST:
            preview = _preview(form, prefecture, None)
        elif form.is_valid():
            try:
                procurement = services.procurement_create(
                    actor=request.user,
                    fields=form.fields_for_service(),
                    participants=services.municipalities_for_codes(
                        prefecture=prefecture, codes=form.cleaned_data["participants"]
                    ),
                    cost_sharing=form.cost_sharing(),
                    status=form.cleaned_data["status"],
                )
            except DjangoValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("共同調達を登録しました。"))
                return redirect("procurement:detail", pk=procurement.pk)
    return _render_form(request, form, preview, None)


def procurement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    procurement = selectors.procurement_detail(user=request.user, pk=pk)
    refused = require_or_login(request, "procurement.change", procurement)
    if refused:
        return refused
    prefecture = procurement.lead_prefecture
    initial = {name: getattr(procurement, name) for name in services.EDITABLE_FIELDS}
    initial |= {
        "category": procurement.category.slug,
        "system": procurement.system.slug if procurement.system else None,
        "share_equal": procurement.share_equal * 100,
        "share_population": procurement.share_population * 100,
        "share_usage": procurement.share_usage * 100,
        "participants": [p.municipality.code for p in procurement.participations.all()],
        "version": procurement.version,
    }
    form = ProcurementForm(request.POST or None, prefecture=prefecture, editing=True, initial=initial)
    preview = None
    if request.method == "POST":
        if "preview" in request.POST:
            preview = _preview(form, prefecture, procurement)
        elif form.is_valid():
            try:
                services.procurement_update(
                    actor=request.user,
                    procurement=procurement,
                    version=form.cleaned_data.get("version") or 0,
                    fields=form.fields_for_service(),
                    participants=services.municipalities_for_codes(
                        prefecture=prefecture, codes=form.cleaned_data["participants"]
                    ),
                    cost_sharing=form.cost_sharing(),
                )
            except DjangoValidationError as exc:
                _add_errors(form, exc)
            except services.ProcurementConflict as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("共同調達を更新しました。"))
                return redirect("procurement:detail", pk=procurement.pk)
    return _render_form(request, form, preview, procurement)


def _render_form(
    request: HttpRequest, form: ProcurementForm, preview: Any, procurement: JointProcurement | None
) -> HttpResponse:
    context = {
        "form": form,
        "preview": preview,
        "preview_total": sum(row.share.share for row in preview or []),
        "procurement": procurement,
    }
    return render(request, "procurement/form.html", context)


def _add_errors(form: ProcurementForm, exc: DjangoValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        target = field if field in form.fields else None
        if field == "cost_sharing":
            target = "share_equal"
        for error in errors:
            form.add_error(target, error)


@require_GET
def share_preview(request: HttpRequest) -> JsonResponse:
    """The live preview of the shares while a prefecture edits the rule (called by static/procurement/sharing.js)."""
    if not policy.check(request.user, "procurement.create"):
        raise PermissionDenied(_("負担額の試算は都道府県の職員が使えます。"))
    prefecture = prefecture_of(request)
    procurement = None
    if request.GET.get("procurement"):
        procurement = selectors.procurement_detail(user=request.user, pk=request.GET["procurement"])
        policy.require(request.user, "procurement.change", procurement)
    form = ProcurementForm(request.GET, prefecture=prefecture, editing=True)
    for name in list(form.fields):
        if name not in (
            "estimated_amount",
            "contract_amount",
            "share_equal",
            "share_population",
            "share_usage",
            "participants",
        ):
            del form.fields[name]
    if not form.is_valid():
        return JsonResponse({"errors": {k: [str(e) for e in v] for k, v in form.errors.items()}}, status=400)
    rows = _preview(form, prefecture, procurement) or []
    return JsonResponse(
        {
            "total": sum(r.share.share for r in rows),
            "shares": [
                {
                    "municipality": r.municipality.code,
                    "name": r.municipality.name,
                    "population": r.municipality.population,
                    "share": r.share.share,
                    "saving": r.share.saving,
                }
                for r in rows
            ],
        }
    )
