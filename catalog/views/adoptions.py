"""An organization's own adoptions: what it uses, procures or considers. Only the organization itself edits them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import policy

from .. import selectors, services
from ..forms import AdoptionForm
from ..models import Adoption


@login_required
def adoption_list(request: HttpRequest) -> HttpResponse:
    """`/catalog/adoptions/`: the organization's adoptions and a form to record one."""
    organization = policy.org_of(request.user)
    if organization is None or not policy.check(request.user, "catalog.edit_adoption", organization):
        raise Http404(_("見つかりません。"))
    offerings = selectors.visible_offerings(request.user).order_by("product_name")
    form = AdoptionForm(request.POST or None, offerings=offerings)
    if request.method == "POST" and form.is_valid():
        try:
            services.adoption_save(actor=request.user, organization=organization, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("導入状況を保存しました。"))
            return redirect("catalog:adoptions")
    adoptions = (
        Adoption.objects.filter(organization=organization)
        .select_related("system", "offering")
        .order_by("system__name_kana")
    )
    status = 400 if form.is_bound else 200
    return render(
        request,
        "catalog/adoption_list.html",
        {"form": form, "adoptions": adoptions, "organization": organization},
        status=status,
    )


@login_required
@require_POST
def adoption_delete(request: HttpRequest, pk: int) -> HttpResponse:
    adoption = policy.get_visible_or_404(request.user, Adoption.objects.select_related("organization"), pk=pk)
    if not policy.check(request.user, "catalog.edit_adoption", adoption.organization):
        raise Http404(_("見つかりません。"))
    services.adoption_delete(actor=request.user, adoption=adoption)
    messages.success(request, _("導入状況を削除しました。"))
    return redirect("catalog:adoptions")
