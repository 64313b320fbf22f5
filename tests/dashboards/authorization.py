"""Authorization cases for the dashboards' routes (see tests/reliability/authorization.py).

Every dashboard built so far is public (progress, adoption, KPIs); the restricted money dashboard joins with
its own cases. Restricted-dashboard behaviour is tested in test_access_and_charts.py.
"""

from dashboards import services
from dashboards.selectors import current_build
from portal.models import Organization
from tests.reliability.authorization import Case

PUBLIC = {"*": 200}


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
]
