"""The programs DESIGN.md states, as data: `load_programs` (also run by seed_demo) creates or updates them.

Idempotent. A ministry maintains them afterwards in the admin; this loader only sets what it knows and never
touches approvals already reserved against a budget.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from portal.models import Organization

from .models import EligibleCategory, IneligibleRule, Program, ProgramBudget

OKU = 100_000_000

STANDARDIZATION_CATEGORIES = [
    (
        "A",
        "調査等準備経費",
        "標準仕様書と現行システムとの比較分析（Fit&Gap）、現行システムの調査、業務の見直し、移行計画の作成、これらのための外部人材の活用。",
    ),
    (
        "B",
        "文字の標準化・データ移行等",
        "外字の文字情報基盤文字への同定（ツールを含む）、ガバメントクラウド等へのデータ移行（ツールを含む）、データクレンジング。",
    ),
    ("C", "環境構築", "標準準拠システムの環境への接続、初期パラメータの設定。"),
    ("D", "テスト・研修", "標準準拠システムのテスト、操作研修。"),
    ("E", "関連システムとの連携", "API等でデータをやり取りする関連システムの連携プログラムの改修、接続設定。"),
    (
        "F",
        "既存システムの整理",
        "期限内の移行のため現行契約を早期に終了することによるやむを得ない追加経費（リース残債等）。",
    ),
]

# (code, rule shown to the user, keywords, categories where the rule does not apply)
STANDARDIZATION_RULES = [
    (
        "usage-fees",
        "アプリケーションの利用料・使用料・リース料等の運用経費",
        "利用料、使用料、リース料、リース、保守料、ライセンス料",
        "",
    ),
    ("ai-rpa", "業務の見直しにあわせて導入するAI・RPA", "AI、RPA、人工知能", ""),
    ("ordinance-pia", "条例改正・特定個人情報保護評価（PIA）", "条例、PIA、特定個人情報保護評価", ""),
    ("staff-costs", "地方公共団体の職員の人件費・時間外勤務手当", "人件費、給与、時間外、超過勤務、残業", ""),
    ("staff-travel", "職員の旅費", "旅費、出張", ""),
    ("honoraria", "謝金・謝礼（区分A 調査等準備経費の外部人材を除く）", "謝金、謝礼", "A"),
    ("office-costs", "郵送料・印刷製本費などの一般事務費", "郵送、郵便、切手、印刷、製本、消耗品、事務用品", ""),
]

DIGIDEN_CATEGORIES = [
    ("1", "システム・サービス導入費", "デジタル実装に必要なシステム・サービスの導入、初期設定。"),
    ("2", "データ連携・移行", "データ連携基盤への接続、データ移行。"),
    ("3", "委託・調査等", "事業の企画・調査、BPR、効果検証の委託。"),
    ("4", "機器・ソフトウェア購入", "事業に必要な機器・ソフトウェアの購入。"),
]

DIGIDEN_RULES = [
    ("staff-costs", "地方公共団体の職員の人件費", "人件費、給与、時間外、超過勤務、残業", ""),
    ("staff-travel", "職員の旅費", "旅費、出張", ""),
    ("office-costs", "一般事務費", "郵送、郵便、切手、印刷、製本、消耗品", ""),
]

# code, name, kind, owner slug, rate (n, d), cap, cap basis, organization caps
PROGRAMS: list[dict[str, Any]] = [
    {
        "code": "standardization",
        "name": "標準準拠システム移行経費補助（デジタル基盤改革支援補助金）",
        "kind": "standardization",
        "owner": "soumu",
        "rate": (1, 1),
        "cap": None,
        "cap_basis": "subsidy",
        "uses_organization_caps": True,
        "description": "基幹業務システムの標準準拠システムへの移行に要する経費を国が10/10補助します（団体ごとの補助上限額まで）。基金は地方公共団体情報システム機構（J-LIS）に置かれています。",
        "categories": STANDARDIZATION_CATEGORIES,
        "rules": STANDARDIZATION_RULES,
    },
    {
        "code": "digiden-type1",
        "name": "デジタル田園都市国家構想交付金 デジタル実装タイプ TYPE1（優良モデル導入支援型）",
        "kind": "digiden_type1",
        "owner": "cao",
        "rate": (1, 2),
        "cap": 1 * OKU,
        "cap_basis": "subsidy",
    },
    {
        "code": "digiden-type2",
        "name": "デジタル田園都市国家構想交付金 デジタル実装タイプ TYPE2（データ連携基盤活用型）",
        "kind": "digiden_type2",
        "owner": "cao",
        "rate": (1, 2),
        "cap": 2 * OKU,
        "cap_basis": "subsidy",
    },
    {
        "code": "digiden-type3",
        "name": "デジタル田園都市国家構想交付金 デジタル実装タイプ TYPE3（デジタル社会変革型）",
        "kind": "digiden_type3",
        "owner": "cao",
        "rate": (2, 3),
        "cap": 4 * OKU,
        "cap_basis": "subsidy",
    },
    {
        "code": "digiden-type-s",
        "name": "デジタル田園都市国家構想交付金 デジタル実装タイプ TYPE S（デジタル行財政改革 先行挑戦型）",
        "kind": "digiden_type_s",
        "owner": "cao",
        "rate": (3, 4),
        "cap": 5 * OKU,
        "cap_basis": "project_cost",
    },
]

# Budgets of the standardization subsidy as published (for the dashboards), and demo budgets for open years.
PUBLISHED_BUDGETS = [
    (2020, "令和2年度第3次補正予算", 1_509 * OKU, False),
    (2021, "令和3年度第1次補正予算", 317 * OKU, False),
    (2023, "令和5年度補正予算", 5_163 * OKU, False),
]
DEMO_BUDGETS = [
    (2025, "令和7年度（デモ）", 800 * OKU, True),
    (2026, "令和8年度（デモ）", 600 * OKU, True),
]
DIGIDEN_DEMO_BUDGETS = [(2025, "令和7年度（デモ）", 50 * OKU, True), (2026, "令和8年度（デモ）", 50 * OKU, True)]

ACCEPTANCE = (dt.date(2025, 4, 1), dt.date(2027, 3, 31))


@transaction.atomic
def load_programs() -> list[Program]:
    """Create or update the programs, their categories, not-eligible rules and budgets. Idempotent."""
    owners = {o.slug: o for o in Organization.objects.filter(slug__in={p["owner"] for p in PROGRAMS})}
    loaded = []
    for spec in PROGRAMS:
        program, _created = Program.objects.get_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "kind": spec["kind"],
                "owner": owners[spec["owner"]],
                "rate_numerator": spec["rate"][0],
                "rate_denominator": spec["rate"][1],
                "cap": spec["cap"],
                "cap_basis": spec["cap_basis"],
                "uses_organization_caps": spec.get("uses_organization_caps", False),
                "routes_through_prefecture": True,
                "rounding_unit": 1000,
                "acceptance_from": ACCEPTANCE[0],
                "acceptance_until": ACCEPTANCE[1],
                "description": spec.get("description", ""),
            },
        )
        for order, (code, name, description) in enumerate(spec.get("categories", DIGIDEN_CATEGORIES)):
            EligibleCategory.objects.update_or_create(
                program=program, code=code, defaults={"name": name, "description": description, "order": order}
            )
        for order, (code, title, keywords, exempt) in enumerate(spec.get("rules", DIGIDEN_RULES)):
            IneligibleRule.objects.update_or_create(
                program=program,
                code=code,
                defaults={"title": title, "keywords": keywords, "exempt_categories": exempt, "order": order},
            )
        budgets = PUBLISHED_BUDGETS + DEMO_BUDGETS if program.kind == "standardization" else DIGIDEN_DEMO_BUDGETS
        for fiscal_year, label, amount, is_demo in budgets:
            ProgramBudget.objects.get_or_create(
                program=program,
                fiscal_year=fiscal_year,
                defaults={"label": label, "budget": amount, "is_demo": is_demo},
            )
        loaded.append(program)
    return loaded
