"""Rolling a master workbook over to the next year, into a new file.

Members are kept (those who transferred or died during or before the year are dropped
and listed), dues are cleared, the budget tree is kept with 上年预算/上年实际 filled from
this year, 上年结余 carries this year's closing balance, and the activity calendar is
re-planned with next year's dates (:func:`unionxl.core.year.plan.redate`: lunar festivals move).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from unionxl.contract.schema import ACT_PLANNED, BUDGET, CALENDAR, LEFT_STATUSES, MEMBERS, MONTH_KEYS, SETTING_ITEMS
from unionxl.core.totals import balances, budget_actuals
from unionxl.core.year.plan import redate
from unionxl.reading.book import Book


@dataclass
class Rollover:
    settings: dict[str, object]
    rows: dict[str, list[dict[str, object]]]
    dropped: list[str] = field(default_factory=list)


def _plain(value: object, money: bool = False) -> object:
    """Typed core values back to what the template writer takes (dates, 元, text)."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if money:
        return int(value) / 100
    if hasattr(value, "item"):
        return value.item()
    return value


def _replanned(row: pd.Series, year: int) -> dict[str, object]:
    """A calendar row moved to *year*: festival rows follow their festival, the rest keep month and day."""
    day = _plain(row["date"])
    date = redate(str(row["activity"]), day, year) if day is not None else None
    return {
        "month": date.month if date else _plain(row["month"]), "date": date,
        "activity": row["activity"], "category": row["category"], "owner": row["owner"],
        "budget_item": row["budget_item"], "budget": _plain(row["budget"], money=True), "status": ACT_PLANNED,
    }


def rollover(book: Book) -> Rollover:
    year = book.year
    if year is None:
        raise ValueError("year")
    closing = balances(book)["actual"]["closing"]
    settings = {s.key: _plain(book.settings.values.get(s.key)) for s in SETTING_ITEMS}
    settings.update(year=year + 1, opening_balance=closing / 100)

    members = book[MEMBERS.key].data
    year_end = pd.Timestamp(year, 12, 31)
    gone = members["status"].isin(LEFT_STATUSES) & members["status_date"].le(year_end)
    kept_cols = [c for c in MEMBERS.input_columns if c.key not in MONTH_KEYS and c.key in members]
    member_rows = [
        {c.key: _plain(members.at[row, c.key], money=c.kind.value == "money") for c in kept_cols}
        for row in members.index[~gone]
    ]
    dropped = [f"{members.at[r, 'name']}（{members.at[r, 'status']}）" for r in members.index[gone]]

    budget = book[BUDGET.key].data
    actual = budget_actuals(book)
    budget_rows = [{
        "code": budget.at[row, "code"], "direction": budget.at[row, "direction"], "level1": budget.at[row, "level1"],
        "level2": budget.at[row, "level2"], "note": budget.at[row, "note"],
        "prior_budget": _plain(budget.at[row, "budget"], money=True), "prior_actual": int(actual[row]) / 100,
    } for row in budget.index]

    calendar = book[CALENDAR.key].data
    plan = [_replanned(calendar.loc[row], year + 1) for row in calendar.index]
    plan.sort(key=lambda r: (r["month"] or 13, r["date"] or dt.date.max))
    return Rollover(settings, {MEMBERS.key: member_rows, BUDGET.key: budget_rows, CALENDAR.key: plan}, dropped)
