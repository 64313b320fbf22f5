"""Writes the bad-file corpus (tests/imports/corpus/): files as municipalities really send them, most of them wrong.

Run `python tests/imports/make_corpus.py` to regenerate; the files are committed so a reader can open them.
test_corpus.py says what each one must produce.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent / "corpus"

STATUS_HEADER = "団体,業務,進捗,移行予定年度,事業者,ガバメントクラウド利用"
POPULATION_HEADER = "団体,人口"
PROGRAM_HEADER = (
    "コード,名称,種類,所管府省,補助率,上限額,上限の対象,端数処理の単位,都道府県を経由する,受付開始日,受付終了日"
)
BUDGET_HEADER = "補助事業,年度,予算額,予算の名称"
CAP_HEADER = "団体,補助事業,補助上限額"


def program_row(
    rate: str = "1/2", kind: str = "digiden_type2", owner: str = "soumu", dates: str = "2026-04-01,R9.3.31"
) -> str:
    return f"soumu-pilot,自治体DX実証事業,{kind},{owner},{rate},50000000,subsidy,1000,yes,{dates}"


ADOPTION_HEADER = "団体,システム,状況,提供サービス,開始日,備考"
PARTICIPATION_HEADER = "共同調達,団体,回答,コメント,利用量,単独調達の見込額"


def crlf(*lines: str) -> str:
    return "\r\n".join(lines) + "\r\n"


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def files() -> dict[str, bytes]:
    good_row = "205419,住民基本台帳,移行中,2026,株式会社サンプル,yes"
    out: dict[str, bytes] = {
        # Files that are fine, in every encoding they arrive in
        "ok_cp932.csv": crlf(STATUS_HEADER, good_row, "202177,B08,移行完了,,,no").encode("cp932"),
        "ok_utf8_bom.csv": "\ufeff".encode() + crlf(STATUS_HEADER, good_row).encode(),
        "ok_utf8_nobom.csv": crlf("municipality,business,status", "205419,resident_registry,migrating").encode(),
        "ok_zenkaku.csv": crlf(STATUS_HEADER, "２０５４１９,Ｂ０３,移行中,２０２６,　株式会社サンプル　,ｙｅｓ").encode(
            "cp932"
        ),
        "ok_names.csv": crlf(
            STATUS_HEADER, "小布施町,住民基本台帳,移行中,令和8年度,,", "長野県佐久市,国民年金,準備中,R9,,"
        ).encode("cp932"),
        "ok_excel.xlsx": xlsx([STATUS_HEADER.split(","), [205419, "B03", "移行中", 2026, None, "yes"]]),
        "ok_blank_rows.csv": crlf(STATUS_HEADER, good_row, ",,,,,", ",,,,,").encode("cp932"),
        # Whole-file problems
        "empty.csv": b"",
        "blank_lines.csv": b"\r\n\r\n",
        "headers_only.csv": crlf(STATUS_HEADER).encode("cp932"),
        "headers_and_blank_rows.csv": crlf(STATUS_HEADER, ",,,,,", ",,,,,").encode("cp932"),
        "wrong_headers.csv": crlf("code,name,state", "205419,小布施町,移行中").encode("cp932"),
        "extra_column.csv": crlf(STATUS_HEADER + ",備考", good_row + ",確認済み").encode("cp932"),
        "missing_column.csv": crlf("団体,業務", "205419,住民基本台帳").encode("cp932"),
        "duplicate_header.csv": crlf("団体,業務,進捗,status", "205419,B03,移行中,移行中").encode("cp932"),
        "broken.xlsx": xlsx([STATUS_HEADER.split(","), [205419, "B03", "移行中"]])[:700],
        "old_excel.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504,
        "nul_byte.csv": crlf(STATUS_HEADER, good_row, "202177,B03,移行\x00中,,,").encode("cp932"),
        "binary.csv": bytes(range(128, 256)) * 4,
        "bom_then_cp932.csv": "\ufeff".encode()
        + crlf(STATUS_HEADER, good_row).encode()
        + "202177,住民基本台帳,移行中,,,\r\n".encode("cp932"),
        # Row problems
        "bad_check_digit_cp932.csv": crlf(STATUS_HEADER, good_row, "205418,個人住民税,移行中,2026,,").encode("cp932"),
        "unknown_code.csv": crlf(STATUS_HEADER, "205991,住民基本台帳,移行中,,,").encode("cp932"),
        "five_digit_code.csv": crlf(STATUS_HEADER, "20541,住民基本台帳,移行中,,,").encode("cp932"),
        "other_prefecture.csv": crlf(STATUS_HEADER, good_row, "313289,住民基本台帳,移行完了,,,").encode("cp932"),
        "unknown_status.csv": crlf(STATUS_HEADER, "205419,住民基本台帳,完了済,,,").encode("cp932"),
        "unknown_business.csv": crlf(STATUS_HEADER, "205419,住民票,移行中,,,").encode("cp932"),
        "duplicate_rows.csv": crlf(STATUS_HEADER, good_row, "202177,B03,移行中,,,", "205419,B03,移行完了,,,").encode(
            "cp932"
        ),
        "formula_cell.csv": crlf(
            STATUS_HEADER, '205419,B03,移行中,2026,"=HYPERLINK(""http://example.com"",""詳細"")",yes'
        ).encode("cp932"),
        "too_many_cells.csv": crlf(STATUS_HEADER, good_row, "202177,B03,移行中,2026,株式会社A,株式会社B,no").encode(
            "cp932"
        ),
        "too_few_cells.csv": crlf(STATUS_HEADER, good_row, "202177,B03").encode("cp932"),
        "year_out_of_range.csv": crlf(STATUS_HEADER, "205419,B03,移行中,2099,,").encode("cp932"),
        "bad_boolean.csv": crlf(STATUS_HEADER, "205419,B03,移行中,,,たぶん").encode("cp932"),
        "empty_required_cell.csv": crlf(STATUS_HEADER, "205419,B03,,2026,,").encode("cp932"),
        "bad_check_digit.xlsx": xlsx(
            [STATUS_HEADER.split(","), ["205419", "B03", "移行中"], ["202178", "B03", "移行中"]]
        ),
        # Populations (officials)
        "population_negative.csv": crlf(POPULATION_HEADER, "205419,-5").encode("cp932"),
        "population_decimal.csv": crlf(POPULATION_HEADER, "205419,10862.5").encode("cp932"),
        "population_huge.csv": crlf(POPULATION_HEADER, "205419,99999999999").encode("cp932"),
        "population_ambiguous_name.csv": crlf(POPULATION_HEADER, "伊達市,33000").encode("cp932"),
        "population_unknown_name.csv": crlf(POPULATION_HEADER, "架空村,120").encode("cp932"),
        "population_zenkaku_ok.csv": crlf(POPULATION_HEADER, "２０５４１９,\u3000１０，９００\u3000").encode("cp932"),
        # Subsidy programs, budgets and caps (a 総務省 official)
        "subsidy_programs_ok.csv": crlf(PROGRAM_HEADER, program_row()).encode("cp932"),
        "subsidy_programs_rate_above_one.csv": crlf(PROGRAM_HEADER, program_row(rate="2/1")).encode("cp932"),
        "subsidy_programs_rate_as_text.csv": crlf(PROGRAM_HEADER, program_row(rate="半額")).encode("cp932"),
        "subsidy_programs_unknown_kind.csv": crlf(PROGRAM_HEADER, program_row(kind="type9")).encode("cp932"),
        "subsidy_programs_unknown_ministry.csv": crlf(PROGRAM_HEADER, program_row(owner="kasumigaseki")).encode(
            "cp932"
        ),
        "subsidy_programs_dates_reversed.csv": crlf(
            PROGRAM_HEADER, program_row(dates="令和9年4月1日,2027-03-31")
        ).encode("cp932"),
        "subsidy_programs_no_such_date.csv": crlf(
            PROGRAM_HEADER, program_row(dates="令和8年2月30日,2027-03-31")
        ).encode("cp932"),
        "subsidy_budgets_ok.csv": crlf(
            BUDGET_HEADER, "standardization,令和9年度,120000000000,令和9年度当初予算"
        ).encode("cp932"),
        "subsidy_budgets_decimal.csv": crlf(BUDGET_HEADER, "standardization,2027,1200000.5,").encode("cp932"),
        "subsidy_budgets_unknown_program.csv": crlf(BUDGET_HEADER, "type9,2027,1000000,").encode("cp932"),
        "subsidy_budgets_duplicate.csv": crlf(
            BUDGET_HEADER, "standardization,2027,1000000,", "standardization,令和9年度,2000000,"
        ).encode("cp932"),
        "subsidy_caps_ok.csv": crlf(
            CAP_HEADER, "長野県小布施町,standardization,250000000", "202029,standardization,480000000"
        ).encode("cp932"),
        "subsidy_caps_bad_check_digit.csv": crlf(CAP_HEADER, "205418,standardization,250000000").encode("cp932"),
        "subsidy_caps_program_without_caps.csv": crlf(CAP_HEADER, "205419,digiden-type1,250000000").encode("cp932"),
        "subsidy_caps_ambiguous_name.csv": crlf(CAP_HEADER, "伊達市,standardization,250000000").encode("cp932"),
        # Adoptions (test_catalog_kinds.py makes the system corpus-madoguchi and its offerings)
        "adoptions_other_organization.csv": crlf(
            ADOPTION_HEADER, "205419,corpus-madoguchi,利用中,,,", "202177,corpus-madoguchi,検討中,,,"
        ).encode("cp932"),
        "adoptions_unknown_system.csv": crlf(ADOPTION_HEADER, "205419,madoguchi-typo,利用中,,,").encode("cp932"),
        "adoptions_wrong_offering.csv": crlf(
            ADOPTION_HEADER, "205419,corpus-madoguchi,利用中,corpus-other-offering,,"
        ).encode("cp932"),
        "adoptions_bad_date.csv": crlf(ADOPTION_HEADER, "205419,corpus-madoguchi,利用中,,2025-02-30,").encode("cp932"),
        # Participations (test_procurement_kinds.py makes the procurement; {id} is replaced by its id)
        "participations_other_prefecture.csv": crlf(
            PARTICIPATION_HEADER, "{id},205419,参加,,,", "{id},313289,参加,,,"
        ).encode("cp932"),
        "participations_not_invited.csv": crlf(PARTICIPATION_HEADER, "{id},202011,参加,,,").encode("cp932"),
        "participations_invited_answer.csv": crlf(PARTICIPATION_HEADER, "{id},205419,回答待ち,,,").encode("cp932"),
        "participations_negative_estimate.csv": crlf(PARTICIPATION_HEADER, "{id},205419,参加,,10,-1").encode("cp932"),
    }
    return out


def main() -> int:
    HERE.mkdir(exist_ok=True)
    for name, data in files().items():
        (HERE / name).write_bytes(data)
    print(f"wrote {len(files())} files to {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
