"""Vendors propose offerings of pattern B systems; national officials publish or decline them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import policy
from portal.api.errors import Conflict
from portal.models import AuditEntry

from .. import selectors, services
from ..forms import OfferingForm, ReviewForm
from ..models import Offering, OfferingStatus, SharedSystem


@login_required
def offering_propose(request: HttpRequest, slug: str) -> HttpResponse:
    """`/catalog/systems/<slug>/offerings/new/`: a vendor proposes its product for a pattern B system."""
    system = policy.get_visible_or_404(request.user, SharedSystem.objects.all(), slug=slug)
    policy.require(request.user, "catalog.propose_offering", system)
    vendor = policy.org_of(request.user)
    form = OfferingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.offering_propose(
                actor=request.user, system=system, vendor=vendor, slug=data.pop("slug"), data=data
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("提供サービスを登録しました。国の審査の後に公開されます。"))
            return redirect("catalog:offerings")
    status = 400 if form.is_bound else 200
    return render(request, "catalog/offering_form.html", {"form": form, "system": system}, status=status)


@login_required
def offering_queue(request: HttpRequest) -> HttpResponse:
    """`/catalog/offerings/`: officials see what awaits review; a vendor sees its own offerings and their state."""
    if policy.is_national(request.user):
        offerings = selectors.visible_offerings(request.user).filter(status=OfferingStatus.PROPOSED)
    elif policy.check(request.user, "catalog.propose_offering"):
        offerings = selectors.visible_offerings(request.user).filter(vendor=policy.org_of(request.user))
    else:
        raise Http404(_("見つかりません。"))
    rows = list(offerings.order_by("status", "system__name_kana", "product_name"))
    _attach_review_comments(rows)
    context = {
        "offerings": rows,
        "reviewer": bool(policy.check(request.user, "catalog.review_offering")),
        "review_form": ReviewForm(),
    }
    return render(request, "catalog/offering_queue.html", context)


def _attach_review_comments(offerings: list[Offering]) -> None:
    """The latest reviewer's comment of each offering (a decline reason the vendor must see). One query."""
    entries = AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(Offering),
        target_id__in=[str(o.pk) for o in offerings],
        action__in=["publish", "decline"],
    ).order_by("at", "pk")
    latest = {e.target_id: e.comment for e in entries}
    for offering in offerings:
        offering.review_comment = latest.get(str(offering.pk), "")  # type: ignore[attr-defined]


@login_required
@require_POST
def offering_review(request: HttpRequest, slug: str) -> HttpResponse:
    offering = policy.get_visible_or_404(request.user, selectors.visible_offerings(request.user), slug=slug)
    policy.require(request.user, "catalog.review_offering", offering)
    form = ReviewForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        if request.POST.get("decision") == "publish":
            services.offering_publish(actor=request.user, offering=offering, comment=comment)
            messages.success(request, _("「%(name)s」を公開しました。") % {"name": offering.product_name})
        else:
            services.offering_decline(actor=request.user, offering=offering, comment=comment)
            messages.success(request, _("「%(name)s」を非承認にしました。") % {"name": offering.product_name})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except Conflict as exc:
        messages.error(request, str(exc.detail))
    return redirect("catalog:offerings")
