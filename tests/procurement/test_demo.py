"""The demo joint procurements: many prefectures, every category and status, re-runnable, answerable by the demo logins."""

from typing import Any

import pytest

from procurement import demo
from procurement.models import JointProcurement, ProcurementCategory, Status

from .test_done_when import assert_valid_ocds


@pytest.mark.django_db
def test_demo_data_covers_prefectures_categories_and_statuses(api: Any, api_as: Any) -> None:
    demo.seed(scale="demo")
    first = list(JointProcurement.objects.order_by("pk").values_list("title", "status", "contract_amount"))
    demo.seed(scale="demo")  # re-runnable, same result
    again = list(JointProcurement.objects.order_by("pk").values_list("title", "status", "contract_amount"))
    assert first == again
    procurements = JointProcurement.objects.filter(is_demo=True)
    assert procurements.values("lead_prefecture").distinct().count() >= 10
    assert set(procurements.values_list("status", flat=True)) == set(Status.values)
    assert set(procurements.values_list("category__slug", flat=True)) == set(
        ProcurementCategory.objects.values_list("slug", flat=True)
    )
    for p in procurements.filter(status__in=["contracted", "operating", "ended"]):
        assert p.contract_amount and p.awarded_vendor_name
        for participation in p.participations.select_related("municipality"):
            assert participation.municipality.prefecture_id == p.lead_prefecture_id

    # The demo logins of 小布施町 and 佐久市 can answer 長野県's recruiting case.
    nagano = procurements.get(lead_prefecture__code="200000", status="recruiting")
    for who in ("obuse-staff", "saku-staff"):
        url = f"/api/v1/procurement/joint-procurements/{nagano.pk}/participation/"
        assert api_as(who).post(url, {"status": "committed"}, format="json").status_code == 200

    # Every public demo case is valid OCDS, and the shares add up.
    assert_valid_ocds(api.get("/api/v1/procurement/ocds/").json())
    for p in procurements.exclude(status="planning"):
        shares = api.get(f"/api/v1/procurement/joint-procurements/{p.pk}/shares/").json()
        if shares:
            assert sum(s["share"] for s in shares) == p.amount_shared
