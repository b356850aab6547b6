"""The master template: sheets, headers, formats, dropdowns, formulas, budget tree."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from unionxl.cli import app
from unionxl.contract.schema import BUDGET, BUDGET_TREE, GUIDE_TITLE, INPUT_SHEETS, JOURNAL, MEMBERS, column_letter, render_formula

runner = CliRunner()


def test_new_writes_every_sheet_with_headers(tmp_path: Path) -> None:
    path = tmp_path / "m.xlsx"
    result = runner.invoke(app, ["new", str(path), "--name", "城南小学工会委员会", "--year", "2027", "--province", "江苏"])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [GUIDE_TITLE, "设置", "活动日历", "会员台账", "慰问记录", "收支明细", "经费预算"]
    for sheet in INPUT_SHEETS:
        assert [c.value for c in wb[sheet.title][1]][: len(sheet.columns)] == [c.title for c in sheet.columns]
    settings = {wb["设置"].cell(r, 1).value: wb["设置"].cell(r, 2).value for r in range(2, 11)}
    assert settings["工会名称"] == "城南小学工会委员会"
    assert settings["年度"] == 2027
    assert settings["省份"] == "江苏"
    assert settings["会费比例"] == 0.005


def test_new_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "m.xlsx"
    path.write_bytes(b"keep me")
    result = runner.invoke(app, ["new", str(path)])
    assert result.exit_code == 2
    assert path.read_bytes() == b"keep me"
    assert runner.invoke(app, ["new", str(path), "--force"]).exit_code == 0
    assert path.read_bytes()[:2] == b"PK"


def test_formulas_follow_the_dues_rule(template: Path) -> None:
    ws = openpyxl.load_workbook(template)["会员台账"]
    assert ws["J2"].value == '=IF(I2="","",ROUND(INT(I2/10)*10*UX_DUES_RATE,2))'
    assert ws["W2"].value == '=IF(COUNT(K2:V2)=0,"",SUM(K2:V2))'
    assert ws["X101"].value.startswith("=IF(J101=\"\",\"\",J101*MAX(0,")
    assert ws["J101"].value == render_formula(MEMBERS, MEMBERS.col("monthly_dues"), 101)


def test_formulas_cover_each_sheets_whole_capacity(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    for sheet in (s for s in INPUT_SHEETS if s.formula_columns):
        ws = wb[sheet.title]
        for column in sheet.formula_columns:
            letter = column_letter(sheet.index(column.key))
            assert ws[f"{letter}{sheet.last_row}"].value == render_formula(sheet, column, sheet.last_row)
            assert ws[f"{letter}{sheet.last_row + 1}"].value is None
            assert ws[f"{letter}{sheet.last_row}"].fill.fgColor.rgb == ws[f"{letter}2"].fill.fgColor.rgb != "00000000"


def test_print_area_follows_the_rows_in_use(template: Path, demo_book) -> None:
    """The formula rows prepared to capacity would print as empty pages: the sheets with formulas
    print a fixed area (LibreOffice ignores one defined by a formula), the rows written and
    PRINT_HEADROOM more, extra columns and 经费预算's balance block included."""
    from unionxl.contract.schema import BALANCE_LEFT_COL, BALANCE_VALUES
    from unionxl.master.template import PRINT_HEADROOM

    for book, members in ((template, 0), (demo_book[0], len(demo_book[1].rows["members"]))):
        wb = openpyxl.load_workbook(book)
        areas = {ws.title: ws.print_area for ws in wb.worksheets if ws.print_area}
        assert set(areas) == {s.title for s in INPUT_SHEETS if s.formula_columns}
        assert areas[MEMBERS.title] == f"'会员台账'!$A$1:${column_letter(len(MEMBERS.columns) - 1)}${members + PRINT_HEADROOM + 1}"
        assert areas[BUDGET.title] == (f"'经费预算'!$A$1:${column_letter(BALANCE_LEFT_COL + len(BALANCE_VALUES))}"
                                       f"${len(BUDGET_TREE) + PRINT_HEADROOM + 1}")


def test_master_prints_like_a_ledger(template: Path) -> None:
    """Every input sheet prints its grid and its header row on every page; 会员台账 goes landscape,
    two pages across with 会员编号 and 姓名 repeated; 使用说明's column fits portrait A4 even as
    LibreOffice measures columns (about 1.3 times Excel's width with a CJK default font)."""
    from unionxl.master.template import _GUIDE_WIDTH
    from unionxl.reports import styles
    from unionxl.reports.layout import column_points

    wb = openpyxl.load_workbook(template)
    for sheet in INPUT_SHEETS:
        ws = wb[sheet.title]
        assert ws.print_options.gridLines and ws.print_title_rows == "$1:$1", sheet.title
    members = wb[MEMBERS.title]
    assert members.page_setup.orientation == "landscape" and members.print_title_cols == "$A:$B"
    assert (members.page_setup.fitToWidth, members.page_setup.fitToHeight) == (2, 0)
    guide = wb[GUIDE_TITLE]
    assert not guide.print_options.gridLines
    printable = styles.A4_POINTS[0] - (styles.MARGINS["left"] + styles.MARGINS["right"]) * 72
    assert column_points(_GUIDE_WIDTH) * 1.3 < printable



def test_budget_is_prefilled_with_the_category_tree(template: Path) -> None:
    ws = openpyxl.load_workbook(template)["经费预算"]
    rows = [[c.value for c in r][:4] for r in ws.iter_rows(min_row=2, max_row=1 + len(BUDGET_TREE))]
    assert rows[0] == ["101", "收入", "会费收入", "会费收入"]
    assert ["20105", "支出", "职工活动支出", "会员活动"] in rows
    assert ["20304", "支出", "维权支出", "困难职工帮扶费"] in rows
    assert ws["F2"].value == "=SUMIFS('收支明细'!$F:$F,'收支明细'!$E:$E,D2,'收支明细'!$D:$D,B2)"
    assert ws["H2"].value == '=IF(N(E2)=0,"",F2/E2)'
    assert len({r[3] for r in rows}) == len(rows)


def test_dropdowns_widths_formats_and_frozen_headers(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    members = wb["会员台账"]
    assert members.freeze_panes == "C2"
    assert members.column_dimensions["A"].width == pytest.approx(10.71, abs=0.5)
    lists = {str(v.sqref): v.formula1 for v in members.data_validations.dataValidation if v.type == "list"}
    assert lists[f"G2:G{MEMBERS.last_row}"] == '"在职,退休,调离,去世"'
    journal = wb["收支明细"]
    lists = {str(v.sqref): v.formula1 for v in journal.data_validations.dataValidation if v.type == "list"}
    assert lists[f"E2:E{JOURNAL.last_row}"] == f"'经费预算'!$D$2:$D${BUDGET.last_row}"
    assert wb.defined_names["UX_DUES_RATE"].attr_text == "'设置'!$B$6"
    assert wb.defined_names["UX_YEAR"].attr_text == "'设置'!$B$4"


def test_template_validates_clean(template: Path) -> None:
    from unionxl.core.validate import validate_path

    assert validate_path(template).findings == []
