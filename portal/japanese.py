"""Japanese conventions used across the portal, in one place.

Fiscal years (年度) and era names (和暦), dates typed in 和暦, yen amounts, the check digit of the
全国地方公共団体コード, search-key folding, and business days (開庁日). Pure Python: no Django imports.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import NamedTuple

__all__ = [
    "add_business_days",
    "business_days_between",
    "code_check_digit",
    "fiscal_year",
    "fiscal_year_label",
    "fiscal_year_range",
    "format_yen",
    "format_yen_large",
    "holiday_name",
    "is_business_day",
    "is_valid_code",
    "parse_date",
    "search_key",
    "validate_code",
    "wareki",
]

HOLIDAYS_CSV = Path(__file__).resolve().parents[1] / "fixtures" / "holidays_jp.csv"


def _as_date(d: date) -> date:
    # A datetime is a date too, but mixing the two breaks comparisons and dict look-ups.
    return d.date() if isinstance(d, datetime) else d


def _require_int(n: object) -> int:
    # bool is an int subclass; True円 is always a bug. Floats and Decimals are refused: money is int yen.
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"expected an int, got {type(n).__name__}")
    return n


# --- Fiscal year (年度) and era (元号) ----------------------------------------------------------


class Era(NamedTuple):
    name: str  # 令和
    letter: str  # R
    start: date  # first day of the era


# Newest first. Meiji counts from its proclamation (1868-10-23 in the Gregorian calendar).
ERAS: tuple[Era, ...] = (
    Era("令和", "R", date(2019, 5, 1)),
    Era("平成", "H", date(1989, 1, 8)),
    Era("昭和", "S", date(1926, 12, 25)),
    Era("大正", "T", date(1912, 7, 30)),
    Era("明治", "M", date(1868, 10, 23)),
)


def _era_end(era: Era) -> date | None:
    index = ERAS.index(era)
    return ERAS[index - 1].start - timedelta(days=1) if index > 0 else None


def _era_of(d: date) -> Era:
    for era in ERAS:
        if d >= era.start:
            return era
    raise ValueError(f"明治より前の日付は和暦で表せません：{d.isoformat()}")


def _era_year(era: Era, year: int) -> str:
    number = year - era.start.year + 1
    return "元" if number == 1 else str(number)


def fiscal_year(d: date) -> int:
    """Return the fiscal year (年度) containing d: April 1 - March 31, named by the April year."""
    return d.year if d.month >= 4 else d.year - 1


def fiscal_year_range(fy: int) -> tuple[date, date]:
    """Return the first and last day (April 1, March 31) of fiscal year fy."""
    fy = _require_int(fy)
    return date(fy, 4, 1), date(fy + 1, 3, 31)


def fiscal_year_label(fy: int) -> str:
    """Return fiscal year fy in the era in force on its December 31 (令和7年度), year 1 as 元年."""
    era = _era_of(date(_require_int(fy), 12, 31))
    return f"{era.name}{_era_year(era, fy)}年度"


def wareki(d: date) -> str:
    """Return d in the Japanese calendar, e.g. 令和7年4月1日 (元年 for year 1, no zero padding)."""
    d = _as_date(d)
    era = _era_of(d)
    return f"{era.name}{_era_year(era, d.year)}年{d.month}月{d.day}日"


# --- Parsing dates typed by people -----------------------------------------------------------------

_SEP_Y = r"\s*(?:年|[./-])\s*"
_SEP_M = r"\s*(?:月|[./-])\s*"
# re.ASCII: \d means 0-9 only (NFKC has already turned full-width digits into ASCII ones).
_WESTERN_RE = re.compile(
    rf"(?P<year>\d{{4}}){_SEP_Y}(?P<month>\d{{1,2}}){_SEP_M}(?P<day>\d{{1,2}})\s*日?",
    re.ASCII,
)
_COMPACT_RE = re.compile(r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})", re.ASCII)
_ERA_BY_KEY = {key: era for era in ERAS for key in (era.name, era.letter)}
_WAREKI_RE = re.compile(
    rf"(?P<era>[MTSHR]|明治|大正|昭和|平成|令和)\s*(?P<year>\d{{1,2}}|元)"
    rf"{_SEP_Y}(?P<month>\d{{1,2}}){_SEP_M}(?P<day>\d{{1,2}})\s*日?",
    re.ASCII,
)
_EXAMPLES = "（例：2025-04-01、R7.4.1、令和7年4月1日）"


def _make_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"存在しない日付です：{text}") from None


def _format_ymd(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def parse_date(text: str) -> date:
    """Return the date in ISO (2025-04-01, 2025/4/1) or 和暦 (R7.4.1, 令和7年4月1日), else ValueError."""
    if not isinstance(text, str):
        raise TypeError(f"expected a str, got {type(text).__name__}")
    shown = text.strip()
    normalized = unicodedata.normalize("NFKC", text).strip().upper()
    if not normalized:
        raise ValueError(f"日付が入力されていません{_EXAMPLES}")
    for pattern in (_WESTERN_RE, _COMPACT_RE):
        match = pattern.fullmatch(normalized)
        if match:
            return _make_date(int(match["year"]), int(match["month"]), int(match["day"]), shown)
    match = _WAREKI_RE.fullmatch(normalized)
    if not match:
        raise ValueError(f"日付として読めません：{shown}{_EXAMPLES}")
    era = _ERA_BY_KEY[match["era"]]
    number = 1 if match["year"] == "元" else int(match["year"])
    result = _make_date(era.start.year + number - 1, int(match["month"]), int(match["day"]), shown)
    end = _era_end(era)
    outside = f"{shown} は{era.name}の期間外です"
    if result < era.start:
        raise ValueError(f"{outside}（{era.name}は{_format_ymd(era.start)}に始まります）")
    if end is not None and result > end:
        raise ValueError(f"{outside}（{era.name}は{_format_ymd(end)}までです）")
    return result


# --- Money: integer yen ------------------------------------------------------------------------

_MAN = 10_000
_OKU = 100_000_000


def format_yen(n: int) -> str:
    """Return int yen with thousands separators, e.g. 1,234,567円 or -500円; TypeError for non-int."""
    return f"{_require_int(n):,}円"


def format_yen_large(n: int) -> str:
    """Return int yen for dashboards: 12.3億円 or 4,500万円 (rounded half-up), under 1万 as format_yen."""
    n = _require_int(n)
    sign, amount = ("-" if n < 0 else ""), abs(n)  # rounding is half away from zero
    if amount < _MAN:
        return format_yen(n)
    if amount < _OKU:
        man = (amount + _MAN // 2) // _MAN
        if man < _MAN:
            return f"{sign}{man:,}万円"
        amount = _OKU  # 9,999.5万 or more rounds to 1億
    tenths = (amount + _OKU // 20) // (_OKU // 10)
    whole, fraction = divmod(tenths, 10)
    shown = f"{whole:,}" if fraction == 0 else f"{whole:,}.{fraction}"
    return f"{sign}{shown}億円"


# --- 全国地方公共団体コード ----------------------------------------------------------------------

_WEIGHTS = (6, 5, 4, 3, 2)


def _is_ascii_digits(text: object, length: int) -> bool:
    return isinstance(text, str) and len(text) == length and text.isascii() and text.isdigit()


def code_check_digit(code5: str) -> int:
    """Return the check digit of a 5-digit code: (11 - (6·d1+5·d2+4·d3+3·d4+2·d5) mod 11) mod 10."""
    if not _is_ascii_digits(code5, 5):
        raise ValueError(f"団体コードの上5桁は5桁の数字で指定してください：{code5}")
    total = sum(weight * int(digit) for weight, digit in zip(_WEIGHTS, code5, strict=True))
    return (11 - total % 11) % 10


def is_valid_code(code: str) -> bool:
    """Return True exactly when code is 6 ASCII digits whose last digit is the correct check digit."""
    return _is_ascii_digits(code, 6) and code_check_digit(code[:5]) == int(code[5])


def validate_code(code: str) -> str:
    """Return the code normalized (NFKC, stripped) if valid, else raise ValueError with a Japanese message."""
    if not isinstance(code, str):
        raise TypeError(f"expected a str, got {type(code).__name__}")
    normalized = unicodedata.normalize("NFKC", code).strip()
    if not _is_ascii_digits(normalized, 6):
        raise ValueError(f"団体コードは6桁の数字で入力してください：{normalized or '（空欄）'}")
    expected = f"{normalized[:5]}{code_check_digit(normalized[:5])}"
    if normalized != expected:
        raise ValueError(f"団体コード {normalized} の検査数字が正しくありません（正しくは {expected}）")
    return normalized


# --- Search keys -----------------------------------------------------------------------------

# 異体字 often found in place and personal names -> the usual form.
_VARIANTS = dict(
    zip(
        "髙﨑嵜濵濱邊邉齋齊嶋嶌德桒舘冨瀨曾槇檜龍國澤櫻廣惠眞藪黑檮",
        "高崎崎浜浜辺辺斎斎島島徳桑館富瀬曽槙桧竜国沢桜広恵真薮黒梼",
        strict=True,
    )
)
_SMALL_TO_LARGE = dict(zip("ぁぃぅぇぉっゃゅょゎゕゖ", "あいうえおつやゆよわけけ", strict=True))
_DROPPED = "・·\u200b\u200c\u200d\u2060\ufeff"  # middle dots and zero-width characters


def _fold_kana(char: str) -> str:
    code = ord(char)
    if 0x30A1 <= code <= 0x30F6 or code in (0x30FD, 0x30FE):  # katakana ァ..ヶ, ヽ ヾ -> hiragana
        char = chr(code - 0x60)
    return _SMALL_TO_LARGE.get(char, char)


def _build_search_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {ord(k): v for k, v in _VARIANTS.items()}
    for code in (*range(0x3041, 0x3097), *range(0x30A1, 0x30F7), 0x30FD, 0x30FE):
        folded = _fold_kana(chr(code))
        if folded != chr(code):
            table[code] = folded
    # Every whitespace character sits below U+3001 (U+3000 is the ideographic space).
    table.update({code: None for code in range(0x3001) if chr(code).isspace()})
    table.update({ord(char): None for char in _DROPPED})
    return table


_SEARCH_TABLE = _build_search_table()


def _fold_once(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower().translate(_SEARCH_TABLE)


def search_key(text: str) -> str:
    """Return an idempotent match key: NFKC, lower, hiragana, large kana, ヶ→け, usual 字体, no spaces."""
    # Deleting a space can bring a combining mark next to a kana, which NFKC then composes,
    # so fold until nothing changes (one or two rounds in practice).
    folded = _fold_once(text)
    for _ in range(8):
        again = _fold_once(folded)
        if again == folded:
            break
        folded = again
    return folded


# --- Business days (開庁日) ------------------------------------------------------------------------


@cache
def _holidays() -> dict[date, str]:
    # The file (内閣府 syukujitsu.csv) lists announced holidays only, through 2027 at present; later
    # dates count weekends and 年末年始 alone until the file is refreshed.
    with HOLIDAYS_CSV.open(encoding="utf-8", newline="") as handle:
        return {date.fromisoformat(row["date"]): row["name_ja"] for row in csv.DictReader(handle)}


def holiday_name(d: date) -> str | None:
    """Return the Japanese name of the national holiday on d (from holidays_jp.csv), or None."""
    return _holidays().get(_as_date(d))


def _is_new_year_closure(d: date) -> bool:
    return (d.month == 12 and d.day >= 29) or (d.month == 1 and d.day <= 3)


def is_business_day(d: date) -> bool:
    """Return False on weekends, holidays in holidays_jp.csv and December 29 - January 3; else True."""
    d = _as_date(d)
    return d.weekday() < 5 and not _is_new_year_closure(d) and d not in _holidays()


def add_business_days(d: date, n: int) -> date:
    """Return the n-th business day after d (n >= 1); for n = 0, d if open, else the next business day."""
    d, n = _as_date(d), _require_int(n)
    if n < 0:
        raise ValueError("n must be 0 or more")
    if n == 0:
        while not is_business_day(d):
            d += timedelta(days=1)
        return d
    while n > 0:
        d += timedelta(days=1)
        if is_business_day(d):
            n -= 1
    return d


def business_days_between(start: date, end: date) -> int:
    """Return how many business days lie in (start, end]; 0 when end <= start."""
    start, end = _as_date(start), _as_date(end)
    days = (end - start).days
    return sum(1 for offset in range(1, days + 1) if is_business_day(start + timedelta(days=offset)))
