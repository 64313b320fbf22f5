"""Loading the real list of local governments."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from portal.local_governments import load_local_governments
from portal.models import Organization, OrganizationKind


@pytest.mark.django_db
def test_the_real_list_is_loaded():
    organizations = Organization.objects
    assert organizations.filter(kind=OrganizationKind.PREFECTURE).count() == 47
    assert organizations.filter(kind=OrganizationKind.MUNICIPALITY).count() == 1741
    assert organizations.filter(municipality_type="special_ward").count() == 23
    chiyoda = organizations.get(code="131016")
    assert (chiyoda.name, chiyoda.prefecture.name, chiyoda.prefecture_code) == ("千代田区", "東京都", "13")
    national = set(organizations.filter(kind=OrganizationKind.NATIONAL).values_list("name", flat=True))
    assert {"デジタル庁", "総務省", "内閣府", "厚生労働省", "文部科学省", "法務省", "こども家庭庁"} <= national


@pytest.mark.django_db
def test_loading_twice_changes_nothing_and_updates_population(tmp_path: Path):
    before = list(Organization.objects.order_by("slug").values())
    load_local_governments()
    assert list(Organization.objects.order_by("slug").values()) == before

    directory = _copy_fixtures(tmp_path)
    path = directory / "local_governments" / "municipalities.csv"
    text = path.read_text(encoding="utf-8")
    # 小布施町: 11,020 people in the data; a later count of 9,876 moves it to the 5k–10k band.
    path.write_text(text.replace(",11020,2022-01-01,10k-30k,", ",9876,2022-01-01,5k-10k,"), encoding="utf-8")
    load_local_governments(directory=directory)
    obuse = Organization.objects.get(code="205419")
    assert (obuse.population, obuse.population_band) == (9876, "5k-10k")
    assert Organization.objects.count() == len(before)


@pytest.mark.django_db
def test_a_wrong_check_digit_is_refused_naming_the_row(tmp_path: Path):
    directory = _copy_fixtures(tmp_path)
    path = directory / "local_governments" / "municipalities.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace("012033", "012034", 1)  # 小樽市 with a wrong check digit
    path.write_text("".join(lines), encoding="utf-8")
    before = Organization.objects.count()
    with pytest.raises(CommandError, match=r"municipalities.csv 4行目：団体コード 012034 の検査数字が正しくありません"):
        settings_dir = settings.FIXTURES_DIR
        try:
            settings.FIXTURES_DIR = directory
            call_command("load_local_governments")
        finally:
            settings.FIXTURES_DIR = settings_dir
    assert Organization.objects.count() == before
    assert Organization.objects.filter(code="012033").exists()


def _copy_fixtures(tmp_path: Path) -> Path:
    directory = tmp_path / "fixtures"
    shutil.copytree(settings.FIXTURES_DIR / "local_governments", directory / "local_governments")
    shutil.copy(settings.FIXTURES_DIR / "national_agencies.csv", directory / "national_agencies.csv")
    return directory
