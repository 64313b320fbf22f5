"""The pages of the joint-procurement register: interfaces that parse, ask the policy, call a service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal import policy
from portal.models import Organization
from portal.selectors import prefectures

from . import selectors, services, workflow
from .forms import AnswerForm, DashboardFilterForm, DocumentForm, ProcurementForm, TransitionForm
from .models import JointProcurement, Method, ProcurementCategory, Status
from .timeline import timeline_for


def _require(request: HttpRequest, action: str, obj: Any = None) -> HttpResponse | None:
    """None when allowed; the login page for anonymous visitors; 403 with the reason otherwise."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    policy.require(request.user, action, obj)
    return None


def _prefecture_of(request: HttpRequest) -> Organization:
    """The prefecture of a user the policy allowed to create procurements."""
    organization = getattr(request.user, "organization", None)
    if organization is None:
        raise PermissionDenied(_("ログインが必要です。"))
    return organization


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
    refused = _require(request, "procurement.create")
    if refused:
        return refused
    prefecture = _prefecture_of(request)
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
    refused = _require(request, "procurement.change", procurement)
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


def procurement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    procurement = selectors.procurement_detail(user=request.user, pk=pk)
    user = request.user
    can_edit = bool(policy.check(user, "procurement.change", procurement))
    sees_answers = bool(policy.check(user, "procurement.view_answers", procurement))
    participations = list(procurement.participations.all())
    own = None
    if policy.check(user, "procurement.answer", procurement):
        own = next((p for p in participations if p.municipality_id == user.organization_id), None)  # type: ignore[union-attr]
    # While municipalities are still answering, the shares are an estimate over those invited and not out;
    # the lead prefecture and officials see them all, an invited municipality its own.
    preview = procurement.status in workflow.ANSWERABLE_STATUSES
    shares = selectors.shares_for(procurement, preview=preview)
    own_share = next((row for row in shares if own and row.municipality.pk == own.municipality_id), None)
    if preview and not sees_answers:
        shares = []
    context = {
        "procurement": procurement,
        "participations": participations if sees_answers else [p for p in participations if p.status == "committed"],
        "sees_answers": sees_answers,
        "can_edit": can_edit,
        "own": own,
        "answer_form": AnswerForm(
            initial={"status": own.status if own and own.status != "invited" else "committed"}
            | (
                {"comment": own.comment, "usage_units": own.usage_units, "standalone_estimate": own.standalone_estimate}
                if own
                else {}
            )
        ),
        "answerable": procurement.status in workflow.ANSWERABLE_STATUSES,
        "shares": shares,
        "shares_preview": preview,
        "own_share": own_share,
        "shares_total": sum(row.share.share for row in shares),
        "savings_total": sum(row.share.saving or 0 for row in shares),
        "has_estimates": any(row.share.standalone_estimate is not None for row in shares),
        "transitions": workflow.transitions_from(procurement.status) if can_edit else [],
        "documents": [d for d in procurement.documents.all() if policy.check(user, "procurement.view_document", d)],
        "document_form": DocumentForm() if can_edit else None,
        "timeline": timeline_for(procurement, participations, full=sees_answers),
    }
    return render(request, "procurement/detail.html", context)


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@require_POST
def procurement_answer(request: HttpRequest, pk: int) -> HttpResponse:
    procurement = selectors.procurement_detail(user=request.user, pk=pk)
    refused = _require(request, "procurement.answer", procurement)
    if refused:
        return refused
    form = AnswerForm(request.POST)
    back = _safe_next(request, procurement_url(procurement))
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


def procurement_url(procurement: JointProcurement) -> str:
    from django.urls import reverse

    return reverse("procurement:detail", kwargs={"pk": procurement.pk})


@require_POST
def procurement_transition(request: HttpRequest, pk: int) -> HttpResponse:
    procurement = selectors.procurement_detail(user=request.user, pk=pk)
    refused = _require(request, "procurement.change", procurement)
    if refused:
        return refused
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            services.procurement_transition(
                actor=request.user,
                procurement=procurement,
                action=form.cleaned_data["action"],
                comment=form.cleaned_data["comment"],
            )
        except DjangoValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except services.ProcurementConflict as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("状況を更新しました。"))
    return redirect("procurement:detail", pk=procurement.pk)


@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    procurement = selectors.procurement_detail(user=request.user, pk=pk)
    refused = _require(request, "procurement.change", procurement)
    if refused:
        return refused
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.document_add(
                actor=request.user,
                procurement=procurement,
                **{
                    "title": form.cleaned_data["title"],
                    "upload": form.cleaned_data["file"],
                    "visibility": form.cleaned_data["visibility"],
                },
            )
        except DjangoValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("資料を登録しました。"))
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{' '.join(str(e) for e in errors)}")
    return redirect("procurement:detail", pk=procurement.pk)


@require_GET
def document_download(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    procurement = selectors.procurement_detail(user=request.user, pk=pk)
    document = procurement.documents.filter(pk=document_pk).first()
    if document is None or not policy.check(request.user, "procurement.view_document", document):
        raise Http404(_("見つかりません。"))
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("ファイルが見つかりません。")) from exc
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def share_preview(request: HttpRequest) -> JsonResponse:
    """The live preview of the shares while a prefecture edits the rule (called by static/procurement/sharing.js)."""
    if not policy.check(request.user, "procurement.create"):
        raise PermissionDenied(_("負担額の試算は都道府県の職員が使えます。"))
    prefecture = _prefecture_of(request)
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
