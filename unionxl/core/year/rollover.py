"""Rolling a master workbook over to the next year, into a new file, losing nothing by accident.

Every non-empty cell of a kept row is carried as it was typed — 备注, text where a number
belongs ("待定" in a money cell), rare characters — and so is every column the treasurer
added (after the contract's columns, with its header). What is deliberately not carried
is data here (:data:`NOT_COPIED`, :data:`CLEARED_SHEETS`), so the console, the new book's
使用说明 and the tests read the same table: the 12 monthly dues, the calendar's outcomes,
this year's budget (moved to 上年预算), the condolence register and the journal. Members
who left during or before the year are dropped and listed. The calendar is re-planned
with next year's dates (:func:`unionxl.core.year.plan.redate`: lunar festivals move);
上年结余 carries this year's closing balance.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import pandas as pd

from unionxl.contract.schema import (
    ACT_PLANNED,
    BALANCE_VALUES,
    BUDGET,
    CALENDAR,
    GUIDE_TITLE,
    INPUT_SHEETS,
    JOURNAL,
    LEFT_STATUSES,
    MEMBERS,
    MONTH_KEYS,
    OUTPUT_SHEETS,
    SETTING_ITEMS,
    SETTINGS,
    VISITS,
    XLWINGS_CONF_TITLE,
    Kind,
    Sheet,
    column_letter,
    settings_value_cell,
)
from unionxl.core.totals import balances, budget_actuals
from unionxl.core.validate import ValidationResult
from unionxl.core.year.plan import plan_items, redate
from unionxl.reading.book import Book, Table
from unionxl.reading.coerce import DATE_RANGE

#: sheets whose rows go into next year's book (members: those still in the union)
CARRIED_SHEETS: tuple[Sheet, ...] = (SETTINGS, CALENDAR, MEMBERS, BUDGET)
#: sheets of this year's events: next year starts them empty (their added columns are kept)
CLEARED_SHEETS: tuple[Sheet, ...] = (VISITS, JOURNAL)
#: what becomes of a column's cells instead of being copied as typed
CLEARED, REDATED, MOVED_AWAY, REPLACED = "cleared", "redated", "moved", "replaced"


class Fate(NamedTuple):
    action: str
    why: str


#: columns of the carried sheets whose cells are not copied as typed, and what becomes of them;
#: formula columns are written afresh by the template and not listed here
NOT_COPIED: dict[str, dict[str, Fate]] = {
    MEMBERS.key: dict.fromkeys(MONTH_KEYS, Fate(CLEARED, "每月实缴会费清空，新年度重新登记")),
    CALENDAR.key: {"month": Fate(REDATED, "按新年度日期重排"), "date": Fate(REDATED, "按新年度日期重排"),
                   "actual": Fate(CLEARED, "清空，新年度重新填写"), "participants": Fate(CLEARED, "清空，新年度重新填写"),
                   "status": Fate(REPLACED, "改为“计划”")},
    BUDGET.key: {"budget": Fate(MOVED_AWAY, "已转入“上年预算”，新年度的预算金额请重新填写"),
                 "prior_budget": Fate(REPLACED, "是前一年的数字，改为本年度的预算和实际发生"),
                 "prior_actual": Fate(REPLACED, "是前一年的数字，改为本年度的预算和实际发生")},
}
#: (sheet, column) → the column of the same row that receives the value
MOVED: dict[tuple[str, str], str] = {(BUDGET.key, "budget"): "prior_budget"}
#: 设置 items rollover sets itself: the next year, and this year's closing balance as 上年结余
SETTINGS_SET = ("year", "opening_balance")
#: sheets of a master that are unionxl's own (not a treasurer's addition)
_OWN_SHEETS = {s.title for s in INPUT_SHEETS} | {s.title for s in OUTPUT_SHEETS} | {GUIDE_TITLE, XLWINGS_CONF_TITLE}
#: how many cells a message names before "等"
_NAMED = 5


@dataclass
class Rollover:
    settings: dict[str, object]
    rows: dict[str, list[dict[str, object]]]
    dropped: list[str] = field(default_factory=list)
    #: sheet key → [(header title, one value per written row)]: the columns the treasurer added
    extra_columns: dict[str, list[tuple[str, list[object]]]] = field(default_factory=dict)
    #: sheet key → the source's Excel row of each written row (None: a row the source lacked)
    origins: dict[str, list[int | None]] = field(default_factory=dict)
    #: what was deliberately not carried, one Chinese line each
    not_carried: list[str] = field(default_factory=list)
    #: cells carried as the text typed because they are not a valid number or date (“会员台账!I5“待定””)
    as_typed: list[str] = field(default_factory=list)
    #: the 使用说明 section of the new book: what was carried and what not, and the source's errors
    guide: list[str] = field(default_factory=list)


def _cell(value: object) -> object:
    """A raw cell value as the template writer takes it: None for empty, dates Excel can hold, else as read."""
    if _missing(value) or (isinstance(value, str) and value == ""):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        return value if DATE_RANGE[0] <= day <= DATE_RANGE[1] else value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value


def _day(value: object) -> dt.date | None:
    """A typed or raw date cell as a date, whatever its year (a typo year is re-dated, not lost); text is not a date."""
    if _missing(value) or not isinstance(value, dt.date):
        return None
    return value.date() if isinstance(value, dt.datetime) else value


def _names(cells: Sequence[str]) -> str:
    return "、".join(cells[:_NAMED]) + (f" 等 {len(cells)} 个" if len(cells) > _NAMED else "")


class _Roll:
    """One rollover's working state: the book, the target year and the lists it reports."""

    def __init__(self, book: Book, year: int) -> None:
        self.book, self.year = book, year
        self.rolled = Rollover({}, {})
        self._raw: dict[str, dict[int, dict[str, object]]] = {}

    def raw(self, table: Table) -> dict[int, dict[str, object]]:
        """The sheet's cells as read, row → column key → value (one conversion, not a lookup per cell)."""
        if table.sheet.key not in self._raw:
            self._raw[table.sheet.key] = table.raw.to_dict("index")
        return self._raw[table.sheet.key]

    def carried_row(self, table: Table, row: int) -> dict[str, object]:
        """The cells of *row* that are copied as typed: every input column not in NOT_COPIED."""
        skip = NOT_COPIED.get(table.sheet.key, {})
        cells = self.raw(table)[row]
        out = {c.key: _cell(cells[c.key]) for c in table.sheet.input_columns if c.key not in skip and c.key in cells}
        for (sheet, source), target in MOVED.items():
            if sheet == table.sheet.key and source in cells:
                out[target] = _cell(cells[source])
        return out

    def sheet(self, sheet: Sheet, rows: list[dict[str, object]], origins: list[int | None]) -> None:
        self.rolled.rows[sheet.key] = rows
        self.rolled.origins[sheet.key] = origins
        table = self.book[sheet.key]
        self.extras(table, origins)
        source_of = {target: source for (key, source), target in MOVED.items() if key == sheet.key}
        numeric = [c.key for c in sheet.input_columns if c.kind not in (Kind.TEXT, Kind.CHOICE) and c.key in table.data]
        untyped = table.data[numeric].isna().to_dict("index")  # where a number or date did not read
        cells = self.raw(table)
        for excel_row, (row, origin) in enumerate(zip(rows, origins), start=2):
            for key, value in row.items():
                source = source_of.get(key, key)
                if (origin is not None and value is not None and untyped[origin].get(source)
                        and value == _cell(cells[origin][source])):
                    self.rolled.as_typed.append(f"{sheet.title}!{column_letter(sheet.index(key))}{excel_row}“{value}”")

    def extras(self, table: Table, origins: list[int | None]) -> None:
        """The treasurer's own columns, their values following the written rows; cells left behind are listed."""
        positions = _extra_positions(table)
        columns = []
        for pos in positions:
            values = table.extra[pos]
            columns.append((table.extra_titles[pos], [_cell(values.get(r)) if r is not None else None for r in origins]))
        self.rolled.extra_columns[table.sheet.key] = columns
        records = set(table.raw.index)  # rows dropped on purpose (members who left) are listed as such
        left = [f"{column_letter(pos)}{r}" for pos in positions for r, v in table.extra[pos].items()
                if r not in records and _cell(v) is not None and str(v).strip()]
        if left and table.sheet not in CLEARED_SHEETS:
            self.rolled.not_carried.append(f"{table.sheet.title}：自行添加的列中有 {len(left)} 个单元格不在任何一条记录的行上"
                                           f"（上年工作簿的 {_names(left)}），未带入")

    def count_cleared(self, table: Table, keys: Sequence[str], why: str, rows: pd.Index | None = None) -> None:
        present = [k for k in keys if k in table.raw]
        frame = table.raw.loc[rows if rows is not None else table.raw.index, present]
        filled = int((frame.notna() & frame.ne("")).to_numpy().sum())
        if filled:
            titles = [table.sheet.col(k).title for k in present]
            named = f"{titles[0]}–{titles[-1]}" if len(titles) > 3 else "、".join(titles)
            self.rolled.not_carried.append(f"{table.sheet.title}：{named}（{filled} 个单元格）{why}")

    def overwritten_formulas(self, table: Table, rows: pd.Index) -> None:
        """Formula cells the treasurer had overwritten with a value: next year has the formula again."""
        if table.formulas is None:
            return
        keys = [c.key for c in table.sheet.formula_columns if c.key in table.formulas and c.key in table.raw]
        values = table.raw.loc[rows, keys]
        overwritten = (~table.formulas.loc[rows, keys].astype(bool) & values.notna() & values.ne("")).stack()
        cells = [table.cell(key, r) for r, key in overwritten.index[overwritten.to_numpy()]]
        if cells:
            self.rolled.not_carried.append(f"{table.sheet.title}：上年工作簿中被改成固定值的 {len(cells)} 个公式单元格"
                                           f"（{_names(cells)}）在新工作簿中恢复为公式")


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _extra_positions(table: Table) -> list[int]:
    """The added columns worth carrying: on 经费预算 not the balance block the template wrote there."""
    positions = list(table.extra.columns)
    if table.sheet is BUDGET:
        top = table.extra.index.min() if len(table.extra) else None
        block = [p for p in positions if not table.extra_titles[p] and top is not None
                 and str(table.extra.at[top, p]).strip() == "收支平衡"]
        if block:
            start = positions.index(block[0])
            width = len(BALANCE_VALUES) + 1
            positions = positions[:start] + positions[start + width:]
    return positions


def _settings(roll: _Roll, closing_fen: int) -> None:
    table = roll.book[SETTINGS.key]
    items = table.data.get("item", pd.Series(dtype=object))
    first = {s.key: int(items.index[items.eq(s.title)][0]) for s in SETTING_ITEMS if items.eq(s.title).any()}
    values = {key: _cell(table.raw.at[row, "value"]) for key, row in first.items()}
    roll.rolled.as_typed += [f"{SETTINGS.title}!{column_letter(col)}{row + 1}“{values[s.key]}”" for s in SETTING_ITEMS
                             for row, col in [settings_value_cell(s)]
                             if isinstance(values.get(s.key), str) and roll.book.settings.values.get(s.key) is None
                             and s.key not in SETTINGS_SET]
    values.update(year=roll.year, opening_balance=closing_fen / 100)
    roll.rolled.settings = values
    own = set(first.values())
    extra_rows = [r for r in table.raw.index if r not in own]
    rows = [{c.key: _cell(table.raw.at[r, c.key]) for c in SETTINGS.columns if c.key in table.raw} for r in extra_rows]
    notes = [table.cell("note", row) for key, row in first.items() if "note" in table.raw
             and str(table.raw.at[row, "note"]).strip() not in ("", next(s.note for s in SETTING_ITEMS if s.key == key))]
    if notes:
        roll.rolled.not_carried.append(f"{SETTINGS.title}：“说明”列按模板重新写入，上年工作簿中改过的 {len(notes)} 处"
                                       f"（{_names(notes)}）未带入")
    roll.sheet(SETTINGS, rows, [first.get(s.key) for s in SETTING_ITEMS] + extra_rows)


def _members(roll: _Roll, source_year: int) -> None:
    table = roll.book[MEMBERS.key]
    members = table.data
    gone = members["status"].isin(LEFT_STATUSES) & members["status_date"].le(pd.Timestamp(source_year, 12, 31))
    kept = members.index[~gone]
    roll.rolled.dropped = [f"{members.at[r, 'name']}（{members.at[r, 'status']}）" for r in members.index[gone]]
    roll.count_cleared(table, MONTH_KEYS, NOT_COPIED[MEMBERS.key]["m1"].why, kept)
    roll.overwritten_formulas(table, kept)
    roll.sheet(MEMBERS, [roll.carried_row(table, r) for r in kept], list(kept))


def _calendar(roll: _Roll) -> None:
    table = roll.book[CALENDAR.key]
    plan = {p.activity: p for p in plan_items()}
    planned = []
    typed = table.data[["activity", "date"]].to_dict("index")
    for r in table.raw.index:
        row = roll.carried_row(table, r)
        raw = roll.raw(table)[r]
        activity = str(typed[r]["activity"])
        day = _day(typed[r]["date"]) or _day(raw["date"])
        if day is not None:
            date = redate(activity, day, roll.year)
        else:  # a row of the standard plan is dated from the plan even when its date did not read
            date = plan[activity].date_in(roll.year) if activity in plan else None
        row["date"] = date if date is not None else _cell(raw["date"])
        row["month"] = date.month if date is not None else _cell(raw["month"])
        row["status"] = ACT_PLANNED
        item = plan.get(activity)
        if item is not None and item.festival and row.get("note") == item.festival_note(roll.year - 1):
            row["note"] = item.festival_note(roll.year)  # the plan's own 备注 names the festival's new day
        month = row["month"] if isinstance(row["month"], (int, float)) else 13
        planned.append(((month, date or dt.date.max), row, r))
    planned.sort(key=lambda p: p[0])
    roll.count_cleared(table, ("actual", "participants"), NOT_COPIED[CALENDAR.key]["actual"].why)
    if len(table.raw):
        roll.rolled.not_carried.append(f"{CALENDAR.title}：{len(table.raw)} 项活动的状态改为“计划”，日期按 {roll.year} 年重排")
    roll.sheet(CALENDAR, [row for _, row, _ in planned], [r for _, _, r in planned])


def _budget(roll: _Roll) -> None:
    table = roll.book[BUDGET.key]
    actual = budget_actuals(roll.book)
    rows = []
    for r in table.raw.index:
        row = roll.carried_row(table, r)
        row["prior_actual"] = int(actual[r]) / 100
        rows.append(row)
    fates = NOT_COPIED[BUDGET.key]
    roll.count_cleared(table, ("budget",), fates["budget"].why)
    roll.count_cleared(table, ("prior_budget", "prior_actual"), fates["prior_budget"].why)
    roll.sheet(BUDGET, rows, list(table.raw.index))


def _cleared(roll: _Roll, sheet: Sheet) -> None:
    table = roll.book[sheet.key]
    if len(table.raw):
        roll.rolled.not_carried.append(f"{sheet.title}：{len(table.raw)} 条记录是本年度的，新年度从空表开始（表头和自行添加的列保留）")
    roll.sheet(sheet, [], [])


def rollover(book: Book, validation: ValidationResult | None = None) -> Rollover:
    """Next year's rows, settings and added columns from *book*; *validation* (of *book*) goes into the guide."""
    year = book.year
    if year is None:
        raise ValueError("year")
    roll = _Roll(book, year + 1)
    _settings(roll, balances(book)["actual"]["closing"])
    _calendar(roll)
    _members(roll, year)
    _cleared(roll, VISITS)
    _cleared(roll, JOURNAL)
    _budget(roll)
    others = [n for n in book.sheet_names if n not in _OWN_SHEETS]
    if others:
        roll.rolled.not_carried.append(
            f"另外添加的工作表 {'、'.join(f'“{n}”' for n in others)} 未带入（新工作簿只有模板的工作表），如需要请手工复制")
    roll.rolled.guide = _guide(roll.rolled, book, validation)
    return roll.rolled


def _guide(rolled: Rollover, book: Book, validation: ValidationResult | None) -> list[str]:
    """The new book's 使用说明 section on where it came from: what was carried, what not, what to fix."""
    source = book.source.replace("\\", "/").rsplit("/", 1)[-1] or "上一年度工作簿"
    members = len(rolled.rows[MEMBERS.key])
    lines = ["", "【从上一年度结转】",
             f"本工作簿由 unionxl 从“{source}”（{book.year} 年度）结转生成，原工作簿未改动。",
             (f"带入：设置、会员 {members} 人、活动日历 {len(rolled.rows[CALENDAR.key])} 项、"
              f"经费预算科目 {len(rolled.rows[BUDGET.key])} 个；这些行中填写的内容（包括备注和自行添加的列）原样带入，"
              "自行添加的列放在表格最右侧。")]
    if rolled.dropped:
        lines.append(f"未带入的离会会员（{len(rolled.dropped)} 人）：{'、'.join(rolled.dropped)}。")
    if rolled.not_carried:
        lines += ["未照原样带入的内容："] + [f"· {line}。" for line in rolled.not_carried]
    if rolled.as_typed:
        lines.append(f"以下 {len(rolled.as_typed)} 个单元格不是有效的数字或日期，已按原文字带入，请改正："
                     f"{_names(rolled.as_typed)}。")
    if validation is not None and validation.errors:
        lines.append(f"上一年度工作簿校验有 {len(validation.errors)} 个错误，已照原样结转，请核对改正："
                     f"{validation.digest()}。")
    return lines
