"""Totals the template's formulas show, computed exactly in fen from the typed tables.

unionxl's figures follow the values as unionxl reads them: text in normal form (no trailing
or invisible spaces, half-width letters and digits; see unionxl.reading.text), numbers and
dates typed as text read as the number or date, merged text cells read into their rows.
Where the workbook's own formulas read a cell otherwise, a finding at that cell says so
(text-lookalike, number-as-text, merged-cells): the two figures never differ silently.
:func:`workbook_budget_actuals` is what the workbook's SUMIFS compute from the literal cells.
The LibreOffice tests recalculate the workbook and compare its formula results with these.
"""

from __future__ import annotations

import pandas as pd

from unionxl.contract.schema import BALANCE_VALUES, BUDGET, EXPENSE, INCOME, JOURNAL, MEMBERS
from unionxl.core import dues
from unionxl.reading.book import Book, Table


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


def literal_text(table: Table, key: str) -> pd.Series:
    """A text column as the cells hold it (what Excel's formulas compare), not in normal form."""
    values = table.data[key]
    literal = table.lookalikes.get(key)
    if literal is None or literal.empty:
        return values
    return values.where(~values.index.isin(literal.index), literal.reindex(values.index))


def workbook_budget_actuals(book: Book) -> pd.Series:
    """实际发生 per budget row (Int64 fen) as the workbook's SUMIFS compute it: text compared as
    the cells hold it (ignoring case, as Excel does), amounts typed as text left out."""
    budget, journal = book[BUDGET.key], book[JOURNAL.key]
    amounts = journal.data["amount"].where(~journal.raw["amount"].map(lambda v: isinstance(v, str)).astype(bool))
    keys = pd.DataFrame({"category": literal_text(journal, "category").str.lower(),
                         "direction": literal_text(journal, "direction").str.lower(), "amount": amounts})
    sums = keys.groupby(["category", "direction"])["amount"].sum(min_count=1)
    wanted = pd.MultiIndex.from_arrays([literal_text(budget, "level2").str.lower(),
                                        literal_text(budget, "direction").str.lower()])
    return pd.Series(sums.reindex(wanted).fillna(0).astype("int64").to_numpy(), index=budget.data.index, dtype="Int64")


def balances(book: Book) -> dict[str, dict[str, int]]:
    """The budget sheet's balance block in fen, for both sides: ``{"budget"|"actual": {line: fen}}``.

    Lines follow :data:`BALANCE_LINES` (income, opening, expense, closing): the budget side sums
    经费预算's 预算金额 by 收支, the actual side the journal's 金额 (as the block's SUMIFS do),
    and 上年结余 comes from 设置. The one place income, expense and closing are computed.
    """
    opening = int(book.settings.get("opening_balance", 0) or 0)
    budget = book[BUDGET.key].data
    journal = book[JOURNAL.key].data
    sources = {"budget": (budget, "budget"), "actual": (journal, "amount")}
    out: dict[str, dict[str, int]] = {}
    for _, side in BALANCE_VALUES:
        frame, column = sources[side]
        income = int(frame.loc[frame["direction"].eq(INCOME), column].fillna(0).sum())
        expense = int(frame.loc[frame["direction"].eq(EXPENSE), column].fillna(0).sum())
        out[side] = {"income": income, "opening": opening, "expense": expense, "closing": income + opening - expense}
    return out
