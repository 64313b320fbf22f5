"""Line problems from the not-eligible list (補助対象外): named, resolvable, never blocking a save."""

from __future__ import annotations

from typing import Any

import pytest

from subsidies.checks import line_problems, matchers_for, parse_amount, validate_lines


@pytest.fixture
def matchers(programs: Any) -> Any:
    return matchers_for(programs["standardization"])


def test_staff_travel_is_a_problem_naming_its_rule(matchers: Any) -> None:
    problems = line_problems(matchers, category="D", description="職員の旅費（研修参加）", justification="")
    assert [p["rule"] for p in problems] == ["staff-travel"]
    assert "職員の旅費" in problems[0]["message"]
    assert "旅費" in problems[0]["message"]
    assert problems[0]["resolved"] is False


def test_a_justification_resolves_the_problem_but_keeps_it_visible(matchers: Any) -> None:
    problems = line_problems(
        matchers, category="F", description="現行システムのリース残債", justification="早期解約による残債で区分Fに該当"
    )
    assert [p["rule"] for p in problems] == ["usage-fees"]
    assert problems[0]["resolved"] is True


@pytest.mark.parametrize(
    ("description", "rule"),
    [
        ("時間外勤務手当", "staff-costs"),
        ("担当職員の人件費", "staff-costs"),
        ("SaaS利用料（12か月）", "usage-fees"),
        ("RPAの導入", "ai-rpa"),
        ("ＡＩ－ＯＣＲの導入", "ai-rpa"),  # full-width letters fold to ASCII
        ("条例改正の支援", "ordinance-pia"),
        ("PIAの実施", "ordinance-pia"),
        ("通知書の印刷", "office-costs"),
        ("切替案内の郵送", "office-costs"),
    ],
)
def test_not_eligible_descriptions(matchers: Any, description: str, rule: str) -> None:
    assert rule in [p["rule"] for p in line_problems(matchers, category="B", description=description, justification="")]


@pytest.mark.parametrize(
    "description",
    ["標準準拠システムの操作研修（TRAINING）", "住民記録データの移行", "EMAIL連携の接続設定", "外字同定ツール"],
)
def test_eligible_descriptions_have_no_problem(matchers: Any, description: str) -> None:
    assert line_problems(matchers, category="D", description=description, justification="") == []


def test_honoraria_are_eligible_under_a_only(matchers: Any) -> None:
    assert line_problems(matchers, category="A", description="外部有識者への謝金", justification="") == []
    assert [p["rule"] for p in line_problems(matchers, category="D", description="講師謝金", justification="")] == [
        "honoraria"
    ]


def test_validate_lines_names_each_bad_line(programs: Any) -> None:
    lines = [
        {"category": "A", "description": "Fit&Gap分析", "amount": 1_000_000},
        {"category": "Z", "description": "不明な区分", "amount": 1},
        {"category": "B", "description": "", "amount": 0},
        {"category": "C", "description": "環境構築", "amount": 10**12},
        {"category": "C", "description": "環境構築", "amount": "12.5"},
    ]
    _clean, errors = validate_lines(programs["standardization"], lines)
    assert set(errors) == {
        "line_items[1].category",
        "line_items[2].description",
        "line_items[2].amount",
        "line_items[3].amount",
        "line_items[4].amount",
    }
    assert errors["line_items[1].category"][0].startswith("2行目")


@pytest.mark.parametrize(
    ("text", "value"),
    [("1,200,000", 1_200_000), ("１２００円", 1200), (" 5 ", 5), ("1.5", None), ("", None), (True, None)],
)
def test_parse_amount(text: Any, value: int | None) -> None:
    assert parse_amount(text) == value
