"""Rolling a workbook over to the next year."""

from __future__ import annotations

import hashlib
import json
from datetime import date as D
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from tests.fill import fill
from tests.treasurer import treasurers_book
from unionxl.cli import app
from unionxl.master.schools import write_schools
from unionxl.core.summary import summarize
from unionxl.core.validate import validate_path
from unionxl.reading.reader import load_book

runner = CliRunner()


def _rolled(source: Path, target: Path):
    """`unionxl rollover source --out target`, which succeeds and leaves the source's bytes alone."""
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    result = runner.invoke(app, ["rollover", str(source), "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before
    return result


def test_rollover_keeps_members_carries_balance_and_validates(tmp_path: Path) -> None:
    [school] = write_schools(tmp_path / "s", 1, seed=21)
    target = tmp_path / "next.xlsx"
    result = _rolled(school, target)

    old, new = load_book(school), load_book(target)
    members = old["members"].data
    leavers = members["status"].isin(["调离", "去世"]) & members["status_date"].dt.year.le(2025)
    assert sorted(new["members"].data["member_id"]) == sorted(members.loc[~leavers, "member_id"])
    for name in members.loc[leavers, "name"]:
        assert name in result.stdout
    assert new.year == 2026
    assert new.settings.get("opening_balance") == summarize(old).balance["closing_fen"]
    assert new["members"].data[[f"m{k}" for k in range(1, 13)]].isna().all().all()
    assert new["journal"].data.empty and new["visits"].data.empty
    budget = new["budget"].data.set_index("level2")
    old_actual = summarize(old).budget
    dues_line = next(r for r in old_actual if r["category"] == "会费收入")
    assert budget.at["会费收入", "prior_actual"] == dues_line["actual_fen"]
    assert budget.at["会费收入", "prior_budget"] == dues_line["budget_fen"]
    calendar = new["calendar"].data
    assert set(calendar["status"]) == {"计划"} and (calendar["date"].dt.year == 2026).all()
    assert validate_path(target).errors == []


def test_rollover_refuses_to_overwrite(tmp_path: Path) -> None:
    [school] = write_schools(tmp_path / "s", 1, seed=22)
    target = tmp_path / "next.xlsx"
    target.write_bytes(b"keep")
    assert runner.invoke(app, ["rollover", str(school), "--out", str(target)]).exit_code == 2
    assert target.read_bytes() == b"keep"


# --- nothing the treasurer typed is lost ------------------------------------------------------------

def _headers(ws) -> dict[str, int]:
    return {str(c.value): c.column for c in ws[1] if c.value is not None}


@pytest.mark.parametrize("saved_by", ["openpyxl", "libreoffice"])
def test_rollover_carries_every_typed_cell(tmp_path: Path, saved_by: str, request: pytest.FixtureRequest) -> None:
    from unionxl.contract.schema import SETTING_ITEMS, SHEETS
    from unionxl.core.year.rollover import (
        CARRIED_SHEETS,
        CLEARED,
        CLEARED_SHEETS,
        MOVED,
        MOVED_AWAY,
        NOT_COPIED,
        REDATED,
        REPLACED,
        rollover,
    )

    source = tmp_path / "2025.xlsx"
    treasurers_book(source)
    if saved_by == "libreoffice":
        request.getfixturevalue("soffice")
        from unionxl.files.office import convert

        source = convert(source, "xlsx", tmp_path / "lo")
    target = tmp_path / "2026.xlsx"
    result = _rolled(source, target)
    old, new = load_book(source), load_book(target)
    rolled = rollover(old)
    assert new.year == 2026

    # Through the reader: every non-empty cell of each kept row, contract columns and added ones.
    checked = 0
    for sheet in CARRIED_SHEETS:
        if sheet.key == "settings":
            continue
        was, now = old[sheet.key], new[sheet.key]
        origins = rolled.origins[sheet.key]
        assert list(now.raw.index) == list(range(2, 2 + len(origins)))
        for row, origin in zip(now.raw.index, origins):
            for column in sheet.input_columns:
                value = was.raw.at[origin, column.key] if column.key in was.raw else ""
                if value in ("", None):
                    continue
                fate = NOT_COPIED.get(sheet.key, {}).get(column.key)
                if fate is None:
                    assert now.raw.at[row, column.key] == value, (sheet.title, column.title, origin)
                elif fate.action == MOVED_AWAY:
                    assert now.raw.at[row, MOVED[sheet.key, column.key]] == value
                elif fate.action == REDATED:
                    assert now.data.at[row, "date"].year == 2026
                    assert now.data.at[row, "month"] == now.data.at[row, "date"].month
                elif fate.action == CLEARED:
                    assert now.raw.at[row, column.key] == ""
                else:
                    assert fate.action == REPLACED and now.raw.at[row, column.key] != ""
                checked += 1
            for pos, title in was.extra_titles.items():
                if not title:
                    continue
                value = was.extra.at[origin, pos]
                if value not in ("", None):
                    [new_pos] = [p for p, t in now.extra_titles.items() if t == title]
                    assert now.extra.at[row, new_pos] == value, (sheet.title, title, origin)
                    checked += 1
    assert checked > 500
    for sheet in CLEARED_SHEETS:
        assert new[sheet.key].raw.empty
        assert set(new[sheet.key].extra_titles.values()) == set(old[sheet.key].extra_titles.values())
    assert set(new["members"].extra_titles.values()) == {"联系电话", "家庭住址"}
    assert set(new["budget"].extra_titles.values()) == {"经办说明", ""}  # and the new balance block

    # Through openpyxl, cell by cell as stored: the same values, text never turned into formulas.
    wb_old = openpyxl.load_workbook(source)
    wb_new = openpyxl.load_workbook(target)
    for sheet in (SHEETS["calendar"], SHEETS["members"], SHEETS["budget"]):
        ws_old, ws_new = wb_old[sheet.title], wb_new[sheet.title]
        h_old, h_new = _headers(ws_old), _headers(ws_new)
        skip = {sheet.col(k).title for k in NOT_COPIED.get(sheet.key, {})} | {c.title for c in sheet.formula_columns}
        for row, origin in enumerate(rolled.origins[sheet.key], start=2):
            for title, c in h_old.items():
                value = ws_old.cell(origin, c).value
                if title in skip or value is None:
                    continue
                assert ws_new.cell(row, h_new[title]).value == value, (sheet.title, title, origin)
            for c in sheet.formula_columns:
                assert ws_new.cell(row, h_new[c.title]).data_type == "f"
    assert wb_new["会员台账"].cell(4, _headers(wb_new["会员台账"])["家庭住址"]).data_type == "s"
    settings_old, settings_new = wb_old["设置"], wb_new["设置"]
    items_old = {settings_old.cell(r, 1).value: r for r in range(2, settings_old.max_row + 1)}
    items_new = {settings_new.cell(r, 1).value: r for r in range(2, settings_new.max_row + 1)}
    for setting in SETTING_ITEMS:
        if setting.key not in ("year", "opening_balance"):
            assert settings_new.cell(items_new[setting.title], 2).value == settings_old.cell(items_old[setting.title], 2).value
    assert settings_new.cell(items_new["联系电话"], 2).value == "0716-8888888"
    assert settings_new.cell(2, 4).value == "全称以批文为准" and settings_new.cell(1, 4).value == "备注"
    assert new.settings.get("union_name") == "测试𠀋小学工会委员会"

    # What was not carried is said, on the console and in the new book's 使用说明.
    assert "会员台账：1月–12月" in result.stdout and "Z400" in result.stdout and "“通讯录” 未带入" in result.stdout
    assert "会员台账!J7" in result.stdout  # the overwritten formula, restored
    guide = [r[0] for r in CalamineWorkbook.from_path(str(target)).get_sheet_by_name("使用说明").to_python()]
    assert "【从上一年度结转】" in guide
    assert any(line.startswith("以下 4 个单元格不是有效的数字或日期，已按原文字带入") for line in guide)
    # The cells carried as typed are exactly the new book's type errors, at their new cells.
    typed = {a.split("“")[0] for a in rolled.as_typed}
    errors = {f.cell for f in validate_path(target).errors if f.rule.startswith("type-")}
    assert typed == errors and len(typed) == 4


def test_rollover_says_which_errors_the_source_has_and_still_works(tmp_path: Path) -> None:
    source = tmp_path / "2025.xlsx"
    treasurers_book(source)
    result = _rolled(source, tmp_path / "2026.xlsx")
    first = [f for f in validate_path(source).errors][:3]
    line = " ".join(result.stdout.split())
    assert f"注意：本年度工作簿有 4 个错误，已照原样结转：{first[0].cell} {first[0].message}" in line
    assert all(f.cell in line for f in first)
    guide = [r[0] for r in CalamineWorkbook.from_path(str(tmp_path / "2026.xlsx")).get_sheet_by_name("使用说明").to_python()]
    assert any(g.startswith("上一年度工作簿校验有 4 个错误，已照原样结转") and first[0].cell in g for g in guide)
    summary = runner.invoke(app, ["summary", str(source)])
    assert summary.exit_code == 0
    assert f"工作簿有 4 个错误，汇总数字可能不准确：{first[0].cell}" in " ".join(summary.stdout.split())
    as_json = runner.invoke(app, ["summary", str(source), "--json"])
    assert json.loads(as_json.stdout)["validation"]["error"] == 4
    assert "工作簿有 4 个错误" in as_json.stderr


def test_a_calendar_date_with_a_typo_year_rolls_over(template: Path, tmp_path: Path) -> None:
    fill(template, {"calendar": [
        {"month": 3, "date": D(2062, 3, 6), "activity": "三八节教职工座谈", "category": "其他", "status": "已完成"},
        {"month": 9, "date": D(2062, 9, 20), "activity": "中秋节茶话会", "category": "节日慰问", "status": "计划"},
        {"month": 1, "date": D(1900, 1, 1), "activity": "春节团拜", "category": "节日慰问", "status": "计划"},
    ]}, settings={"year": 2026})
    warnings = [f for f in validate_path(template).findings if f.rule == "date-out-of-year"]
    assert [f.cell for f in warnings] == ["活动日历!B2", "活动日历!B3", "活动日历!B4"]
    assert all(f.severity == "warning" for f in warnings)
    target = tmp_path / "2027.xlsx"
    _rolled(template, target)
    calendar = load_book(target)["calendar"].data.set_index("activity")
    # Read as the same day of 2026, then moved to 2027: 2026-03-06 is a Friday → 2027-03-05, a Friday;
    # 中秋 2026-09-25 minus 5 days → 中秋 2027-09-15 minus 5 = 09-10; 1900-01-01 → 2026-01-01 (元旦), kept.
    assert calendar.at["三八节教职工座谈", "date"] == pd.Timestamp(2027, 3, 5)
    assert calendar.at["中秋节茶话会", "date"] == pd.Timestamp(2027, 9, 10)
    assert calendar.at["春节团拜", "date"].year == 2027
    assert (calendar["month"] == calendar["date"].dt.month).all()
    assert validate_path(target).errors == []


def test_rollover_without_a_year_names_the_cell(template: Path, tmp_path: Path) -> None:
    fill(template, {}, settings={"year": "二〇二六"})  # "2026年" is read as 2026, with a warning
    result = runner.invoke(app, ["rollover", str(template), "--out", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2 and not (tmp_path / "x.xlsx").exists()
    assert "（设置!B4），无法结转" in result.stderr  # the load policy's year refusal, naming the cell


def test_a_deficit_rolls_over_as_a_warning_and_is_counted(template: Path, tmp_path: Path) -> None:
    """A year that spent more than it had closes negative; the next year carries that true
    figure, and validate says it is a deficit (a warning), not that it was typed wrong."""
    fill(template, {"journal": [
        dict(date=D(2026, 3, 10), voucher="记-202603-001", summary="春游交通费", direction="支出",
             category="职工活动支出", amount=1234.56),
    ]}, settings={"year": 2026, "opening_balance": 1000})
    closing = summarize(load_book(template)).balance["closing_fen"]
    assert closing == 100000 - 123456
    target = tmp_path / "2027.xlsx"
    _rolled(template, target)
    rolled = load_book(target)
    assert rolled.settings.get("opening_balance") == -23456
    assert summarize(rolled).balance["opening_fen"] == -23456
    result = validate_path(target)
    assert result.errors == []
    [deficit] = [f for f in result.findings if f.rule == "money-negative"]
    assert (deficit.severity, deficit.cell) == ("warning", "设置!B7")
    assert deficit.message == "“上年结余”为负数（-234.56 元），即上年度超支"
