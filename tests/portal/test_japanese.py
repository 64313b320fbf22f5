"""Tests of portal.japanese: fiscal years, 和暦, yen, municipality codes, search keys and business days."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.japanese import (
    add_business_days,
    business_days_between,
    code_check_digit,
    fiscal_year,
    fiscal_year_label,
    fiscal_year_range,
    format_yen,
    format_yen_large,
    holiday_name,
    is_business_day,
    is_valid_code,
    parse_date,
    search_key,
    validate_code,
    wareki,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIRS = (REPO_ROOT.parent / "shared/data", REPO_ROOT / "fixtures/local_governments")


# --- Fiscal year and era -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 31), 2025),
        (date(2026, 4, 1), 2026),
        (date(2025, 1, 1), 2024),
        (date(2025, 12, 31), 2025),
        (datetime(2026, 4, 1, 9, 0, tzinfo=UTC), 2026),
    ],
)
def test_fiscal_year(day, expected):
    assert fiscal_year(day) == expected


@pytest.mark.parametrize(
    ("fy", "label"),
    [
        (2025, "令和7年度"),
        (2020, "令和2年度"),
        (2019, "令和元年度"),
        (2018, "平成30年度"),
        (1989, "平成元年度"),
        (1988, "昭和63年度"),
        (1926, "昭和元年度"),
        (1925, "大正14年度"),
        (1912, "大正元年度"),
        (1868, "明治元年度"),
    ],
)
def test_fiscal_year_label(fy, label):
    assert fiscal_year_label(fy) == label


def test_fiscal_year_label_rejects_non_int_and_pre_meiji():
    with pytest.raises(TypeError):
        fiscal_year_label("2025")
    with pytest.raises(ValueError, match="明治より前"):
        fiscal_year_label(1867)


def test_fiscal_year_range():
    assert fiscal_year_range(2025) == (date(2025, 4, 1), date(2026, 3, 31))


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_fiscal_year_contains_the_date(day):
    fy = fiscal_year(day)
    assert fy in (day.year, day.year - 1)
    first, last = fiscal_year_range(fy)
    assert first <= day <= last


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2025, 4, 1), "令和7年4月1日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(1926, 12, 25), "昭和元年12月25日"),
        (date(1912, 7, 30), "大正元年7月30日"),
        (date(1868, 10, 23), "明治元年10月23日"),
    ],
)
def test_wareki(day, text):
    assert wareki(day) == text


def test_wareki_before_meiji_is_refused():
    with pytest.raises(ValueError, match="明治より前"):
        wareki(date(1868, 10, 22))


# --- Parsing dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-04-01", date(2025, 4, 1)),
        ("2025/4/1", date(2025, 4, 1)),
        ("2025年4月1日", date(2025, 4, 1)),
        ("20250401", date(2025, 4, 1)),
        ("R7.4.1", date(2025, 4, 1)),
        ("R07.04.01", date(2025, 4, 1)),
        ("r7.4.1", date(2025, 4, 1)),
        ("R7/4/1", date(2025, 4, 1)),
        ("令和7年4月1日", date(2025, 4, 1)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("R1.5.1", date(2019, 5, 1)),
        ("H31.4.30", date(2019, 4, 30)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("S64.1.7", date(1989, 1, 7)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("Ｒ７．４．１", date(2025, 4, 1)),
        ("２０２５－０４－０１", date(2025, 4, 1)),
        ("令和７年４月１日", date(2025, 4, 1)),
        ("㋿7年4月1日", date(2025, 4, 1)),
        ("  R7.4.1\u3000", date(2025, 4, 1)),
        ("令和 7 年 4 月 1 日", date(2025, 4, 1)),
    ],
)
def test_parse_date_accepts(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "日付が入力されていません"),
        ("   ", "日付が入力されていません"),
        ("あした", "日付として読めません：あした（例：2025-04-01、R7.4.1、令和7年4月1日）"),
        ("X7.4.1", "日付として読めません"),
        ("2025-02-30", "存在しない日付です：2025-02-30"),
        ("R7.13.1", "存在しない日付です"),
        ("令和1年4月30日", "令和は2019年5月1日に始まります"),
        ("R0.5.1", "令和は2019年5月1日に始まります"),
        ("平成32年1月1日", "平成は2019年4月30日までです"),
        ("H31.5.1", "平成は2019年4月30日までです"),
        ("S64.1.8", "昭和は1989年1月7日までです"),
        ("H1.1.7", "平成は1989年1月8日に始まります"),
    ],
)
def test_parse_date_refuses_with_japanese_message(text, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")) as caught:
        parse_date(text)
    assert message in str(caught.value)


@given(st.dates(min_value=date(1989, 1, 8), max_value=date(2100, 12, 31)))
def test_wareki_round_trip(day):
    assert parse_date(wareki(day)) == day


@given(st.dates(min_value=date(2019, 5, 1), max_value=date(2100, 12, 31)))
def test_reiwa_abbreviation_round_trip(day):
    assert parse_date(f"R{day.year - 2018}.{day.month}.{day.day}") == day


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)))
def test_iso_round_trip(day):
    assert parse_date(day.isoformat()) == day


# --- Money -----------------------------------------------------------------------------------------


def _yen_value(text: str) -> Decimal:
    for suffix, unit in (("億円", 100_000_000), ("万円", 10_000), ("円", 1)):
        if text.endswith(suffix):
            return Decimal(text.removesuffix(suffix).replace(",", "")) * unit
    raise AssertionError(text)


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (1_234_567, "1,234,567円"),
        (-500, "-500円"),
        (0, "0円"),
        (999, "999円"),
    ],
)
def test_format_yen(amount, text):
    assert format_yen(amount) == text


@pytest.mark.parametrize("bad", [1.0, Decimal(1), True, False, "1000", None])
def test_money_refuses_non_int(bad):
    with pytest.raises(TypeError):
        format_yen(bad)
    with pytest.raises(TypeError):
        format_yen_large(bad)


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (0, "0円"),
        (9_999, "9,999円"),
        (10_000, "1万円"),
        (14_999, "1万円"),
        (15_000, "2万円"),
        (45_000_000, "4,500万円"),
        (99_994_999, "9,999万円"),
        (99_995_000, "1億円"),  # 9,999.5万 rounds up to 10,000万, shown as 1億
        (100_000_000, "1億円"),
        (104_999_999, "1億円"),
        (105_000_000, "1.1億円"),
        (1_230_000_000, "12.3億円"),
        (1_234_999_999, "12.3億円"),
        (1_235_000_000, "12.4億円"),
        (182_500_000_000, "1,825億円"),
        (1_234_567_890_123, "12,345.7億円"),
        (-500, "-500円"),
        (-45_000_000, "-4,500万円"),
        (-1_235_000_000, "-12.4億円"),
    ],
)
def test_format_yen_large(amount, text):
    assert format_yen_large(amount) == text


@given(st.integers())
def test_format_yen_round_trip(amount):
    assert int(format_yen(amount).replace(",", "").removesuffix("円")) == amount


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_format_yen_large_is_within_half_a_unit(amount):
    text = format_yen_large(amount)
    value = _yen_value(text)
    if "億" in text:
        assert abs(value - amount) <= 5_000_000
        assert not text.endswith(".0億円")
    elif "万" in text:
        assert abs(value - amount) <= 5_000
        assert abs(value) < 100_000_000
    else:
        assert value == amount


# --- 全国地方公共団体コード ---------------------------------------------------------------------------


def _read_data_csv(name: str) -> list[dict[str, str]]:
    """Return the rows of a shared data file from ../shared/data, else from the copy in fixtures/."""
    for directory in DATA_DIRS:
        path = directory / name
        if path.exists():
            with path.open(encoding="utf-8", newline="") as handle:
                return list(csv.DictReader(handle))
    pytest.fail(f"{name} not found in {[str(d) for d in DATA_DIRS]}")


def test_check_digit_examples():
    assert code_check_digit("01213") == 1  # 苫小牧市: remainder 0 -> 1
    assert code_check_digit("01205") == 0  # 室蘭市: remainder 1 -> 0
    assert code_check_digit("13101") == 6  # 千代田区 131016
    assert is_valid_code("012131")
    assert is_valid_code("012050")
    assert not is_valid_code("012132")


@pytest.mark.parametrize("bad", ["0121", "012133", "0121a", "０１２１３", "", "01 21"])
def test_check_digit_needs_five_ascii_digits(bad):
    with pytest.raises(ValueError, match="5桁"):
        code_check_digit(bad)


@pytest.mark.parametrize("bad", ["01213", "0121311", "01213a", "０１２１３１", " 012131", "", None, 12131])
def test_is_valid_code_is_strict(bad):
    assert not is_valid_code(bad)


def test_every_official_code_passes():
    rows = _read_data_csv("local_government_codes_all.csv")
    assert len(rows) == 1965
    for row in rows:
        assert is_valid_code(row["code"]), row
        assert row["code"][:5] == row["code5"]
        assert validate_code(row["code"]) == row["code"]


def test_validate_code_normalizes():
    assert validate_code(" ０１２１３１\u3000") == "012131"


def test_validate_code_messages():
    with pytest.raises(ValueError) as caught:
        validate_code("012132")
    assert str(caught.value) == "団体コード 012132 の検査数字が正しくありません（正しくは 012131）"
    for bad in ("01213", "0121311", "abcdef", ""):
        with pytest.raises(ValueError, match="6桁の数字"):
            validate_code(bad)


@given(st.text(alphabet="0123456789", min_size=5, max_size=5), st.integers(min_value=1, max_value=9))
def test_changing_the_check_digit_makes_a_code_invalid(code5, shift):
    check = code_check_digit(code5)
    assert is_valid_code(f"{code5}{check}")
    assert not is_valid_code(f"{code5}{(check + shift) % 10}")


# --- Search keys -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "variants",
    [
        ("まどぐち", "マドグチ", "ﾏﾄﾞｸﾞﾁ", "ま ど ぐ ち", "マド・グチ"),
        ("茅ヶ崎", "茅ケ崎", "茅ヵ崎", "茅ゖ崎", "茅け崎"),
        ("しょうないまち", "ショウナイマチ", "ｼﾖｳﾅｲﾏﾁ", "しようないまち"),
        ("abc1", "ＡＢＣ１", "ABC1", "a b c 1", "ａｂｃ\u30001"),
        ("高崎", "髙﨑", "高嵜"),
        ("浜松", "濵松", "濱松"),
        ("渡辺", "渡邊", "渡邉"),
        ("斎藤", "齋藤", "齊藤"),
        ("島田", "嶋田", "嶌田"),
        ("梼原町", "檮原町"),
        ("竜ケ崎", "龍ケ崎", "龍ヶ崎"),
        ("ほっかいどう", "ﾎｯｶｲﾄﾞｳ", "ホッカイドウ"),
    ],
)
def test_search_key_folds_variants_together(variants):
    assert len({search_key(text) for text in variants}) == 1


def test_search_key_examples():
    assert search_key("ﾏﾄﾞｸﾞﾁ") == "まどぐち"
    assert search_key("ＡＢＣ１") == "abc1"
    assert search_key("德桒舘冨瀨曾槇檜國澤櫻廣惠眞藪黑") == "徳桑館富瀬曽槙桧国沢桜広恵真薮黒"
    assert search_key("ヴァイオリン") == "ゔあいおりん"
    assert search_key("") == ""


def test_official_half_width_kana_matches_hiragana_names():
    # The official list writes ｼﾖｳﾅｲﾏﾁ for しょうないまち; both must give the same key for every municipality.
    codes = _read_data_csv("local_government_codes_all.csv")
    official = {row["code"]: row["name_kana_halfwidth"] for row in codes}
    municipalities = _read_data_csv("municipalities.csv")
    assert len(municipalities) == 1741
    for row in municipalities:
        assert search_key(official[row["code"]]) == search_key(row["name_hiragana"]), row["name"]


HIRAGANA = [chr(code) for code in range(0x3041, 0x3097)] + ["ゝ", "ゞ", "ー"]


@given(st.text())
def test_search_key_is_idempotent(text):
    key = search_key(text)
    assert search_key(key) == key


@given(st.text(alphabet=HIRAGANA + list(" 　・ｶﾞｷﾞﾟABCａｂｃ髙﨑濵邉齋嶋ヶヵ\u3099\u309a")))
def test_search_key_is_idempotent_on_japanese_text(text):
    key = search_key(text)
    assert search_key(key) == key


@given(st.text(alphabet=HIRAGANA))
def test_hiragana_and_katakana_fold_equal(text):
    katakana = "".join(chr(ord(char) + 0x60) if char not in "ー" else char for char in text)
    assert search_key(katakana) == search_key(text)


# --- Business days ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "open_"),
    [
        (date(2025, 1, 1), False),  # 元日
        (date(2025, 1, 3), False),  # 年末年始 (a Friday)
        (date(2025, 1, 6), True),
        (date(2025, 5, 6), False),  # 振替休日
        (date(2025, 11, 24), False),  # 振替休日
        (date(2025, 12, 26), True),  # Friday before the closure
        (date(2025, 12, 29), False),  # 年末年始 (a Monday)
        (date(2026, 1, 5), True),  # first Monday after the closure
        (date(2025, 4, 5), False),  # Saturday
        (date(2025, 4, 6), False),  # Sunday
        (date(2025, 4, 7), True),
    ],
)
def test_is_business_day(day, open_):
    assert is_business_day(day) is open_


def test_holiday_name():
    assert holiday_name(date(2025, 1, 1)) == "元日"
    assert holiday_name(date(2025, 5, 6)) == "休日"
    assert holiday_name(date(2025, 12, 29)) is None
    assert holiday_name(date(2025, 4, 7)) is None


def test_add_business_days():
    assert add_business_days(date(2025, 12, 26), 1) == date(2026, 1, 5)
    assert add_business_days(date(2025, 4, 7), 0) == date(2025, 4, 7)
    assert add_business_days(date(2025, 4, 5), 0) == date(2025, 4, 7)  # Saturday -> Monday
    assert add_business_days(date(2025, 5, 2), 1) == date(2025, 5, 7)  # across ゴールデンウィーク
    assert add_business_days(date(2025, 4, 7), 5) == date(2025, 4, 14)
    with pytest.raises(ValueError):
        add_business_days(date(2025, 4, 7), -1)


def test_business_days_between():
    assert business_days_between(date(2025, 12, 26), date(2026, 1, 5)) == 1
    assert business_days_between(date(2025, 4, 7), date(2025, 4, 14)) == 5
    assert business_days_between(date(2025, 4, 7), date(2025, 4, 7)) == 0
    assert business_days_between(date(2025, 4, 14), date(2025, 4, 7)) == 0
    # 2025 has 365 days, 104 weekend days, the 年末年始 closure and weekday holidays.
    assert 240 <= business_days_between(date(2024, 12, 31), date(2025, 12, 31)) <= 245


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)), st.integers(0, 60))
def test_add_and_count_business_days_agree(day, n):
    result = add_business_days(day, n)
    assert is_business_day(result)
    assert result >= day
    if n >= 1 or is_business_day(day):
        assert business_days_between(day, result) == n
