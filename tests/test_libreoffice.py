"""LibreOffice as an independent spreadsheet: its recalculated formulas equal the Python core.

These need ``soffice``; they skip on a developer machine without it and fail in CI
(UNIONXL_REQUIRE_SOFFICE=1), where .ci/run installs LibreOffice.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from unionxl.master.demo import Demo
from unionxl.files.office import convert
from unionxl.reading.reader import load_book
from unionxl.core.totals import budget_actuals, member_dues
from tests.test_validation import make

pytestmark = pytest.mark.soffice


def _recalculated(path: Path, tmp_path: Path) -> tuple[object, object]:
    """(book as unionxl reads the original, book as LibreOffice recalculated it)."""
    return load_book(path), load_book(convert(path, "xlsx", tmp_path / "lo"))


def _fen(values: pd.Series) -> pd.Series:
    """LibreOffice's results in 元 (blank for '') as fen, for exact comparison."""
    numbers = pd.to_numeric(values.replace("", None), errors="coerce")
    return (numbers * 100).round().astype("Int64")


def _assert_same_totals(original, recalculated) -> int:
    ours = member_dues(original)
    kept = original["members"].formulas
    theirs = recalculated["members"].raw
    compared = 0
    for key in ("monthly_dues", "paid_total", "arrears"):
        rows = kept.index[kept[key]]
        pd.testing.assert_series_equal(_fen(theirs.loc[rows, key]), ours.loc[rows, key], check_names=False)
        compared += len(rows)
    actual = _fen(recalculated["budget"].raw["actual"])
    pd.testing.assert_series_equal(actual, budget_actuals(original), check_names=False)
    return compared


def test_demo_recalculates_to_the_core_totals(soffice: str, demo_book: tuple[Path, Demo], tmp_path: Path) -> None:
    original, recalculated = _recalculated(demo_book[0], tmp_path)
    overwritten = sum(m.rule == "formula-overwritten" for m in demo_book[1].mistakes)
    assert _assert_same_totals(original, recalculated) == 3 * len(demo_book[1].rows["members"]) - overwritten
    dues_income = budget_actuals(original)[2]
    assert dues_income == 4_106_875  # 41,068.75 元 booked as 会费收入 in the journal


def test_filled_template_recalculates_to_hand_checked_figures(soffice: str, template: Path, tmp_path: Path) -> None:
    original, recalculated = _recalculated(make(template), tmp_path)
    _assert_same_totals(original, recalculated)
    members = recalculated["members"].raw
    assert list(_fen(members["monthly_dues"])) == [2715, 3000, 2000, pd.NA]  # 5437 → 5430 × 0.5% = 27.15
    assert list(_fen(members["paid_total"])) == [8145, 9000, 4000, pd.NA]
    assert list(_fen(members["arrears"])) == [2715 * 9, 3000 * 9, 0, pd.NA]  # 王五 left in February
    budget = recalculated["budget"].raw.set_index(recalculated["budget"].data["level2"])
    assert _fen(budget["actual"])["会费收入"] == 21145
    assert _fen(budget["actual"])["会员活动"] == 55000


def test_template_renders_to_pdf_with_chinese_text(soffice: str, template: Path, tmp_path: Path) -> None:
    pdf = convert(template, "pdf", tmp_path / "pdf")
    assert pdf.stat().st_size > 10_000
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is required with LibreOffice")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "工会工作台账 使用说明" in text
    assert "会员编号" in text and "应缴月会费" in text and "困难职工帮扶费" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "CID" in fonts or "Noto" in fonts


def test_master_prints_the_rows_in_use_two_pages_across(soffice: str, demo_book: tuple[Path, Demo],
                                                       tmp_path: Path) -> None:
    """LibreOffice prints 会员台账's print area (not its 2,000 prepared formula rows), each band of
    rows on two pages side by side that both start with 会员编号 and 姓名."""
    import math

    from unionxl.master.template import PRINT_HEADROOM

    pdf = convert(demo_book[0], "pdf", tmp_path / "pdf")
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    members = [p for p in pages if p.strip().startswith("会员台账")]
    first, second = [p for p in members if "性别" in p], [p for p in members if "12月" in p]
    rows = len(demo_book[1].rows["members"]) + PRINT_HEADROOM
    assert len(first) == len(second) and len(members) == 2 * len(first)
    assert len(first) <= math.ceil(rows / 30)  # at least 30 rows a page; all 2,000 rows would be 50+ pages
    assert all("会员编号" in p and "姓名" in p for p in members)
    last = demo_book[1].rows["members"][-1]["name"]
    assert sum(last in p for p in members) == 2  # the last member prints, on both halves


def test_balance_block_recalculates_to_the_rule_figures(soffice: str, demo_book: tuple[Path, Demo], tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook

    from unionxl.contract.schema import BALANCE_LINES, BALANCE_VALUES, balance_cell
    from unionxl.core.totals import balances

    original = load_book(demo_book[0])
    recalculated = convert(demo_book[0], "xlsx", tmp_path / "lo")
    sheet = CalamineWorkbook.from_path(str(recalculated)).get_sheet_by_name("经费预算").to_python(skip_empty_area=False)
    sums = balances(original)
    for _, side in BALANCE_VALUES:
        for _, line in BALANCE_LINES:
            ref = balance_cell(line, side).split("!")[1]
            col = ord(ref[0]) - 65
            value = sheet[int(ref[1:]) - 1][col]
            # within a fen: the demo's deliberate 1236.505 元 is summed raw by LibreOffice, as fen by the core
            assert abs(value * 100 - sums[side][line]) < 1, (side, line)


def test_audit_report_prints_with_chinese_text(soffice: str, demo_book: tuple[Path, Demo], tmp_path: Path) -> None:
    from unionxl.core.audit import audit_book
    from unionxl.reports.audit import build_audit
    from unionxl.reports.xlsx import write_xlsx

    book = load_book(demo_book[0])
    report = tmp_path / "audit.xlsx"
    write_xlsx(report, build_audit(audit_book(book), book.settings.values))
    pdf = convert(report, "pdf", tmp_path / "pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "经费收支审核表" in text and "湖北省基层工会经费收支管理实施细则" in text
    assert "工会主席：张建国" in text and "待核实" in text


def test_summary_report_pdf_has_charts_and_chinese_text(soffice: str, demo_book: tuple[Path, Demo], tmp_path: Path) -> None:
    import zipfile

    from typer.testing import CliRunner

    from unionxl.cli import app

    out = tmp_path / "r.xlsx"
    result = CliRunner().invoke(app, ["summary", str(demo_book[0]), "--out", str(out), "--pdf"])
    assert result.exit_code == 0, result.output
    pdf = out.with_suffix(".pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "年度汇总" in text and "演示市实验小学工会委员会" in text
    assert "月度收支" in text and "慰问金额（按类型）" in text  # chart titles are drawn
    # charts survive a LibreOffice round trip as native charts, not pictures
    again = convert(out, "xlsx", tmp_path / "lo")
    charts = [n for n in zipfile.ZipFile(again).namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 3


def _pdf_info(pdf: Path) -> dict[str, str]:
    text = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in text.splitlines() if ":" in line)


def test_todo_prints_on_one_a4_page(soffice: str, demo_book: tuple[Path, Demo], tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from unionxl.cli import app

    out = tmp_path / "todo.xlsx"
    result = CliRunner().invoke(app, ["todo", str(demo_book[0]), "--month", "12", "--today", "2026-01-05",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    pdf = convert(out, "pdf", tmp_path / "pdf")
    info = _pdf_info(pdf)
    assert info["Pages"].strip() == "1"
    assert info["Page size"].split("pts")[0].split() == ["595.304", "x", "841.89"]  # A4 portrait
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "2025年12月 本月待办" in text and "11月、12月会费未缴足" in text


def test_new_years_calendar_prints_with_its_festival_dates(soffice: str, tmp_path: Path) -> None:
    from unionxl.core.year.plan import plan_rows
    from unionxl.master.template import write_master

    book = tmp_path / "2027.xlsx"
    write_master(book, {"union_name": "日历小学工会委员会", "year": 2027}, {"calendar": plan_rows(2027)})
    pdf = convert(book, "pdf", tmp_path / "pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    line = next(x for x in text.splitlines() if "重阳节慰问退休老教师" in x)
    assert "2027-10-08" in line and "重阳：10月8日" in line


def test_a_rolled_book_without_dues_yet_recalculates_without_errors(soffice: str, tmp_path: Path) -> None:
    """Next year's book has members and no dues: 欠缴 is the whole year owed, not #VALUE!."""
    from typer.testing import CliRunner

    from unionxl.cli import app
    from unionxl.master.schools import write_schools
    from unionxl.core.validate import validate_book

    [school] = write_schools(tmp_path / "s", 1, seed=4)
    target = tmp_path / "next.xlsx"
    assert CliRunner().invoke(app, ["rollover", str(school), "--out", str(target)]).exit_code == 0
    original, recalculated = _recalculated(target, tmp_path)
    assert _assert_same_totals(original, recalculated) > 100
    members = recalculated["members"].raw
    owing = _fen(members["monthly_dues"]).notna()
    assert owing.sum() > 50
    arrears = _fen(members["arrears"])[owing]  # no month paid yet: the months owed × 应缴月会费, never #VALUE!
    assert arrears.notna().all() and (arrears == _fen(members["monthly_dues"])[owing] * 12).sum() > 50
    assert [f for f in validate_book(recalculated).findings if f.rule == "cell-error"] == []


def test_lookalike_text_recalculates_as_unionxl_reports(soffice: str, demo_book: tuple[Path, Demo], tmp_path: Path) -> None:
    """What the spreadsheet computes from lookalike text: LibreOffice's 实际发生, 收支平衡 and
    全年实缴 follow the literal cells, exactly as workbook_budget_actuals emulates them; wherever
    that differs from unionxl's figure, unionxl reports the cells that make the difference."""
    from python_calamine import CalamineWorkbook

    from tests.reading_corpus import lookalike_demo
    from unionxl.contract.schema import BALANCE_LINES, balance_cell
    from unionxl.core.checks.text import formula_disagreements
    from unionxl.core.totals import balances, workbook_budget_actuals

    path = tmp_path / "lookalike.xlsx"
    lookalike_demo(demo_book[0], path)
    look = load_book(path)
    converted = convert(path, "xlsx", tmp_path / "lo")
    recalculated = load_book(converted)
    reported = formula_disagreements(look)
    cells = {f.cell for f in reported}

    theirs = _fen(recalculated["budget"].raw["actual"])
    pd.testing.assert_series_equal(theirs, workbook_budget_actuals(look), check_names=False)
    ours = budget_actuals(look)
    differing = ours.index[ours.ne(theirs)]
    assert len(differing) >= 3
    budget, journal = look["budget"], look["journal"]
    for row in differing:
        category = budget.data.at[row, "level2"]
        rows = journal.data.index[journal.data["category"].eq(category)]
        causes = {budget.cell("level2", row), budget.cell("direction", row)}
        causes |= {journal.cell(k, r) for r in rows for k in ("category", "direction", "amount")}
        assert causes & cells, (row, category)

    grid = CalamineWorkbook.from_path(str(converted)).get_sheet_by_name("经费预算").to_python(skip_empty_area=False)
    ours_block = balances(look)["actual"]
    for _, line in BALANCE_LINES:
        ref = balance_cell(line, "actual")
        letters = ref.split("!")[1].rstrip("0123456789")
        value = round(grid[int(ref.split("!")[1][len(letters):]) - 1][ord(letters) - 65] * 100)
        if value != ours_block[line] and line != "closing":
            assert any(ref in f.message for f in reported), (line, value, ours_block[line])

    paid = _fen(recalculated["members"].raw["paid_total"])
    mine = member_dues(look)["paid_total"]
    kept = look["members"].formulas.index[look["members"].formulas["paid_total"]]
    differ = [r for r in kept if not (pd.isna(paid[r]) and pd.isna(mine[r])) and paid[r] != mine[r]]
    assert differ == [2]
    assert any(f.cell.startswith("会员台账!") and f.cell.endswith("2") and "全年实缴" in f.message for f in reported)


def test_strict_ooxml_reads_as_libreoffice_reads_it(soffice: str, tmp_path: Path) -> None:
    """The corpus's Strict file is one a spreadsheet opens: LibreOffice reads it (and saves it
    back as transitional OOXML) to the same tables unionxl reads from the Strict file itself."""
    from tests.reading_corpus import CASES

    case = next(c for c in CASES if c.name == "strict-ooxml")
    path = tmp_path / "strict.xlsx"
    case.build(path)
    ours, theirs = load_book(path), load_book(convert(path, "xlsx", tmp_path / "lo"))
    for key in ("members", "visits", "journal", "calendar"):
        pd.testing.assert_frame_equal(ours[key].data, theirs[key].data, check_dtype=False, obj=key)
    assert ours.settings.values == theirs.settings.values
