"""Journey 2 in a real browser: 小布施町's IT officer files a migration-cost claim, sees the problem on an ineligible
line and fixes it; her manager submits; 長野県 confirms; 総務省 approves; the timeline shows each step. axe finds
nothing serious on any page, in Japanese and English. Then the officer's and the manager's part by keyboard only."""

from __future__ import annotations

from typing import Any

import pytest

from subsidies.models import Claim, ClaimStatus
from tests.subsidies.conftest import programs  # noqa: F401 - the seeded programs, open today

from .harness import axe_violations, login, screenshot

pytestmark = pytest.mark.browser

TITLE = "基幹業務システム標準化移行事業（小布施町）"
LINES = [
    ("A", "標準仕様書とのFit&Gap分析業務委託", "信州コンサルティング", "3,300,000"),
    ("B", "住民記録データの移行・外字同定", "長野情報システム", "5,456,789"),
    ("D", "職員の旅費（研修参加）", "", "48,000"),
]


def axe_in_both_languages(page: Any) -> None:
    """axe on the current page in Japanese, then the same address in English (reloaded), then back to Japanese."""
    assert axe_violations(page) == [], f"ja {page.url}"
    url = page.url.split("#")[0]  # a fragment-only change would not reload the page
    for language in ("en", "ja"):
        page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == language
        if language == "en":
            assert axe_violations(page) == [], f"en {url}"


def log_out(page: Any) -> None:
    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_load_state()


def open_from_queue(page: Any) -> None:
    page.get_by_role("navigation", name="グローバルナビゲーション").get_by_role("link", name="補助金申請").click()
    page.wait_for_load_state()
    page.get_by_role("table", name="あなたの対応待ち", exact=True).get_by_role("link", name=TITLE).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == TITLE


def act(page: Any, action: str, done: str) -> None:
    """Press an action's button on the claim page (each action is its own form, named by its heading)."""
    page.get_by_role("button", name=action, exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("status").filter(has_text=f"「{done}」を行いました。").is_visible()


@pytest.mark.django_db(transaction=True)
def test_claim_from_filing_to_decision(page: Any, programs: Any) -> None:  # noqa: F811
    login(page, "obuse-staff")
    page.get_by_role("navigation", name="グローバルナビゲーション").get_by_role("link", name="補助金申請").click()
    page.wait_for_load_state()
    axe_in_both_languages(page)
    page.get_by_role("link", name="新しい申請を作成する").click()
    page.wait_for_load_state()
    axe_in_both_languages(page)
    page.get_by_role("link", name="標準準拠システム移行経費補助（デジタル基盤改革支援補助金）").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "新しい申請"
    axe_in_both_languages(page)

    page.get_by_label("事業名").fill(TITLE)
    for number, (category, description, vendor, amount) in enumerate(LINES, start=1):
        line = page.get_by_role("group", name=f"明細 {number}")
        line.get_by_label("経費区分").select_option(category)
        line.get_by_label("内容").fill(description)
        line.get_by_label("契約先").fill(vendor)
        line.get_by_label("金額（円）").fill(amount)

    # The checker names the problem on line 3, as she types; the message describes that line's 内容 field.
    travel = page.get_by_role("group", name="明細 3")
    description = travel.get_by_label("内容")
    travel.locator("[data-line-check]").filter(has_text="未解決の指摘").wait_for()
    assert description.get_attribute("aria-invalid") == "true"
    assert "lines-2-check" in description.get_attribute("aria-describedby").split()
    assert "旅費" in page.locator("#lines-2-check").inner_text()
    assert page.get_by_role("group", name="明細 1").get_by_label("内容").get_attribute("aria-invalid") is None
    page.locator("[data-total='unresolved']").filter(has_text="1行").wait_for()
    assert axe_violations(page) == []

    # Saving keeps the draft; the claim page says what blocks submitting, with a link to the line.
    page.get_by_role("button", name="保存する").click()
    page.wait_for_url("**/subsidies/claims/*/")
    claim = Claim.objects.get(title=TITLE)
    summary = page.get_by_role("alert").filter(has_text="提出の前に解決が必要な指摘があります")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.id") == "problem-summary"
    axe_in_both_languages(page)

    summary.get_by_role("link", name="明細 3").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "申請を編集"
    assert page.evaluate("document.activeElement.id") == "id_lines-2-description"
    axe_in_both_languages(page)
    travel = page.get_by_role("group", name="明細 3")
    travel.get_by_label("この明細を削除する").check()  # staff travel is not a migration cost: she removes it
    page.locator("[data-total='unresolved']").filter(has_text="0行").wait_for()
    assert travel.get_by_label("内容").get_attribute("aria-invalid") is None
    page.get_by_role("button", name="保存する").click()
    page.wait_for_url(f"**/subsidies/claims/{claim.pk}/")
    assert page.get_by_role("alert").filter(has_text="提出の前に").count() == 0
    assert page.get_by_role("table", name="経費の明細").get_by_role("row").count() == 3  # header + 2 lines
    log_out(page)

    login(page, "obuse-manager")
    open_from_queue(page)
    axe_in_both_languages(page)
    act(page, "提出する", "提出")
    assert "提出済み（都道府県確認待ち）" in page.locator(".lead").inner_text()
    log_out(page)

    login(page, "nagano-pref-staff")
    open_from_queue(page)
    axe_in_both_languages(page)
    act(page, "確認して国へ送る（経由）", "都道府県確認（経由）")
    log_out(page)

    login(page, "soumu-official")
    open_from_queue(page)
    axe_in_both_languages(page)
    approve = page.locator("form.action-form").filter(has=page.get_by_role("heading", name="交付決定する"))
    assert approve.get_by_label("交付決定額（円）").input_value() == "8756000"
    act(page, "交付決定する", "交付決定")
    axe_in_both_languages(page)

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED and claim.decided_amount == 8_756_000
    timeline = page.get_by_role("list", name="経過")
    steps = timeline.get_by_role("listitem").all_inner_texts()
    expected = [
        ("作成", "小布施 花子"),
        ("提出", "小布施 一郎"),
        ("都道府県確認（経由）", "長野 県子"),
        ("交付決定", "総務 審査官"),
    ]
    assert len(steps) == len(expected)
    for text, (label, actor) in zip(steps, expected, strict=True):
        assert label in text and actor in text, text
    assert "8,756,000円" in steps[-1]
    page.get_by_role("heading", name="経過").scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -80)")
    screenshot(page, "journey-2-claim")


# Keyboard only -------------------------------------------------------------------------------------------------------

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  const style = getComputedStyle(el);
  const label = el.labels && el.labels.length ? el.labels[0].textContent : (el.getAttribute("aria-label") || el.textContent);
  return {
    id: el.id,
    name: (label || "").trim().replace(/\\s+/g, " "),
    visible: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none",
  };
}"""


def focused(page: Any) -> dict[str, Any]:
    """Where the keyboard focus is; a focused element must show it (an outline or a ring)."""
    where = page.evaluate(FOCUSED)
    assert where is not None, "focus was lost (on the page body)"
    assert where["visible"], f"focus is not visible on {where}"
    return where


def tab_to(page: Any, target: str, *, key: str = "Tab", limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until the element with id `#target`, or the accessible name `target`, has focus.
    Every element passed on the way must show its focus (past the last one, focus leaves the page and comes back)."""
    for _ in range(limit):
        if page.evaluate(FOCUSED) is not None:
            where = focused(page)
            if (target.startswith("#") and where["id"] == target[1:]) or where["name"] == target:
                return
        page.keyboard.press(key)
    raise AssertionError(f"{target} is not reachable with {key}")


def press_and_wait(page: Any, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_load_state()


def log_in_by_keyboard(page: Any, username: str) -> None:
    page.goto(f"{page.base_url}/accounts/login/")
    tab_to(page, "#id_username")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_password"
    page.keyboard.type("demo-portal-2026")
    press_and_wait(page, "Enter")


def fill_line_by_keyboard(page: Any, index: int, category: str, description: str, vendor: str, amount: str) -> None:
    tab_to(page, f"#id_lines-{index}-category")
    page.keyboard.type(category)  # a closed select picks the option its first letter names
    page.keyboard.press("Tab")
    assert focused(page)["id"] == f"id_lines-{index}-description"
    page.keyboard.type(description)
    page.keyboard.press("Tab")
    page.keyboard.type(vendor)
    page.keyboard.press("Tab")
    assert focused(page)["id"] == f"id_lines-{index}-amount"
    page.keyboard.type(amount)


@pytest.mark.django_db(transaction=True)
def test_filing_and_submitting_by_keyboard_only(page: Any, programs: Any) -> None:  # noqa: F811
    log_in_by_keyboard(page, "obuse-staff")
    tab_to(page, "補助金申請")
    press_and_wait(page, "Enter")
    tab_to(page, "新しい申請を作成する")
    press_and_wait(page, "Enter")
    tab_to(page, "標準準拠システム移行経費補助（デジタル基盤改革支援補助金）")
    press_and_wait(page, "Enter")

    # She fills the lines first and leaves the title for later.
    for index, line in enumerate(LINES):
        fill_line_by_keyboard(page, index, *line)
    assert page.input_value("#id_lines-0-category") == "A" and page.input_value("#id_lines-2-category") == "D"
    travel = page.locator("#id_lines-2-description")
    page.locator("#lines-2-check").filter(has_text="未解決の指摘").wait_for()
    assert travel.get_attribute("aria-invalid") == "true"
    # Back to line 3's 内容 (Shift+Tab), where a screen reader reads the problem with the field; then remove the line.
    tab_to(page, "#id_lines-2-description", key="Shift+Tab")
    assert "lines-2-check" in travel.get_attribute("aria-describedby").split()
    tab_to(page, "#id_lines-2-DELETE")
    page.keyboard.press("Space")
    assert page.is_checked("#id_lines-2-DELETE")
    page.locator("[data-total='unresolved']").filter(has_text="0行").wait_for()

    # Saving without a title: the error summary takes the focus and its link leads to the field.
    tab_to(page, "保存する")
    press_and_wait(page, "Enter")
    summary = focused(page)
    assert summary["id"] == "error-summary" and "入力内容を確認してください" in summary["name"]
    assert axe_violations(page) == []
    page.keyboard.press("Tab")
    assert focused(page)["name"].startswith("事業名：")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "id_title"
    assert page.locator("#id_title").get_attribute("aria-invalid") == "true"
    assert "id_title_error" in page.locator("#id_title").get_attribute("aria-describedby").split()
    page.keyboard.type(TITLE)
    tab_to(page, "保存する")
    press_and_wait(page, "Enter")
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    claim = Claim.objects.get(title=TITLE)
    assert claim.line_items.count() == 2 and claim.eligible_total == 8_756_789

    tab_to(page, "ログアウト")
    press_and_wait(page, "Enter")
    log_in_by_keyboard(page, "obuse-manager")
    tab_to(page, "補助金申請")
    press_and_wait(page, "Enter")
    tab_to(page, TITLE)
    press_and_wait(page, "Enter")
    tab_to(page, "提出する")
    press_and_wait(page, "Enter")
    assert page.get_by_role("status").filter(has_text="「提出」を行いました。").is_visible()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
