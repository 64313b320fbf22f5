"""Journey 3: a prefecture officer registers a joint procurement and invites three municipalities; one answers;
the shares add up to the amount, to the yen. axe-core checks every page on the way, in Japanese and English."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .harness import axe_in_japanese_and_english, axe_violations, login, screenshot

pytestmark = pytest.mark.browser

TITLE = "北信地域 施設予約システム共同調達"
AMOUNT = 10_000_001
INVITED = ["須坂市", "佐久市", "小布施町"]


def _yen(text: str) -> int:
    return int(re.sub(r"[,円\s]", "", text))


def _clean(page: Any) -> None:
    assert axe_in_japanese_and_english(page) == {"ja": [], "en": []}, page.url


def _log_out(page: Any) -> None:
    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_load_state()


def _shares(page: Any, caption: str) -> tuple[dict[str, int], int]:
    """The shares table under `caption`: {municipality: yen} and the total in its footer."""
    table = page.locator("table", has=page.locator("caption", has_text=caption))
    shares = {}
    for row in table.locator("tbody tr").all():
        shares[row.locator("th").inner_text()] = _yen(row.locator("td").nth(2).inner_text())
    total = _yen(table.locator("tfoot td").first.inner_text())
    return shares, total


@pytest.mark.django_db(transaction=True)
def test_a_prefecture_registers_a_joint_procurement_a_town_answers_and_the_shares_add_up(page: Any) -> None:
    # The prefecture officer opens the register and the form.
    login(page, "nagano-pref-staff")
    page.get_by_role("navigation", name="グローバルナビゲーション").get_by_role("link", name="共同調達").click()
    page.wait_for_load_state()
    _clean(page)
    page.get_by_role("link", name="共同調達を登録する").click()
    page.wait_for_load_state()
    _clean(page)

    page.get_by_label("件名").fill(TITLE)
    page.get_by_label("調達分野").select_option(label="施設予約")
    page.get_by_label("調達方法").select_option(label="公募型プロポーザル")
    page.get_by_label("登録時の状況").select_option(label="参加団体募集中")
    page.get_by_label("参加意向の回答期限").fill("令和9年1月29日")
    page.get_by_label("予定価格（見込額）").fill(str(AMOUNT))
    for name in INVITED:
        page.get_by_label("市区町村名で絞り込む").fill(name)
        page.get_by_label(name, exact=True).check()
    page.get_by_label("市区町村名で絞り込む").fill("")
    # A rule that does not add up to 100 is refused, the problem is announced and tied to its field.
    page.get_by_label("均等割（％）").fill("30")
    page.get_by_label("人口割（％）").fill("60")
    page.get_by_role("button", name="登録する").click()
    page.wait_for_load_state()
    problem = "均等割・人口割・利用量割の合計を100％にしてください（いまは90％）。"
    assert problem in page.get_by_role("alert").inner_text()
    equal = page.get_by_label("均等割（％）")
    assert equal.get_attribute("aria-invalid") == "true"
    assert "id_share_equal_error" in (equal.get_attribute("aria-describedby") or "")
    assert page.locator("#id_share_equal_error").inner_text() == problem
    assert axe_violations(page) == []
    # What was typed is kept; she corrects the rule and sees the live preview add up.
    assert page.get_by_label("件名").input_value() == TITLE
    assert page.get_by_label("小布施町", exact=True).is_checked()
    page.get_by_label("人口割（％）").fill("70")
    preview = page.locator("#share-preview")
    preview.get_by_text(f"{AMOUNT:,}円").wait_for()
    assert preview.locator("tbody tr").count() == 3
    page.get_by_role("button", name="登録する").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").get_by_text("共同調達を登録しました。").is_visible()
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    shares, total = _shares(page, "負担額の試算")
    assert sorted(shares) == sorted(INVITED)
    assert sum(shares.values()) == total == AMOUNT
    _clean(page)
    case_url = page.url
    _log_out(page)

    # One town answers from its invitation: it joins, giving what it would cost alone.
    login(page, "obuse-staff")
    page.get_by_role("navigation", name="グローバルナビゲーション").get_by_role("link", name="共同調達").click()
    page.wait_for_load_state()
    invitations = page.get_by_role("region", name="あなたの団体への参加意向調査")
    _clean(page)
    invitations.get_by_role("link", name=TITLE).click()
    page.wait_for_load_state()
    answer = page.get_by_role("region", name="参加意向の回答")
    own = _yen(re.search(r"負担額は ([\d,]+円)", answer.inner_text()).group(1))
    assert own == shares["小布施町"]
    _clean(page)
    answer.get_by_label("回答").select_option(label="参加")
    answer.get_by_label("単独で調達した場合の見込額（任意）").fill("6000000")
    answer.get_by_label("コメント（任意）").fill("議会の議決を経て正式に参加します。")
    answer.get_by_role("button", name="回答する").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").get_by_text(f"「{TITLE}」に「参加」と回答しました。").is_visible()
    assert "あなたの団体の現在の回答：参加" in page.get_by_role("region", name="参加意向の回答").inner_text()
    _clean(page)
    _log_out(page)

    # The prefecture sees the answer; the shares still add up exactly to the amount.
    login(page, "nagano-pref-staff")
    page.goto(case_url)
    answers = page.locator("table", has=page.locator("caption", has_text="招待した市区町村と回答"))
    obuse = answers.locator("tbody tr", has=page.get_by_role("rowheader", name="小布施町"))
    assert obuse.locator(".badge").inner_text() == "参加"
    assert "議会の議決を経て正式に参加します。" in obuse.inner_text()
    shares_after, total_after = _shares(page, "負担額の試算")
    assert sum(shares_after.values()) == total_after == AMOUNT
    assert shares_after == shares
    _clean(page)
    page.get_by_role("heading", name="負担額").scroll_into_view_if_needed()
    screenshot(page, "journey-3-procurement")


@pytest.mark.django_db(transaction=True)
def test_the_live_share_preview_speaks_the_pages_language(page: Any) -> None:
    login(page, "nagano-pref-staff")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base_url}])
    page.goto(page.base_url + "/procurement/new/")
    page.get_by_label("Estimated amount").fill("1000")
    page.get_by_label("Filter by municipality name").fill("小布施")
    page.get_by_label("小布施町", exact=True).check()
    preview = page.locator("#share-preview")
    preview.get_by_text("1,000円").first.wait_for()
    assert preview.locator("caption").inner_text() == "Estimated shares (not saved)"
    assert preview.locator("thead th").all_inner_texts() == [
        "Local government code",
        "Municipality",
        "Population",
        "Share",
    ]
    assert preview.locator("tfoot th").inner_text() == "Total"
