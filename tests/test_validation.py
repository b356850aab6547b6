"""Every finding class, on a template made by `unionxl new` and filled by another program."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from unionxl.contract.errors import UnusableWorkbook
from unionxl.reading.reader import load_book
from unionxl.core.validate import validate_book, validate_path
from tests.fill import fill

D = dt.date


def base_rows() -> dict[str, list[dict[str, object]]]:
    """A small, fully consistent 2026 workbook: validates with no finding at all."""
    return {
        "members": [
            dict(member_id="GH001", name="张三", gender="男", birth_date=D(1980, 5, 10), group="语文组",
                 join_date=D(2010, 9, 1), status="在职", wage=5437, m1=27.15, m2=27.15, m3=27.15),
            dict(member_id="GH002", name="李四", gender="女", birth_date=D(1975, 3, 2), group="数学组",
                 join_date=D(2005, 9, 1), status="在职", wage=6000, m1=30, m2=30, m3=30),
            dict(member_id="GH003", name="王五", gender="男", birth_date=D(1970, 1, 15), group="行政后勤组",
                 join_date=D(2000, 9, 1), status="调离", status_date=D(2026, 2, 28), wage=4000, m1=20, m2=20),
            dict(member_id="GH004", name="赵六", gender="女", birth_date=D(1960, 8, 1), group="退休组",
                 join_date=D(1990, 9, 1), status="退休", status_date=D(2020, 8, 31)),
        ],
        "journal": [
            dict(date=D(2026, 1, 25), voucher="记-202601-001", summary="收1月会费", direction="收入", category="会费收入", amount=77.15),
            dict(date=D(2026, 2, 25), voucher="记-202602-001", summary="收2月会费", direction="收入", category="会费收入", amount=77.15),
            dict(date=D(2026, 3, 25), voucher="记-202603-001", summary="收3月会费", direction="收入", category="会费收入", amount=57.15),
            dict(date=D(2026, 3, 10), voucher="记-202603-002", summary="李四住院慰问", direction="支出", category="会员活动", amount=500),
            dict(date=D(2026, 3, 5), voucher="记-202603-003", summary="3月生日慰问", direction="支出", category="会员活动", amount=50),
        ],
        "visits": [
            dict(date=D(2026, 3, 10), member_id="GH002", name="李四", visit_type="生病住院", reason="住院",
                 amount=500, form="慰问金", handler="王丽", voucher="记-202603-002"),
            dict(date=D(2026, 3, 5), member_id="GH002", name="李四", visit_type="生日慰问", reason="生日蛋糕券",
                 amount=50, form="慰问品", handler="王丽", voucher="记-202603-003"),
        ],
        "calendar": [
            dict(month=3, date=D(2026, 3, 8), activity="三八节活动", category="文体活动", owner="女工委员",
                 budget_item="文体活动", budget=1000, actual=800, participants=30, status="已完成"),
        ],
    }


def make(template: Path, change: tuple = ()) -> Path:
    rows = copy.deepcopy(base_rows())
    for sheet, index, key, value in change:
        if index >= len(rows[sheet]):
            rows[sheet].append(dict(rows[sheet][-1]))
        rows[sheet][index][key] = value
    fill(template, rows)
    return template


def keys(path: Path) -> set[tuple[str, str, str]]:
    return {(f.rule, f.severity, f.cell) for f in validate_path(path).findings}


def test_consistent_workbook_has_no_finding(template: Path) -> None:
    result = validate_path(make(template))
    assert result.findings == []
    assert result.usable


CASES = [
    # (sheet, row index, column key, value) changes → expected (rule, severity, cell)
    ([("members", 2, "m3", 20)], ("member-left-dues", "error", "会员台账!M4")),
    ([("members", 1, "member_id", "GH001")], ("member-duplicate-id", "error", "会员台账!A3")),
    ([("members", 2, "status_date", None)], ("status-date-missing", "warning", "会员台账!H4")),
    ([("members", 0, "m2", 27.1)], ("dues-amount-mismatch", "warning", "会员台账!L2")),
    ([("visits", 0, "name", "李思")], ("member-name-mismatch", "error", "慰问记录!C2")),
    ([("visits", 0, "member_id", "GH099")], ("member-unknown", "error", "慰问记录!B2")),
    ([("visits", 2, "date", D(2026, 3, 20)), ("visits", 2, "member_id", "GH003"), ("visits", 2, "name", "王五"),
      ("visits", 2, "visit_type", "生病住院"), ("visits", 2, "voucher", None), ("visits", 2, "amount", 0),
      ("visits", 2, "form", "走访")], ("member-left-visit", "error", "慰问记录!A4")),
    ([("visits", 2, "date", D(2026, 3, 20)), ("visits", 2, "voucher", None)], ("birthday-duplicate", "error", "慰问记录!D4")),
    ([("visits", 1, "date", D(2026, 4, 5))], ("birthday-month", "warning", "慰问记录!A3")),
    ([("visits", 0, "amount", 600)], ("voucher-amount-mismatch", "error", "慰问记录!F2")),
    ([("visits", 0, "voucher", "记-999")], ("voucher-missing", "error", "慰问记录!I2")),
    ([("visits", 0, "date", "昨天")], ("type-date", "error", "慰问记录!A2")),
    ([("visits", 0, "form", "现金")], ("choice-invalid", "error", "慰问记录!G2")),
    ([("journal", 0, "amount", 70)], ("dues-journal-mismatch", "error", "经费预算!F2")),
    ([("journal", 4, "amount", "五十")], ("type-money", "error", "收支明细!F6")),
    ([("journal", 4, "date", D(2025, 3, 5))], ("date-out-of-year", "error", "收支明细!A6")),
    ([("journal", 4, "category", "餐费")], ("choice-invalid", "error", "收支明细!E6")),
    ([("journal", 3, "summary", None)], ("required-missing", "error", "收支明细!C5")),
    ([("journal", 3, "direction", "收入")], ("category-direction", "error", "收支明细!D5")),
    ([("calendar", 0, "budget", "1,000.00元")], ("number-as-text", "warning", "活动日历!G2")),
    ([("calendar", 0, "actual", -5)], ("money-negative", "error", "活动日历!H2")),
    ([("calendar", 0, "budget", 1000.005)], ("money-precision", "error", "活动日历!G2")),
    ([("calendar", 0, "date", "2026年3月8日")], ("date-as-text", "warning", "活动日历!B2")),
    ([("calendar", 0, "date", "２０２６.3.8")], ("date-as-text", "warning", "活动日历!B2")),
    ([("calendar", 0, "month", 4)], ("calendar-month-mismatch", "warning", "活动日历!A2")),
    ([("calendar", 0, "participants", 30.5)], ("type-int", "error", "活动日历!I2")),
    ([("members", 0, "monthly_dues", 27.15)], ("formula-overwritten", "warning", "会员台账!J2")),
]


@pytest.mark.parametrize(("change", "expected"), CASES, ids=[c[1][0] + "@" + c[1][2] for c in CASES])
def test_finding_reported_at_its_cell(template: Path, change: list, expected: tuple[str, str, str]) -> None:
    assert expected in keys(make(template, tuple(change)))


def test_visit_after_death_is_allowed_for_own_death(template: Path) -> None:
    change = [("visits", 2, "date", D(2026, 3, 20)), ("visits", 2, "member_id", "GH003"), ("visits", 2, "name", "王五"),
              ("visits", 2, "visit_type", "本人去世"), ("visits", 2, "voucher", None), ("visits", 2, "amount", 0),
              ("visits", 2, "form", "走访")]
    assert validate_path(make(template, tuple(change))).findings == []


def test_lenient_values_are_read(template: Path) -> None:
    book = load_book(make(template, (("calendar", 0, "budget", "￥1,000.50元"), ("calendar", 0, "date", "2026/3/8"))))
    row = book["calendar"].data.iloc[0]
    assert row["budget"] == 100050
    assert row["date"] == dt.datetime(2026, 3, 8)


def test_missing_column_makes_book_unusable(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    wb["会员台账"]["B1"] = "名字"
    wb.save(template)
    result = validate_path(template)
    assert not result.usable
    assert ("column-missing", "error", "会员台账!B1") in {(f.rule, f.severity, f.cell) for f in result.findings}
    assert "姓名" in result.unusable_reason()


def test_missing_sheet_makes_book_unusable(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    del wb["慰问记录"]
    wb.save(template)
    result = validate_path(template)
    assert not result.usable
    assert [(f.rule, f.cell) for f in result.findings] == [("sheet-missing", "慰问记录")]


def test_reordered_columns_are_found_by_header(template: Path) -> None:
    make(template)
    wb = openpyxl.load_workbook(template)
    ws = wb["慰问记录"]
    ws.move_range("K1:K3", cols=0)
    ws.insert_cols(1)  # shift everything one column right: headers are found by name
    wb.save(template)
    book = load_book(template)
    assert book["visits"].cell("name", 2) == "慰问记录!D2"
    assert validate_book(book).findings == []


@pytest.mark.parametrize(("content", "reason"), [
    (b"not a workbook", "不是 Excel 工作簿"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"), "加密"),
    (b"PK\x03\x04broken", "损坏"),
])
def test_unusable_files_raise_with_chinese_reason(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "book.xlsx"
    path.write_bytes(content)
    with pytest.raises(UnusableWorkbook, match=reason):
        load_book(path)


def test_findings_sorted_by_sheet_then_row(template: Path) -> None:
    change = (("journal", 4, "amount", "五十"), ("visits", 0, "form", "现金"), ("calendar", 0, "actual", -5))
    cells = [f.cell for f in validate_path(make(template, change)).findings]
    assert cells.index("活动日历!H2") < cells.index("慰问记录!G2") < cells.index("收支明细!F6")
