"""Totals the template's formulas show, computed exactly in fen from the typed tables.

The LibreOffice tests recalculate the workbook and compare its formula results with
these, so the Python core and the spreadsheet can never silently disagree.
"""

from __future__ import annotations

import pandas as pd

from unionxl.core import dues
from unionxl.reading.book import Book
from unionxl.contract.schema import BUDGET, JOURNAL, MEMBERS


def member_dues(book: Book) -> pd.DataFrame:
    """Per ledger row: monthly_dues, paid_total, arrears (Int64 fen), as the formulas compute them."""
    members = book[MEMBERS.key].data
    rate = float(book.settings.get("dues_rate", 0.005))  # type: ignore[arg-type]
    monthly = dues.monthly_dues(members, rate)
    paid = dues.paid(members)
    any_paid = members[[*paid.columns]].notna().any(axis=1)
    paid_total = paid.sum(axis=1).astype("Int64").where(any_paid)
    months_due = dues.due_mask(members, book.year or 0).sum(axis=1)
    arrears = (monthly * months_due - paid_total.fillna(0)).astype("Int64")
    return pd.DataFrame({"monthly_dues": monthly, "paid_total": paid_total, "arrears": arrears}, index=members.index)


def budget_actuals(book: Book) -> pd.Series:
    """实际发生 per budget row (Int64 fen): journal amounts by 科目 and 收支, as SUMIFS gives them."""
    budget = book[BUDGET.key].data
    journal = book[JOURNAL.key].data
    sums = journal.groupby(["category", "direction"])["amount"].sum(min_count=1)
    keys = pd.MultiIndex.from_arrays([budget["level2"], budget["direction"]])
    actual = sums.reindex(keys).fillna(0).astype("int64")
    return pd.Series(actual.to_numpy(), index=budget.index, dtype="Int64")
