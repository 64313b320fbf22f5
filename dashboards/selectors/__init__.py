"""The reading side of the dashboards: each page reads only the aggregates its metric's build wrote.

The subsidy-budget dashboard is restricted and scoped: each reader sees its own organization's scope.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from . import catalog_adoption, joint_procurement, kpi, migration_progress, subsidy_budget
from .base import DASHBOARDS, Dashboard, Filters, Page, current_build, register

__all__ = ["DASHBOARDS", "Dashboard", "Filters", "Page", "current_build", "register"]

register(
    Dashboard(
        slug="migration-progress",
        metric="migration_progress",
        title=_("標準化の進捗"),
        description=_(
            "20業務の進捗（全国・都道府県・市区町村、人口規模別）、作業手順の完了率、特定移行支援システム、ガバメントクラウドの利用。"
        ),
        public=True,
        main_chart="status",
        select=migration_progress.select,
        filters=("prefecture", "population_band", "business", "municipality"),
    )
)
register(
    Dashboard(
        slug="catalog-adoption",
        metric="catalog_adoption",
        title=_("共通化パターン別の利用状況"),
        description=_("カタログのシステムを利用中の団体の数を、パターンA・パターンB・標準化・個別開発の別に。"),
        public=True,
        main_chart="patterns",
        select=catalog_adoption.select,
        filters=("prefecture", "population_band"),
        own_source=_("本ポータルに登録された導入状況"),
    )
)
register(
    Dashboard(
        slug="joint-procurement",
        metric="joint_procurement",
        title=_("共同調達の推移"),
        description=_("公開中の共同調達の件数と参加する市区町村の数の推移（件数のみ）。"),
        public=True,
        main_chart="trend",
        select=joint_procurement.select,
        filters=("prefecture",),
        own_source=_("本ポータルの共同調達台帳（公開中の案件）"),
    )
)
register(
    Dashboard(
        slug="kpi",
        metric="kpi",
        title=_("KPI（EBPM）"),
        description=_("KPIの定義・目標・所管と、観測値の推移。"),
        public=True,
        main_chart="kpis",
        select=kpi.select,
        own_source=_("本ポータルに登録されたKPIの観測値（各観測値の出典は表に記載）"),
    )
)
register(
    Dashboard(
        slug="subsidy-budget",
        metric="subsidy_budget",
        title=_("補助金の予算と執行"),
        description=_(
            "補助事業・年度別の予算・交付決定・支払、状態別の申請の件数、提出から決定までの日数（限定公開）。"
        ),
        public=False,
        scoped=True,
        main_chart="money",
        select=subsidy_budget.select,
        filters=("prefecture",),
        own_source=_("本ポータルの補助金申請と予算の台帳"),
    )
)
