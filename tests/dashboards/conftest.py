from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from catalog.models import MigrationStatusValue as S
from catalog.models import PublishedSnapshotKind, Source, StepState

from . import factories as f

NAGANO = "20"
TOTTORI = "31"


@pytest.fixture
def progress_data(db: Any) -> dict[str, Any]:
    """Three businesses; a handful of municipalities in 長野県 and 鳥取県 with statuses, published rates,
    designated systems (including a prefecture's own and 共通機能) and step reports."""
    f.set_aside_catalog_data()
    b1, b2, b3 = f.businesses(3)
    obuse, saku, chizu = f.org("205419"), f.org("202177"), f.org("313289")
    nagano_pref = f.org("200000")
    rates = f.snapshot(PublishedSnapshotKind.PROGRESS_RATES, dt.date(2026, 1, 1))
    desig = f.snapshot(
        PublishedSnapshotKind.DESIGNATED_SYSTEMS,
        dt.date(2025, 12, 1),
        "デジタル庁「特定移行支援システムの該当見込み一覧」",
    )
    f.migration_status(obuse, b1, S.MIGRATED, step_completion="1.0000", on_gov_cloud=True)
    f.migration_status(obuse, b2, S.MIGRATING, step_completion="0.5000", source=Source.REPORTED)
    f.migration_status(obuse, b3, S.DESIGNATED_HARD, planned_fiscal_year=2027)
    f.migration_status(saku, b1, S.MIGRATED, on_gov_cloud=False)
    f.migration_status(saku, b2, S.NOT_STARTED)
    # saku has no row for b3: counted as "no data", never guessed
    f.migration_status(chizu, b1, S.MIGRATING)
    f.migration_status(chizu, b2, S.MIGRATED)
    f.migration_status(chizu, b3, S.MIGRATED)
    for m, b, v in [(obuse, b1, "1"), (obuse, b2, "0.5"), (saku, b1, "1"), (chizu, b1, "0.25")]:
        f.rate(rates, m, b, v)
    f.designated(desig, obuse, b3, planned_fiscal_year=2027)
    f.designated(desig, obuse, None)  # 共通機能
    f.designated(desig, nagano_pref, b2)
    f.designated(desig, chizu, b1)
    f.step_progress(obuse, b1, [StepState.DONE, StepState.DONE, StepState.NOT_APPLICABLE, StepState.IN_PROGRESS])
    f.step_progress(saku, b1, [StepState.DONE, StepState.NOT_STARTED, StepState.NOT_STARTED, StepState.NOT_STARTED])
    return {"businesses": [b1, b2, b3], "obuse": obuse, "saku": saku, "chizu": chizu}


@pytest.fixture
def no_catalog_data(db: Any) -> None:
    f.set_aside_catalog_data()
