"""Loading the real list of local governments (fixtures/local_governments, from the shared data).

`load_local_governments` is idempotent: run twice, the same rows; a changed population is updated and
nothing is duplicated. Every code's check digit is verified before anything is written.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .japanese import is_valid_code, search_key
from .models import Organization, OrganizationKind, population_band_for

_UPDATE_FIELDS = [
    "code",
    "kind",
    "name",
    "name_kana",
    "name_en",
    "search_key",
    "municipality_type",
    "prefecture",
    "prefecture_code",
    "population",
    "population_date",
    "population_band",
    "website_url",
]


class LoadError(ValueError):
    """A row of a source file is wrong; the message names the file, line and value."""


@dataclass
class LoadResult:
    prefectures: int
    municipalities: int
    national: int


def organization_search_key(*parts: str) -> str:
    """The folded key that directory search matches: name, kana and English name together."""
    return "|".join(search_key(p) for p in parts if p)


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        # Line numbers count the header as line 1.
        return [(index + 2, row) for index, row in enumerate(csv.DictReader(handle))]


def _verified_code(path: Path, line: int, code: str) -> str:
    if not is_valid_code(code):
        raise LoadError(f"{path.name} {line}行目：団体コード {code} の検査数字が正しくありません。")
    return code


def _read(directory: Path) -> tuple[list[Organization], list[tuple[str, Organization]], list[Organization]]:
    prefecture_path = directory / "local_governments" / "prefectures.csv"
    prefectures = [
        Organization(
            slug=_verified_code(prefecture_path, line, row["code"]),
            code=row["code"],
            kind=OrganizationKind.PREFECTURE,
            name=row["name"],
            name_kana=row["name_kana"],
            name_en=row["name_en"],
            search_key=organization_search_key(row["name"], row["name_kana"], row["name_en"]),
            prefecture_code=row["prefecture_code"],
            website_url=row["website_url"],
        )
        for line, row in _rows(prefecture_path)
    ]
    municipality_path = directory / "local_governments" / "municipalities.csv"
    municipalities = []
    for line, row in _rows(municipality_path):
        population = int(row["population"]) if row["population"] else None
        band = row["population_band"]
        if population is not None and band != population_band_for(population):
            raise LoadError(f"{municipality_path.name} {line}行目：人口規模 {band} が人口 {population} と合いません。")
        municipality = Organization(
            slug=_verified_code(municipality_path, line, row["code"]),
            code=row["code"],
            kind=OrganizationKind.MUNICIPALITY,
            name=row["name"],
            name_kana=row["name_kana"],
            name_en=row["name_en"],
            search_key=organization_search_key(row["name"], row["name_kana"], row["name_hiragana"], row["name_en"]),
            municipality_type=row["kind"],
            prefecture_code=row["prefecture_code"],
            population=population,
            population_date=dt.date.fromisoformat(row["population_date"]) if row["population_date"] else None,
            population_band=band,
            website_url=row["website_url"],
        )
        municipalities.append((row["prefecture_code"], municipality))
    national = [
        Organization(
            slug=row["slug"],
            kind=OrganizationKind.NATIONAL,
            name=row["name"],
            name_kana=row["name_kana"],
            name_en=row["name_en"],
            search_key=organization_search_key(row["name"], row["name_kana"], row["name_en"]),
        )
        for _line, row in _rows(directory / "national_agencies.csv")
    ]
    return prefectures, municipalities, national


def load_local_governments(*, directory: Path | None = None) -> LoadResult:
    """Create or update the 47 prefectures, the 1,741 municipalities and the national agencies. Atomic."""
    directory = directory or settings.FIXTURES_DIR
    prefectures, municipalities, national = _read(directory)
    with transaction.atomic():
        _upsert(prefectures + national)
        prefecture_ids = dict(
            Organization.objects.filter(kind=OrganizationKind.PREFECTURE).values_list("prefecture_code", "pk")
        )
        for prefecture_code, municipality in municipalities:
            municipality.prefecture_id = prefecture_ids[prefecture_code]
        _upsert([m for _code, m in municipalities])
    return LoadResult(len(prefectures), len(municipalities), len(national))


def _upsert(organizations: list[Organization]) -> None:
    Organization.objects.bulk_create(
        organizations,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["slug"],
        update_fields=_UPDATE_FIELDS,
    )
