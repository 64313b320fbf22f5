"""Published results (実施状況・効果の公表), the デジ田 plan and the score helper."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import policy
from portal import selectors as portal_selectors

from .. import services
from ..errors import ClaimError
from ..forms import PlanForm, ResultForm, ScoreForm
from ..models import ClaimResult, Program
from ..money import madoguchi_bonus
from .claims import get_claim


def _results():
    return ClaimResult.objects.select_related("claim__applicant", "claim__applicant__prefecture", "claim__program")


def result_list(request: HttpRequest) -> HttpResponse:
    results = policy.visible(request.user, _results())
    prefecture = request.GET.get("prefecture", "").strip()[:6]
    program = request.GET.get("program", "")
    if prefecture:
        number = prefecture[:2] if len(prefecture) == 6 else prefecture.zfill(2)
        results = results.filter(claim__applicant__prefecture_code=number)
    if program:
        results = results.filter(claim__program__code=program)
    page = Paginator(results.order_by("claim__applicant__slug", "claim__pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "subsidies/result_list.html",
        {
            "page": page,
            "prefecture": prefecture,
            "program": program,
            "prefectures": portal_selectors.prefectures(),
            "programs": Program.objects.order_by("code"),
        },
    )


def result_detail(request: HttpRequest, pk: int) -> HttpResponse:
    result = policy.get_visible_or_404(request.user, _results(), claim_id=pk)
    return render(request, "subsidies/result_detail.html", {"result": result, "claim": result.claim})


@login_required
@require_POST
def result_publish(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_claim(request, pk)
    form = ResultForm(request.POST)
    if form.is_valid():
        try:
            services.result_publish(claim=claim, actor=request.user, **form.cleaned_data)
        except ClaimError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("実施状況・効果を保存しました。"))
    else:
        messages.error(request, _("実施状況と事業の効果を入力してください。"))
    return redirect("subsidies:claim-detail", pk=claim.pk)


@login_required
@require_POST
def plan_save(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_claim(request, pk)
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            services.digiden_plan_save(claim=claim, actor=request.user, **form.cleaned_data)
        except ClaimError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("計画を保存しました。"))
    else:
        messages.error(request, _("BPRの実施方法を選んでください。"))
    return redirect("subsidies:claim-detail", pk=claim.pk)


def score_helper(request: HttpRequest) -> HttpResponse:
    """デジ田 TYPE applications: the 窓口DX SaaS bonus from the applicant's answers."""
    form = ScoreForm(request.GET or None)
    bonus = total = None
    if form.is_bound and form.is_valid():
        bonus = madoguchi_bonus(
            uses_madoguchi_saas=form.cleaned_data["uses_madoguchi_saas"], bpr_route=form.cleaned_data["bpr_route"]
        )
        base = form.cleaned_data.get("base_score")
        total = min(base + bonus, 100) if base is not None else None
    return render(request, "subsidies/score.html", {"form": form, "bonus": bonus, "total": total})
