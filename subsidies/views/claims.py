"""The claim pages: list (with the work queue and export), new, edit, detail with its actions, report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import policy
from portal import selectors as portal_selectors
from portal.audit import audit_history
from portal.japanese import fiscal_year_label

from .. import rules, selectors, services, workflow
from ..checks import line_problems, matchers_for
from ..errors import ClaimConflict, ClaimError
from ..exports import export_claims
from ..forms import AttachmentForm, ClaimForm, LineFormSet, PlanForm, ResultForm, TransitionForm
from ..models import Claim, ClaimStatus, Program
from ..money import madoguchi_bonus
from ..services.claims import DIGIDEN_KINDS
from .common import attach_line_errors, fiscal_year_choices, formset_lines


def _filters(request: HttpRequest) -> dict[str, Any]:
    fiscal_year = request.GET.get("fiscal_year", "")
    status = request.GET.get("status", "")
    return {
        "program": request.GET.get("program", ""),
        "fiscal_year": int(fiscal_year) if fiscal_year.isdigit() else None,
        "status": status if status in ClaimStatus.values else "",
        "prefecture": request.GET.get("prefecture", "").strip()[:6],
        "q": request.GET.get("q", "").strip()[:100],
    }


@login_required
def claim_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    claims = selectors.claim_list(user=request.user, **filters)
    page = Paginator(claims, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "queue": selectors.work_queue(request.user)[:50],
        "programs": Program.objects.order_by("code"),
        "statuses": ClaimStatus.choices,
        "fiscal_years": fiscal_year_choices(),
        "prefectures": portal_selectors.prefectures(),
        "may_create": policy.check(request.user, "subsidies.create_claim"),
        "export_query": request.GET.urlencode(),
    }
    return render(request, "subsidies/claim_list.html", context)


@login_required
def claim_export(request: HttpRequest) -> HttpResponse:
    claims = selectors.claim_list(user=request.user, **_filters(request))
    return export_claims(claims, fmt=request.GET.get("format", "csv"), encoding=request.GET.get("encoding", "utf-8"))


def _claim_context(request: HttpRequest, claim: Claim) -> dict[str, Any]:
    user = request.user
    matchers = matchers_for(claim.program)
    lines = [
        (
            line,
            line_problems(
                matchers, category=line.category, description=line.description, justification=line.justification
            ),
        )
        for line in claim.line_items.all()
    ]
    totals = selectors.claim_totals(
        claim.program,
        claim.applicant,
        [
            {"category": x.category, "description": x.description, "amount": x.amount, "justification": x.justification}
            for x in claim.line_items.all()
        ],
    )
    # Unresolved problems block submitting: listed at the top, each linking to its line (in the form, for an editor).
    unresolved = [
        (index, line, problem)
        for index, (line, problems) in enumerate(lines)
        for problem in problems
        if not problem["resolved"]
    ]
    steps = [step for step in rules.available_steps(user, claim) if step.action != "report"]
    may_report = any(step.action == "report" for step in rules.available_steps(user, claim))
    plan = getattr(claim, "digiden_plan", None) if claim.program.kind in DIGIDEN_KINDS else None
    return {
        "claim": claim,
        "lines": lines,
        "unresolved": unresolved if claim.is_editable else [],
        "totals": totals,
        "steps": [(step, workflow.ACTION_LABELS[step.action]) for step in steps],
        "may_report": may_report,
        "next_step": workflow.NEXT_STEP.get(claim.status, ""),
        "may_edit": claim.is_editable and policy.check(user, "subsidies.edit_claim", claim),
        "may_attach": claim.status in (ClaimStatus.DRAFT, ClaimStatus.RETURNED, ClaimStatus.APPROVED)
        and policy.check(user, "subsidies.edit_claim", claim),
        "may_publish": policy.check(user, "subsidies.publish_result", claim),
        "events": [
            (
                e,
                workflow.ACTION_DONE.get(e.action, e.action),
                ClaimStatus(e.from_status).label if e.from_status else "",
                ClaimStatus(e.to_status).label,
            )
            for e in claim.events.select_related("actor", "actor_organization").order_by("at", "pk")
        ],
        "edits": audit_history(claim).filter(action__in=["claim.edit", "claim.attach", "claim.result", "claim.plan"]),
        "attachment_form": AttachmentForm(),
        "result": getattr(claim, "result", None),
        "result_form": ResultForm(initial=_result_initial(claim)),
        "is_digiden": claim.program.kind in DIGIDEN_KINDS,
        "plan": plan,
        "plan_bonus": madoguchi_bonus(uses_madoguchi_saas=plan.uses_madoguchi_saas, bpr_route=plan.bpr_route)
        if plan
        else None,
        "plan_form": PlanForm(
            initial={
                "uses_madoguchi_saas": plan.uses_madoguchi_saas,
                "bpr_route": plan.bpr_route,
                "service_name": plan.service_name,
            }
            if plan
            else {"bpr_route": "none"}
        ),
    }


def _result_initial(claim: Claim) -> dict[str, Any]:
    result = getattr(claim, "result", None)
    if result is None:
        return {"published": True}
    return {
        "implementation_status": result.implementation_status,
        "effects": result.effects,
        "published": result.published,
    }


def get_claim(request: HttpRequest, pk: int) -> Claim:
    return policy.get_visible_or_404(request.user, selectors.claim_detail_queryset(), pk=pk)


@login_required
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_claim(request, pk)
    return render(request, "subsidies/claim_detail.html", _claim_context(request, claim))


@login_required
@require_POST
def claim_transition(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_claim(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        context = _claim_context(request, claim)
        context["action_error"] = (
            _("入力内容を確認してください。")
            + " "
            + " ".join(str(e) for errors in form.errors.values() for e in errors)
        )
        return render(request, "subsidies/claim_detail.html", context, status=400)
    action = form.cleaned_data["action"]
    try:
        claim = services.claim_transition(
            claim=claim,
            actor=request.user,
            action=action,
            comment=form.cleaned_data["comment"],
            amount=form.cleaned_data["amount"],
        )
    except ClaimError as error:
        context = _claim_context(request, get_claim(request, pk))
        context["action_error"] = error.message
        context["action_error_details"] = [m for texts in error.errors.values() for m in texts]
        return render(
            request, "subsidies/claim_detail.html", context, status=409 if isinstance(error, ClaimConflict) else 400
        )

    messages.success(request, _("「%(action)s」を行いました。") % {"action": workflow.ACTION_DONE[action]})
    return redirect("subsidies:claim-detail", pk=claim.pk)


@login_required
def claim_new(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "subsidies.create_claim")
    code = request.GET.get("program") or request.POST.get("program")
    program = Program.objects.filter(code=code).first() if code else None
    if program is None:
        return render(request, "subsidies/claim_program_choice.html", {"programs": Program.objects.order_by("code")})
    return _claim_form(request, program=program, claim=None)


@login_required
def claim_edit(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_claim(request, pk)
    policy.require(request.user, "subsidies.edit_claim", claim)
    if not claim.is_editable:
        raise PermissionDenied(_("「%(status)s」の申請は編集できません。") % {"status": claim.get_status_display()})
    return _claim_form(request, program=claim.program, claim=claim)


def _claim_form(request: HttpRequest, *, program: Program, claim: Claim | None) -> HttpResponse:
    years = fiscal_year_choices()
    if claim is not None and claim.fiscal_year not in dict(years):
        years.append((claim.fiscal_year, fiscal_year_label(claim.fiscal_year)))
    status_code = 200
    conflict = ""
    other_errors: list[str] = []
    fixed_year = claim.fiscal_year if claim is not None else None
    if request.method == "POST":
        form = ClaimForm(request.POST, fiscal_years=years, fixed_year=fixed_year)
        formset = LineFormSet(request.POST, prefix="lines", form_kwargs={"program": program})
        if form.is_valid() and formset.is_valid():
            values = form.cleaned_data
            lines = formset_lines(formset)
            try:
                if claim is None:
                    claim = services.claim_create(
                        actor=request.user,
                        program=program,
                        fiscal_year=values["fiscal_year"],
                        title=values["title"],
                        line_items=lines,
                        businesses=values.get("businesses", []),
                    )
                else:
                    claim = services.claim_update(
                        claim=claim,
                        actor=request.user,
                        version=values["version"],
                        title=values["title"],
                        line_items=lines,
                        **({"businesses": values["businesses"]} if "businesses" in values else {}),
                    )
            except ClaimConflict as error:
                conflict = error.message
                status_code = 409
                if claim is not None:
                    # Keep what the user typed; a second, deliberate save replaces the newer version.
                    latest = Claim.objects.get(pk=claim.pk)
                    data = request.POST.copy()
                    data["version"] = str(latest.version)
                    form = ClaimForm(data, fiscal_years=years, fixed_year=fixed_year)
                    form.is_valid()
            except ClaimError as error:
                other_errors = attach_line_errors(formset, error)
                for key, texts in error.errors.items():
                    if key in form.fields:
                        for message in texts:
                            form.add_error(key, message)
                status_code = 400
            else:
                messages.success(request, _("保存しました。"))
                return redirect("subsidies:claim-detail", pk=claim.pk)
        else:
            status_code = 400
    else:
        if claim is None:
            form = ClaimForm(fiscal_years=years, initial={"fiscal_year": years[0][0]})
            formset = LineFormSet(prefix="lines", form_kwargs={"program": program})
        else:
            form = ClaimForm(
                fiscal_years=years,
                fixed_year=fixed_year,
                initial={
                    "title": claim.title,
                    "fiscal_year": claim.fiscal_year,
                    "businesses": list(claim.businesses.all()),
                    "version": claim.version,
                },
            )
            initial = [
                {
                    "category": x.category,
                    "description": x.description,
                    "vendor": x.vendor,
                    "amount": str(x.amount),
                    "justification": x.justification,
                }
                for x in claim.line_items.all()
            ]
            formset = LineFormSet(prefix="lines", initial=initial, form_kwargs={"program": program})
    context = {
        "program": program,
        "claim": claim,
        "form": form,
        "formset": formset,
        "conflict": conflict,
        "other_errors": other_errors,
        "rules": program.ineligible_rules.all(),
        "categories": program.categories.all(),
        "remaining_cap": selectors.remaining_cap(program, request.user.organization)  # type: ignore[union-attr]
        if request.user.organization  # type: ignore[union-attr]
        else None,
        "script_text": _script_text(),
    }
    return render(request, "subsidies/claim_form.html", context, status=status_code)


def _script_text() -> dict[str, str]:
    """What claim_form.js says, in the page's language ({…} are filled in by the script)."""
    return {
        "yen": _("{amount}円"),
        "lines": _("{count}行"),
        "resolved": _("指摘（理由あり）：{message}"),
        "unresolved": _("未解決の指摘：{message}（明細を直すか、補助対象とする理由を書いてください）"),
        "restored": _("この端末に一時保存されていた入力内容を復元しました（{time}）。"),
        "saved": _("自動保存しました（{time}、版 {version}）。"),
        "expired": _(
            "ログインの有効期限が切れたため自動保存できませんでした。入力内容はこの端末に残っています。"
            "ログインし直してこの画面を開くと復元されます。"
        ),
        "conflict": _("ほかの人が先に保存したため自動保存を止めました。入力内容はこの端末に残っています。{detail}"),
        "invalid": _(
            "自動保存できない入力があります（保存ボタンで内容を確認できます）。入力内容はこの端末に残っています。"
        ),
        "offline": _("通信できないため自動保存できませんでした。入力内容はこの端末に残っています。"),
    }


@login_required
def claim_report(request: HttpRequest, pk: int) -> HttpResponse:
    """実績報告: the applicant's manager enters the actual cost per line."""
    claim = get_claim(request, pk)
    policy.require(request.user, "subsidies.transition", (claim, "report"))
    program = claim.program
    error_message = ""
    status_code = 200
    if request.method == "POST":
        formset = LineFormSet(request.POST, prefix="lines", form_kwargs={"program": program})
        comment = request.POST.get("comment", "")
        if formset.is_valid():
            try:
                services.claim_transition(
                    claim=claim,
                    actor=request.user,
                    action="report",
                    comment=comment,
                    actual_line_items=formset_lines(formset),
                )
            except ClaimError as error:
                error_message = error.message
                rest = attach_line_errors(formset, error, field="actual_line_items")
                if rest:
                    error_message += " " + " ".join(rest)
                status_code = 409 if isinstance(error, ClaimConflict) else 400
            else:
                messages.success(request, _("実績を報告しました。"))
                return redirect("subsidies:claim-detail", pk=claim.pk)
        else:
            status_code = 400
    else:
        initial = [
            {"category": x.category, "description": x.description, "vendor": x.vendor, "amount": str(x.amount)}
            for x in claim.line_items.all()
        ]
        formset = LineFormSet(prefix="lines", initial=initial, form_kwargs={"program": program})
    return render(
        request,
        "subsidies/claim_report.html",
        {"claim": claim, "formset": formset, "error_message": error_message, "categories": program.categories.all()},
        status=status_code,
    )
