"""The bad-input corpus: malformed workbooks a treasurer's files really turn into.

`python tests/corpus.py OUTDIR` writes every case; tests/test_corpus.py runs `unionxl
validate --json` on each and asserts its outcome: the findings it must contain (rule and
exact cell), or exit code 2 with a one-line Chinese reason. Each case is built from a
clean, consistent workbook (tests.test_validation.base_rows) by one change.
"""

from __future__ import annotations

import datetime as dt
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.test_validation import make  # noqa: E402
from unionxl.master.template import write_master  # noqa: E402

Builder = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    name: str
    build: Builder
    exit_code: int
    findings: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    reason: str = ""


def _clean(path: Path, change: tuple = ()) -> None:
    write_master(path, {"union_name": "语料测试小学工会委员会", "year": 2026, "province": "湖北"})
    make(path, change)


def _edit(change: tuple = (), sheet_edit: Callable[[openpyxl.Workbook], None] | None = None) -> Builder:
    def build(path: Path) -> None:
        _clean(path, change)
        if sheet_edit is not None:
            wb = openpyxl.load_workbook(path)
            sheet_edit(wb)
            wb.save(path)
    return build


def _bytes(content: bytes) -> Builder:
    return lambda path: path.write_bytes(content)


def _cells(title: str, values: dict[str, object], error: bool = False) -> Callable[[openpyxl.Workbook], None]:
    def edit(wb: openpyxl.Workbook) -> None:
        for ref, value in values.items():
            wb[title][ref] = value
            if error:
                wb[title][ref].data_type = "e"
            elif isinstance(value, str) and value.startswith("="):
                wb[title][ref].data_type = "s"
    return edit


def _delete_sheet(title: str) -> Callable[[openpyxl.Workbook], None]:
    return lambda wb: wb.remove(wb[title])


def _rename_sheet(title: str, new: str) -> Callable[[openpyxl.Workbook], None]:
    def edit(wb: openpyxl.Workbook) -> None:
        wb[title].title = new
    return edit


def _insert_rows(title: str, at: int, count: int) -> Callable[[openpyxl.Workbook], None]:
    return lambda wb: wb[title].insert_rows(at, count)


def _merge(title: str, area: str) -> Callable[[openpyxl.Workbook], None]:
    return lambda wb: wb[title].merge_cells(area)


def _hide_row(title: str, row: int) -> Callable[[openpyxl.Workbook], None]:
    def edit(wb: openpyxl.Workbook) -> None:
        wb[title].row_dimensions[row].hidden = True
    return edit


def _protect(title: str) -> Callable[[openpyxl.Workbook], None]:
    def edit(wb: openpyxl.Workbook) -> None:
        wb[title].protection.sheet = True
        wb[title].protection.password = "1234"
    return edit


def _swap_columns(title: str) -> Callable[[openpyxl.Workbook], None]:
    """Move 收支明细's 金额 column to the far right (K) and leave F empty."""
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb[title]
        ws.move_range("F1:F7", cols=5)
    return edit


def _empty_workbook(path: Path) -> None:
    openpyxl.Workbook().save(path)


def _million_rows(path: Path) -> None:
    _clean(path)
    wb = openpyxl.load_workbook(path)
    wb["收支明细"].cell(1_000_000, 1, " ")
    wb.save(path)


def _journal_rows(count: int) -> Callable[[str, bytes], bytes]:
    """Append *count* rows holding one 摘要 each to 收支明细 (sheet6.xml), written as XML directly."""
    def change(name: str, data: bytes) -> bytes:
        if name != "xl/worksheets/sheet6.xml":
            return data
        rows = b"".join(b'<row r="%d"><c r="C%d" t="inlineStr"><is><t>x</t></is></c></row>' % (r, r)
                        for r in range(10, 10 + count))
        return data.replace(b"</sheetData>", rows + b"</sheetData>")
    return change


def _rewritten(path: Path, change: Callable[[str, bytes], bytes] = lambda name, data: data,
               extra: Callable[[zipfile.ZipFile], None] | None = None) -> None:
    """Rebuild the clean workbook's zip with *change* applied to each part and *extra* added."""
    _clean(path)
    src = path.with_suffix(".src.xlsx")
    path.rename(src)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, change(info.filename, zin.read(info.filename)))
        if extra is not None:
            extra(zout)
    src.unlink()


def _padding(zout: zipfile.ZipFile) -> None:
    with zout.open("xl/worksheets/padding.xml", "w", force_zip64=True) as fh:
        chunk = b" " * (1 << 20)
        for _ in range(600):
            fh.write(chunk)


def _zip_bomb(path: Path) -> None:
    """A valid-looking .xlsx with a part that expands to 600 MB of blanks (compresses to ~0.6 MB)."""
    _rewritten(path, extra=_padding)


def _with_doctype(name: str, data: bytes) -> bytes:
    if name != "xl/workbook.xml":
        return data
    doctype = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    return data.replace(b"?>", b"?>" + doctype, 1) if data.startswith(b"<?xml") else doctype + data


def _xxe(path: Path) -> None:
    _rewritten(path, change=_with_doctype)


def _shifted_header(path: Path) -> None:
    _clean(path)
    wb = openpyxl.load_workbook(path)
    wb["慰问记录"].insert_rows(1)
    wb.save(path)


D = dt.date
ROW5 = "收支明细!F6"  # 金额 of the fifth journal row

CASES: list[Case] = [
    # The file itself
    Case("empty-workbook", _empty_workbook, 2, reason="缺少工作表“设置”"),
    Case("xls-file", _bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096), 2, reason=".xls"),
    Case("encrypted", _bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512 + "EncryptedPackage".encode("utf-16-le")),
         2, reason="加密"),
    Case("csv-renamed", _bytes("日期,凭证号,摘要\n2026-01-01,1,会费\n".encode("utf-8")), 2, reason="不是 Excel 工作簿"),
    Case("png-renamed", _bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64), 2, reason="不是 Excel 工作簿"),
    Case("truncated-zip", _bytes(b"PK\x03\x04" + b"\0" * 64), 2, reason="损坏"),
    Case("zip-bomb", _zip_bomb, 2, reason="解压后超过"),
    Case("xxe", _xxe, 2, reason="不安全"),
    # a blank-looking cell a million rows down: the rows between hold nothing, as in Excel
    Case("million-empty-rows", _million_rows, 0),
    Case("too-many-rows", lambda p: _rewritten(p, change=_journal_rows(200_001)), 2, reason="超过 200000 行有数据"),
    # Sheets and headers
    Case("missing-sheet", _edit(sheet_edit=_delete_sheet("会员台账")), 2, reason="缺少工作表“会员台账”"),
    Case("renamed-sheet-trailing-space", _edit(sheet_edit=_rename_sheet("收支明细", "收支明细 ")), 2,
         reason="缺少工作表“收支明细”"),
    Case("renamed-header", _edit(sheet_edit=_cells("慰问记录", {"C1": "名字"})), 2, reason="缺少列“姓名”"),
    Case("duplicated-header", _edit(sheet_edit=_cells("收支明细", {"J1": "金额"})), 2, reason="出现了两次"),
    Case("header-not-in-row-1", _shifted_header, 2, reason="缺少列“日期”"),
    Case("reordered-columns", _edit((("journal", 4, "amount", "五十"),), sheet_edit=_swap_columns("收支明细")), 1,
         frozenset({("type-money", "收支明细!K6")})),
    Case("extra-column", _edit(sheet_edit=_cells("会员台账", {"Z1": "联系电话", "Z2": "13800000000"})), 0,
         frozenset({("column-unknown", "会员台账!Z1")})),
    Case("extra-blank-rows", _edit(sheet_edit=_insert_rows("收支明细", 4, 3)), 0),
    Case("only-headers", lambda p: write_master(p, {"union_name": "空表工会", "year": 2026}), 0),
    # Cells
    # a merged 摘要 is read into both rows, with a note (tests/reading_corpus.py has the other merges)
    Case("merged-cells", _edit(sheet_edit=_merge("收支明细", "C2:C3")), 0, frozenset({("merged-cells", "收支明细!C2")})),
    Case("text-in-money", _edit((("journal", 4, "amount", "五十"),)), 1, frozenset({("type-money", ROW5)})),
    Case("text-in-date", _edit((("visits", 0, "date", "去年"),)), 1, frozenset({("type-date", "慰问记录!A2")})),
    Case("date-chinese", _edit((("calendar", 0, "date", "2026年3月8日"),)), 0, frozenset({("date-as-text", "活动日历!B2")})),
    Case("date-dots", _edit((("calendar", 0, "date", "2026.3.8"),)), 0, frozenset({("date-as-text", "活动日历!B2")})),
    Case("date-slashes", _edit((("calendar", 0, "date", "2026/3/8"),)), 0, frozenset({("date-as-text", "活动日历!B2")})),
    # python-calamine panics (Rust) on a date-formatted cell this far below zero; openpyxl reads it instead
    Case("date-huge-negative", lambda p: write_master(p, {"union_name": "语料测试小学工会委员会", "year": 2026}, {
        "journal": [{"date": -1e12, "voucher": "记-001", "summary": "会费", "direction": "收入",
                     "category": "会费收入", "amount": 100}]}), 1, frozenset({("type-date", "收支明细!A2")})),
    Case("date-as-serial", _edit((("calendar", 0, "date", 46089),)), 0, frozenset({("date-as-number", "活动日历!B2")})),
    Case("full-width-digits", _edit((("calendar", 0, "budget", "１０００"),)), 0,
         frozenset({("number-as-text", "活动日历!G2")})),
    Case("amount-with-unit", _edit((("calendar", 0, "budget", "1,000.00元"),)), 0,
         frozenset({("number-as-text", "活动日历!G2")})),
    Case("amount-with-yen", _edit((("calendar", 0, "actual", "¥800"),)), 0, frozenset({("number-as-text", "活动日历!H2")})),
    Case("boolean-in-money", _edit((("calendar", 0, "actual", True),)), 1, frozenset({("type-money", "活动日历!H2")})),
    Case("negative-amount", _edit((("calendar", 0, "actual", -800),)), 1, frozenset({("money-negative", "活动日历!H2")})),
    Case("over-precise", _edit((("calendar", 0, "actual", 800.001),)), 1, frozenset({("money-precision", "活动日历!H2")})),
    Case("error-ref", _edit(sheet_edit=_cells("活动日历", {"H2": "#REF!"}, error=True)), 1,
         frozenset({("cell-error", "活动日历!H2")})),
    Case("error-div0", _edit(sheet_edit=_cells("慰问记录", {"A2": "#DIV/0!"}, error=True)), 1,
         frozenset({("cell-error", "慰问记录!A2"), ("required-missing", "慰问记录!A2")})),
    Case("formula-overwritten", _edit(sheet_edit=_cells("会员台账", {"W3": 90})), 0,
         frozenset({("formula-overwritten", "会员台账!W3")})),
    Case("hidden-row", _edit((("visits", 0, "form", "现金"),), sheet_edit=_hide_row("慰问记录", 2)), 1,
         frozenset({("choice-invalid", "慰问记录!G2")})),
    Case("protected-sheet", _edit(sheet_edit=_protect("会员台账")), 0),
    Case("not-in-dropdown", _edit((("visits", 0, "visit_type", "看望"),)), 1, frozenset({("choice-invalid", "慰问记录!D2")})),
    Case("duplicate-member-id", _edit((("members", 1, "member_id", "GH001"),)), 1,
         frozenset({("member-duplicate-id", "会员台账!A3")})),
    Case("unknown-member", _edit((("visits", 0, "member_id", "GH404"),)), 1, frozenset({("member-unknown", "慰问记录!B2")})),
    Case("date-outside-year", _edit((("journal", 4, "date", D(2027, 1, 3)),)), 1,
         frozenset({("date-out-of-year", "收支明细!A6")})),
    Case("year-in-chinese", _edit(sheet_edit=_cells("设置", {"B4": "二〇二六"})), 1, frozenset({("type-int", "设置!B4")})),
    Case("union-name-missing", _edit(sheet_edit=_cells("设置", {"B2": None})), 1,
         frozenset({("required-missing", "设置!B2")})),
    # Hostile or unusual text
    Case("formula-injection", _edit((("visits", 0, "name", "=cmd|' /C calc'!A0"), ("members", 1, "note", "@SUM(1+1)"))), 1,
         frozenset({("member-name-mismatch", "慰问记录!C2")})),
    Case("very-long-text", _edit((("visits", 0, "reason", "住院" * 16_000),)), 0),
    Case("emoji-and-rare-cjk", _edit((("members", 1, "name", "李𠀀😀"), ("visits", 0, "name", "李𠀀😀"),
                                      ("visits", 1, "name", "李𠀀😀"))), 0),
]


def write_all(folder: Path, cases: list | None = None) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for case in CASES if cases is None else cases:
        path = folder / f"{case.name}.xlsx"
        case.build(path)
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "corpus")):
        print(written)
