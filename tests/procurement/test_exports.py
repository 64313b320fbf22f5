"""Joint procurements download as CSV with the same filters and the caller's scope."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_joint_procurements_csv_uses_the_filters_and_scope(register: Any, api_as: Any, api: Any) -> None:
    register(title="出力確認用 電子申請共同調達")
    register(title="出力確認用 非公開の計画", status="planning")
    url = "/api/v1/procurement/joint-procurements/?format=csv&q=出力確認用"
    own = api_as("nagano-pref-staff").get(url)
    assert own.status_code == 200
    assert own["Content-Disposition"].startswith('attachment; filename="joint_procurements_')
    titles = sorted(r["title"] for r in csv.DictReader(io.StringIO(own.content.decode("utf-8-sig"))))
    assert titles == ["出力確認用 電子申請共同調達", "出力確認用 非公開の計画"]
    public = api.get(url + "&encoding=cp932")
    titles = [r["title"] for r in csv.DictReader(io.StringIO(public.content.decode("cp932")))]
    assert titles == ["出力確認用 電子申請共同調達"]
