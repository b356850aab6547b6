"""What the checker kinds share: declared parameters, row selection, periods, the plan's figures."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from unionxl.contract.money import format_yuan
from unionxl.contract.schema import (
    ACT_CANCELLED,
    BUDGET,
    CALENDAR,
    EXPENSE,
    MEMBERS,
    STATUS_ACTIVE,
    STATUS_RETIRED,
    VISITS,
)
from unionxl.core.rules.model import Param, Rule
from unionxl.reading.book import Book

# --- parameters several kinds declare ------------------------------------------------------

VISIT_TYPES = Param("visit_types", "texts", "慰问类型（慰问记录“慰问类型”的取值）", required=True)
ANY_VISIT_TYPES = Param("visit_types", "texts", "慰问类型；不写则包括所有类型")
REASON_CONTAINS = Param("reason_contains", "texts", "只核对事由或备注含这些词的慰问")
REASON_EXCLUDES = Param("reason_excludes", "texts", "不核对事由或备注含这些词的慰问")
LIMIT = Param("limit", "money", "限额（元）", required=True)
PLAN_ACTIVITIES = Param("plan_activities", "texts",
                        "计划数取自活动日历中这些“活动类别”的预算金额（核对预算，不只核对实际）")
CATEGORIES = Param("categories", "texts", "收支明细/经费预算的科目（二级科目）")
KEYWORDS = Param("keywords", "texts", "出现即命中的关键词")


def yuan(fen: int | None) -> str:
    return f"{format_yuan(fen)} 元"


def types_text(rule: Rule) -> str:
    return "、".join(rule.params.get("visit_types", [])) or "慰问"


# --- periods ------------------------------------------------------------------------------

def in_period(book: Book, rule: Rule, dates: pd.Series) -> pd.Series:
    """Rows a row-scope rule version judges: those dated within its period.

    An undated row (a validation error of its own) is judged by the version in force at the
    end of the book's year, so two versions of one rule never both report it.
    """
    fallback = pd.Timestamp(dt.date(book.year, 12, 31)) if book.year else None
    days = dates if fallback is None else dates.fillna(fallback)
    mask = pd.Series(True, index=dates.index)
    if rule.effective_from is not None:
        mask &= days.ge(pd.Timestamp(rule.effective_from)) | days.isna()
    if rule.effective_to is not None:
        mask &= days.le(pd.Timestamp(rule.effective_to)) | days.isna()
    return mask


def calendar_dates(book: Book) -> pd.Series:
    """活动日历's 计划日期, or the first of its 月份 when the date is blank."""
    data = book[CALENDAR.key].data
    dates = data["date"]
    if book.year:
        months = pd.to_numeric(data["month"], errors="coerce")
        valid = months.between(1, 12)
        firsts = pd.to_datetime({"year": book.year, "month": months.where(valid, 12).fillna(12).astype(int),
                                 "day": 1}, errors="coerce")
        dates = dates.fillna(firsts.where(valid))
    return dates


# --- rows ---------------------------------------------------------------------------------

def text_of(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """The given text columns of each row, joined by spaces."""
    parts = [frame[c].astype(str) for c in columns if c in frame]
    if not parts:
        return pd.Series("", index=frame.index, dtype=object)
    out = parts[0]
    for part in parts[1:]:
        out = out + " " + part
    return out


def visits(book: Book, rule: Rule) -> pd.DataFrame:
    """Condolence rows of the rule's types (all types when it names none), narrowed by 事由 words."""
    data = book[VISITS.key].data
    types = rule.params.get("visit_types")
    rows = data.loc[data["visit_type"].isin(types)] if types else data
    text = text_of(rows, ["reason", "note"])
    for word in rule.params.get("reason_contains", []):
        rows = rows.loc[text.loc[rows.index].str.contains(word, regex=False)]
    for word in rule.params.get("reason_excludes", []):
        rows = rows.loc[~text.loc[rows.index].str.contains(word, regex=False)]
    return rows.loc[rows["date"].notna() | rows["amount"].notna()]


def member_count(book: Book) -> int:
    """Members on the ledger (在职 and 退休): the head count per-member caps divide by."""
    data = book[MEMBERS.key].data
    return int((data["member_id"].astype(str).str.strip().ne("") & data["status"].isin([STATUS_ACTIVE, STATUS_RETIRED])).sum())


# --- the plan -----------------------------------------------------------------------------

def planned_activities(book: Book, categories: list[str]) -> pd.DataFrame:
    """活动日历 rows of the given 活动类别 that carry a 预算金额 and are not cancelled."""
    data = book[CALENDAR.key].data
    return data.loc[data["category"].isin(categories) & data["status"].ne(ACT_CANCELLED) & data["budget"].notna()]


def budget_line_cell(book: Book, level2: str) -> str | None:
    """The 预算金额 cell of an expense line of 经费预算, when the sheet has that line."""
    table = book[BUDGET.key]
    data = table.data
    rows = data.index[data["level2"].eq(level2) & data["direction"].eq(EXPENSE)]
    return table.cell("budget", rows[0]) if len(rows) else None


def plan_cell(book: Book, rows: pd.DataFrame) -> str:
    """Where a planned figure from 活动日历 is reported: the 经费预算 line that carries most of it
    (its 预算科目), else the first calendar row's 预算金额."""
    by_line = rows.groupby("budget_item")["budget"].sum()
    by_line = by_line.loc[[str(line).strip() != "" for line in by_line.index]]
    if len(by_line):
        cell = budget_line_cell(book, str(by_line.idxmax()))
        if cell:
            return cell
    return book[CALENDAR.key].cell("budget", rows.index[0])
