"""Demo data: every pattern present, 窓口DX SaaS with several offerings and users in 小布施町's band, step rows
that agree with the published rates, and a re-run that changes nothing."""

from __future__ import annotations

import io
import random
from decimal import ROUND_HALF_UP

import pytest

from catalog import demo
from catalog.models import Adoption, Offering, PublishedRate, SharedSystem, StepDefinition, StepProgress
from catalog.selectors import similar_adopters
from portal.models import Organization

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_seed_is_realistic_and_rerunnable() -> None:
    demo.seed(scale="demo", stdout=io.StringIO())
    counts = (
        SharedSystem.objects.count(),
        Offering.objects.count(),
        Adoption.objects.count(),
        StepProgress.objects.count(),
    )
    assert set(SharedSystem.objects.values_list("pattern", flat=True)) == {"A", "B", "standardized", "individual"}
    assert SharedSystem.objects.get(slug="vrs").owner.name == "デジタル庁"
    madoguchi = SharedSystem.objects.get(slug="madoguchi-dx-saas")
    assert madoguchi.offerings.filter(status="published").values("vendor").distinct().count() >= 3
    assert SharedSystem.objects.filter(pattern="standardized").count() == 20
    obuse = Organization.objects.get(code="205419")
    nagano_neighbours = [o for o in similar_adopters(system=madoguchi, municipality=obuse) if o.prefecture_code == "20"]
    assert len(nagano_neighbours) >= 3
    assert Adoption.objects.get(organization=obuse, system=madoguchi).status == "considering"
    # 96 municipalities of 長野県 and 鳥取県 × 20 businesses × 40 steps
    assert StepProgress.objects.filter(is_demo=True).count() == 96 * 20 * 40
    demo.seed(scale="demo", stdout=io.StringIO())
    assert (
        SharedSystem.objects.count(),
        Offering.objects.count(),
        Adoption.objects.count(),
        StepProgress.objects.count(),
    ) == counts


def test_step_rows_agree_with_the_published_rates() -> None:
    steps = list(StepDefinition.objects.order_by("number"))
    assert len(steps) == 40
    towns = list(Organization.objects.filter(code__in=["205419", "313289"]))
    demo.step_rows(municipality_ids=[t.pk for t in towns], steps=steps, rng=random.Random(1))
    for rate in PublishedRate.objects.filter(municipality__in=towns, business__isnull=False):
        finished = StepProgress.objects.filter(
            municipality=rate.municipality, business=rate.business, state__in=["done", "not_applicable"]
        ).count()
        assert finished == int((rate.rate * 40).to_integral_value(rounding=ROUND_HALF_UP)), (
            rate.municipality,
            rate.business,
        )
