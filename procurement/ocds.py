"""Open Contracting Data Standard (OCDS 1.1) releases of the public joint procurements.

The ocid prefix comes from settings.OCDS_PREFIX. Its default `ocds-jpportal` is a placeholder: before the data is
published, a prefix must be registered with the Open Contracting Partnership and set there. Organizations are
identified by the 全国地方公共団体コード under the scheme `JP-LGCODE`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from portal.models import Organization

from .models import PUBLIC_STATUSES, JointProcurement, Method, Participation, ParticipationStatus, Status

SCHEME = "JP-LGCODE"
PUBLISHER = "国・地方デジタル共通基盤ポータル"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"

PROCUREMENT_METHOD = {
    Method.GENERAL_COMPETITIVE: "open",
    Method.COMPREHENSIVE_EVALUATION: "open",
    Method.PROPOSAL: "selective",  # 参加表明の後、資格のある者だけが提案する
    Method.NEGOTIATED: "limited",
}
TENDER_STATUS = {
    Status.RECRUITING: "planned",  # the municipalities are still being recruited; the tender is yet to come
    Status.TENDERING: "active",
    Status.CONTRACTED: "complete",
    Status.OPERATING: "complete",
    Status.ENDED: "complete",
}
TAGS = {
    Status.RECRUITING: ["tender"],
    Status.TENDERING: ["tenderUpdate"],
    Status.CONTRACTED: ["award", "contract"],
    Status.OPERATING: ["implementation"],
    Status.ENDED: ["implementationUpdate"],
}


def public_procurements(*, prefecture: str = "") -> QuerySet[JointProcurement]:
    from .selectors import procurement_search

    queryset = procurement_search(
        queryset=JointProcurement.objects.filter(status__in=PUBLIC_STATUSES), prefecture=prefecture
    )
    return (
        queryset.select_related("lead_prefecture", "category", "awarded_vendor")
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.filter(status=ParticipationStatus.COMMITTED).select_related(
                    "municipality"
                ),
                to_attr="committed",
            )
        )
        .order_by("pk")
    )


def _datetime(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return dt.datetime.combine(value, dt.time(), tzinfo=timezone.get_default_timezone()).isoformat()


def _money(amount: int | None) -> dict[str, Any] | None:
    return None if amount is None else {"amount": amount, "currency": "JPY"}


def _party_id(org: Organization) -> str:
    return f"{SCHEME}-{org.code}"


def _party(org: Organization, roles: list[str]) -> dict[str, Any]:
    return {
        "id": _party_id(org),
        "name": str(org),
        "identifier": {"scheme": SCHEME, "id": org.code, "legalName": str(org)},
        "roles": roles,
    }


def _reference(org: Organization) -> dict[str, str]:
    return {"id": _party_id(org), "name": str(org)}


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values: OCDS leaves out what is not known rather than writing null."""
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def last_change(procurement: JointProcurement, committed: Sequence[Participation]) -> dt.datetime:
    """When the released data last changed: the procurement itself or a participant's answer."""
    answered = [p.answered_at for p in committed if p.answered_at is not None]
    return max([procurement.updated_at, *answered])


def release(procurement: JointProcurement) -> dict[str, Any]:
    """One OCDS release of a public procurement (its latest state)."""
    prefecture = procurement.lead_prefecture
    committed = getattr(procurement, "committed", None)
    if committed is None:
        committed = [p for p in procurement.participations.all() if p.status == ParticipationStatus.COMMITTED]
    parties = [_party(prefecture, ["buyer", "procuringEntity"])]
    parties += [_party(p.municipality, ["buyer"]) for p in sorted(committed, key=lambda p: p.municipality.code or "")]
    awarded = procurement.status in (Status.CONTRACTED, Status.OPERATING, Status.ENDED) and bool(
        procurement.awarded_vendor_name or procurement.awarded_vendor
    )
    supplier: dict[str, str] | None = None
    if awarded:
        vendor = procurement.awarded_vendor
        supplier_name = procurement.awarded_vendor_name or (vendor.name if vendor else "")
        supplier_id = f"supplier-{vendor.slug}" if vendor else f"supplier-{procurement.pk}"
        parties.append({"id": supplier_id, "name": supplier_name, "roles": ["supplier"]})
        supplier = {"id": supplier_id, "name": supplier_name}
    ocid = procurement.ocid or f"{settings.OCDS_PREFIX}-{procurement.pk}"
    changed = last_change(procurement, committed)
    data: dict[str, Any] = {
        "ocid": ocid,
        # A new release id whenever the data changes: an edit, a move, or a municipality joining.
        "id": f"{ocid}-{timezone.localtime(changed):%Y%m%d%H%M%S}",
        "date": _datetime(changed),
        "tag": TAGS[Status(procurement.status)],
        "initiationType": "tender",
        "language": "ja",
        "parties": parties,
        "buyer": _reference(prefecture),
        "planning": _compact(
            {
                "budget": _compact(
                    {
                        "description": procurement.get_funding_display()
                        + (f"（{procurement.funding_note}）" if procurement.funding_note else ""),
                        "amount": _money(procurement.estimated_amount),
                    }
                )
            }
        ),
        "tender": _compact(
            {
                "id": f"{ocid}-tender",
                "title": procurement.title,
                "description": procurement.description,
                "status": TENDER_STATUS.get(Status(procurement.status)),
                "procuringEntity": _reference(prefecture),
                "value": _money(procurement.estimated_amount),
                "procurementMethod": PROCUREMENT_METHOD[Method(procurement.method)],
                "procurementMethodDetails": procurement.get_method_display(),
                "mainProcurementCategory": procurement.category.ocds_main_category,
                "tenderPeriod": _compact({"endDate": _datetime(procurement.tender_date)}),
            }
        ),
    }
    if awarded and supplier is not None:
        data["awards"] = [
            _compact(
                {
                    "id": f"{ocid}-award",
                    "title": procurement.title,
                    "status": "active",
                    "date": _datetime(procurement.contract_date),
                    "value": _money(procurement.contract_amount),
                    "suppliers": [supplier],
                }
            )
        ]
        data["contracts"] = [
            _compact(
                {
                    "id": f"{ocid}-contract",
                    "awardID": f"{ocid}-award",
                    "title": procurement.title,
                    "status": "terminated" if procurement.status == Status.ENDED else "active",
                    "value": _money(procurement.contract_amount),
                    "dateSigned": _datetime(procurement.contract_date),
                    "period": _compact(
                        {
                            "startDate": _datetime(procurement.operation_start),
                            "endDate": _datetime(procurement.end_date),
                        }
                    ),
                }
            )
        ]
    return _compact(data)


def release_package(procurements: Sequence[JointProcurement], *, uri: str) -> dict[str, Any]:
    """A release package of `procurements` (call only with at least one: an empty package is not valid OCDS)."""
    releases = [release(p) for p in procurements]
    latest = max(last_change(p, getattr(p, "committed", [])) for p in procurements)
    return {
        "uri": uri,
        "version": "1.1",
        "publishedDate": _datetime(latest),
        "publisher": {"name": PUBLISHER, "uri": uri.split("/api/", 1)[0] + "/"},
        "license": LICENSE_URL,
        "publicationPolicy": uri.split("/api/", 1)[0] + "/procurement/dashboard/",
        "releases": releases,
    }
