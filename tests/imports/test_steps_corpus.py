"""Step-progress files through both paths: the row path and the set-wise path (PostgreSQL, above
IMPORT_SETWISE_ROWS) must give the same errors, totals and end state — so the corpus is imported twice, once with
the threshold out of reach and once lowered to 0, and the two results are compared (and checked against what a
person must read). Imported as 長野県's staff: 鳥取県's rows are out of reach.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from catalog.models import StepProgress
from portal.imports.kinds import get_kind
from portal.imports.services import Upload, import_preview
from portal.models import AuditEntry, ImportRecord, Organization, User

from .conftest import fingerprint

HEADER = "municipality,business,step,state,reported_month,step_version"
PATHS = ["rows", pytest.param("setwise", marks=pytest.mark.skipif("connection.vendor != 'postgresql'"))]

# file -> [(line, field)] of its errors (the messages are compared between the paths, and a few spelled out)
BAD_FILES: dict[str, tuple[list[str], list[tuple[int, str]]]] = {
    "unknown_code": (["205991,resident_registry,1,done,2026-01,"], [(2, "municipality")]),
    "bad_check_digit": (["205418,resident_registry,1,done,,"], [(2, "municipality")]),
    "other_prefecture": (
        ["205419,resident_registry,1,done,,", "313289,resident_registry,1,done,,"],
        [(3, "municipality")],
    ),
    "unknown_business": (["205419,住民票,1,done,,"], [(2, "business")]),
    "unknown_step": (["205419,resident_registry,99,done,,"], [(2, "step")]),
    "unknown_version": (["205419,resident_registry,1,done,,1999.1"], [(2, "step")]),
    "unknown_state": (["205419,B03,1,finished,,", "202177,B03,2,完了,,"], [(2, "state")]),
    "bad_month": (["205419,B03,1,done,2026-13,"], [(2, "reported_month")]),
    "empty_state": (["205419,B03,1,,2026-01,"], [(2, "state")]),
    "several_in_one_row": (
        ["205419,住民票,x,finished,2026-13,"],
        [(2, "business"), (2, "step"), (2, "state"), (2, "reported_month")],
    ),
    "duplicates": (
        ["205419,B03,1,done,,", "202177,B03,1,done,,", "小布施町,住民基本台帳,1,in_progress,,", "205419,B03,1,done,,"],
        [(4, "municipality"), (5, "municipality")],
    ),
    "bad_rows_everywhere": (
        ["205419,B03,1,done,,", "313289,B03,1,done,,", ",,,,,", "205419,B03,1,done,,", "205419,B03,2,nope,,"],
        [(3, "municipality"), (5, "municipality"), (6, "state")],
    ),
    "too_many_cells": (["205419,B03,1,done,,,extra"], [(2, "")]),
    "headers_only": ([",,,,,", ",,,,,"], [(2, "")]),
}

SHORT_HEADER = "団体,業務,作業手順の番号,状況"  # Japanese headers, no optional columns
SHORT_ROWS = ["205419,B03,1,作業中", "202177,B03,1,done", "205419,B03,4,done"]

GOOD_ROWS = [
    "205419,resident_registry,1,done,2026-01,",
    "２０５４１９,Ｂ０３,２,作業中,令和8年1月,",  # 全角, Japanese state, 和暦 month: the same as 205419/B03/2
    "長野県佐久市,住民基本台帳,3,not_applicable,,2024.1",
    ",,,,,",
    "205419,individual_inhabitant_tax,1,not_started,2026-02,",
    "205419,resident_registry,4,done,,",  # stored as done: skipped
]


@pytest.fixture
def stored(businesses: Any, steps: Any) -> None:
    obuse = Organization.objects.get(code="205419")
    for number, state in ((1, "not_started"), (4, "done")):
        StepProgress.objects.create(
            municipality=obuse, business=businesses["resident_registry"], step=steps[number - 1], state=state
        )


@pytest.fixture
def use_path(settings: Any) -> Any:
    def use(path: str) -> None:
        settings.IMPORT_SETWISE_ROWS = 0 if path == "setwise" else 10**9

    return use


def _post(client: Any, lines: list[str], dry_run: int, header: str = HEADER) -> Any:
    data = "\r\n".join([header, *lines]).encode()
    upload = SimpleUploadedFile("steps.csv", data)
    return client.post(f"/api/v1/imports/migration-steps/?dry_run={dry_run}", {"file": upload}, format="multipart")


def _end_state() -> dict[str, Any]:
    """What both paths must leave behind (ids and the record number, which sequences give, left out)."""
    keys = {p.pk: (p.municipality_id, p.business_id, p.step_id) for p in StepProgress.objects.all()}
    record = ImportRecord.objects.order_by("-pk").first()
    return {
        "rows": sorted(
            StepProgress.objects.values_list("municipality_id", "business_id", "step_id", "state", "reported_month")
        ),
        "audit": sorted(
            (
                keys[int(e.target_id)],
                e.actor_id,
                e.actor_organization_id,
                e.on_behalf_of_id,
                e.target_type_id,
                e.target_repr.split(": ")[1],
                e.action,
                e.comment.replace(f"#{record.pk}", "#") if record else e.comment,
                e.before,
                e.after,
            )
            for e in AuditEntry.objects.filter(action="import")
        ),
        "record": (record.status, record.rows_total, record.count_new, record.count_update, record.count_skip)
        if record
        else None,
    }


def _both(use_path: Any, run: Any) -> list[Any]:
    """Run `run()` on each path from the same starting point; the results in path order."""
    results = []
    for path in ("rows", "setwise"):
        use_path(path)
        savepoint = transaction.savepoint()
        results.append(run())
        transaction.savepoint_rollback(savepoint)
    return results


@pytest.mark.parametrize("name", sorted(BAD_FILES))
@pytest.mark.parametrize("path", PATHS)
def test_bad_file_gives_its_errors_and_changes_nothing(
    name: str, path: str, api_as: Any, stored: Any, use_path: Any
) -> None:
    lines, expected = BAD_FILES[name]
    client = api_as("nagano-pref-staff")
    use_path(path)
    before = fingerprint()
    for dry_run in (1, 0):
        response = _post(client, lines, dry_run)
        assert response.status_code == 400, response.content
        assert [(e["line"], e["field"]) for e in response.json()["errors"]] == expected
        assert fingerprint() == before


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_both_paths_give_the_same_errors_and_totals(name: str, api_as: Any, stored: Any, use_path: Any) -> None:
    client = api_as("nagano-pref-staff")
    rows, setwise = _both(use_path, lambda: _post(client, BAD_FILES[name][0], 1).json())
    assert setwise == rows


def test_some_messages_word_for_word(api_as: Any, stored: Any, use_path: Any) -> None:
    for path in ["rows", "setwise"] if connection.vendor == "postgresql" else ["rows"]:
        use_path(path)
        client = api_as("nagano-pref-staff")
        errors = _post(client, BAD_FILES["duplicates"][0], 1).json()["errors"]
        assert errors[0]["message"] == (
            "4行目は2行目と同じ行（長野県小布施町 住民基本台帳 1）です。重複している行はどちらか一方にしてください。"
        )
        errors = _post(client, BAD_FILES["other_prefecture"][0], 1).json()["errors"]
        assert errors[0]["message"] == "鳥取県智頭町は鳥取県の団体です。長野県の市区町村の行だけを取り込めます。"
        errors = _post(client, BAD_FILES["unknown_version"][0], 1).json()["errors"]
        assert errors[0]["message"] == (
            "作業手順の番号 1 は手順書（版 1999.1）にありません。手順書の番号を確認してください。"
        )


@pytest.mark.parametrize("path", PATHS)
def test_a_good_file_adds_changes_and_skips(path: str, api_as: Any, stored: Any, use_path: Any) -> None:
    use_path(path)
    client = api_as("nagano-pref-staff")
    preview = _post(client, GOOD_ROWS, 1).json()
    assert preview["totals"] == {"new": 3, "update": 1, "skip": 1, "error": 0}
    response = _post(client, GOOD_ROWS, 0)
    assert response.status_code == 200, response.content
    row = StepProgress.objects.get(municipality__code="205419", business__slug="resident_registry", step__number=2)
    assert (row.state, str(row.reported_month)) == ("in_progress", "2026-01-01")
    changed = StepProgress.objects.get(municipality__code="205419", business__slug="resident_registry", step__number=1)
    entry = AuditEntry.objects.get(target_id=str(changed.pk), action="import")
    assert entry.before == {"state": "not_started", "reported_month": None}
    assert entry.after == {"state": "done", "reported_month": "2026-01-01"}
    assert entry.on_behalf_of is not None and entry.on_behalf_of.code == "205419"
    assert AuditEntry.objects.filter(action="import").count() == 4  # the skipped row has none


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_both_paths_leave_the_same_end_state(api_as: Any, stored: Any, use_path: Any) -> None:
    client = api_as("nagano-pref-staff")

    kind = get_kind("migration-steps")
    user = User.objects.get(username="nagano-pref-staff")
    data = "\r\n".join([HEADER, *GOOD_ROWS]).encode()

    def run() -> Any:
        rows = import_preview(kind=kind, actor=user, upload=Upload(name="steps.csv", data=data)).rows
        preview = _post(client, GOOD_ROWS, 1).json()
        applied = _post(client, GOOD_ROWS, 0).json()
        return rows, preview, applied["totals"], _end_state()

    rows, setwise = _both(use_path, run)
    assert setwise == rows


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_both_paths_take_a_file_without_the_optional_columns(api_as: Any, stored: Any, use_path: Any) -> None:
    client = api_as("nagano-pref-staff")

    def run() -> Any:
        applied = _post(client, SHORT_ROWS, 0, SHORT_HEADER).json()
        return applied["totals"], _end_state()

    rows, setwise = _both(use_path, run)
    assert rows[0] == {"new": 1, "update": 1, "skip": 1, "error": 0}
    assert setwise == rows
