"""Authorization cases for the dashboards' routes (see tests/reliability/authorization.py).

Progress, adoption, joint procurement and KPIs are public. The money dashboard (subsidy-budget) is for local
governments and officials only; what each of them reads (its own scope) is tested in test_subsidy_budget.py.
"""

from dashboards import services
from dashboards.selectors import current_build
from portal.models import Organization
from tests.reliability.authorization import Case

PUBLIC = {"*": 200}
MONEY_PAGE = {"anonymous": 302, "vendor": 403, "*": 200}  # anonymous visitors go to the login page
MONEY_API = {"anonymous": 401, "vendor": 403, "*": 200}


def _built(metric: str, url: str) -> str:
    """The URL, after making sure the metric has a build (a CSV needs numbers to export)."""
    if current_build(metric) is None:
        services.aggregates_build_all(names=[metric])
    return url


def _filter(org: Organization) -> str:
    return f"prefecture={org.slug}" if org.kind == "prefecture" else f"municipality={org.slug}"


CASES = [
    Case("dashboards/", "/dashboards/", PUBLIC),
    Case("dashboards/<slug:name>/", "/dashboards/migration-progress/?prefecture=20", PUBLIC),
    Case("dashboards/<slug:name>.csv", lambda org: _built("kpi", "/dashboards/kpi.csv?chart=kpis"), PUBLIC),
    Case(
        "api/v1/dashboards/<slug:name>/",
        lambda org: _built("migration_progress", "/api/v1/dashboards/migration-progress/?" + _filter(org)),
        PUBLIC,
        scoped=True,
        note="progress is public down to each municipality",
    ),
    Case("dashboards/<slug:name>/", "/dashboards/subsidy-budget/", MONEY_PAGE, note="restricted, scoped per reader"),
    Case(
        "dashboards/<slug:name>.csv",
        lambda org: _built("subsidy_budget", "/dashboards/subsidy-budget.csv?chart=money"),
        MONEY_PAGE,
    ),
    Case(
        "api/v1/dashboards/<slug:name>/",
        lambda org: _built("subsidy_budget", "/api/v1/dashboards/subsidy-budget/"),
        MONEY_API,
    ),
]
