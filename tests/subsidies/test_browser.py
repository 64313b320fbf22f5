"""The claim form in a real browser: the line checker, the running totals, adding lines, the local draft copy."""

from __future__ import annotations

from typing import Any

import pytest

from subsidies.models import Claim
from tests.browser.harness import login


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_line_checker_names_the_problem_as_you_type(programs: Any, page: Any) -> None:
    login(page, "obuse-staff")
    page.goto(f"{page.base_url}/subsidies/claims/new/?program=standardization")

    page.fill("#id_title", "画面で入力した申請")
    page.select_option("#id_lines-0-category", "D")
    page.fill("#id_lines-0-description", "職員の旅費（研修）")
    page.fill("#id_lines-0-amount", "48,000")
    check = page.locator("[data-line-check]").first
    check.filter(has_text="職員の旅費").wait_for(timeout=10_000)
    assert "未解決の指摘" in check.inner_text()
    page.locator("[data-total='eligible_total']").filter(has_text="48,000円").wait_for(timeout=10_000)
    assert page.locator("[data-total='unresolved']").inner_text() == "1行"

    page.fill("#id_lines-0-justification", "講師として派遣する旅費で委託契約に含まれます。")
    check.filter(has_text="指摘（理由あり）").wait_for(timeout=10_000)
    page.locator("[data-total='unresolved']").filter(has_text="0行").wait_for(timeout=10_000)

    page.click("#add-line")
    assert page.locator("[data-line]").count() == 4
    page.select_option("#id_lines-3-category", "B")
    page.fill("#id_lines-3-description", "データ移行")
    page.fill("#id_lines-3-amount", "1000000")
    page.locator("[data-total='requested_amount']").filter(has_text="1,048,000円").wait_for(timeout=10_000)

    # what was typed survives a reload (a session timeout, a closed tab)
    page.reload()
    page.locator("[data-autosave-status]").filter(has_text="復元").wait_for(timeout=10_000)
    assert page.input_value("#id_lines-3-description") == "データ移行"

    page.click("button[type='submit']:has-text('保存する')")
    page.wait_for_url("**/subsidies/claims/*/")
    claim = Claim.objects.get(title="画面で入力した申請")
    assert claim.line_items.count() == 2 and claim.eligible_total == 1_048_000
