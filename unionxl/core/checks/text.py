"""Lookalike text: every matched cell unionxl read in normal form, and what it means.

unionxl reads dropdown values, budget categories, member ids and vouchers in normal form
(``unionxl.reading.text``), so “会费收入 ” (a trailing space) counts as 会费收入 everywhere in
unionxl. The workbook's own formulas compare the cells as they are: where that changes a
figure the workbook shows (实际发生, the balance block, 欠缴), the finding is a warning that
says which figure and by how much; otherwise a note that the value was tidied.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cached_property

import pandas as pd

from unionxl.contract.findings import INFO, WARNING, Finding, sort_findings
from unionxl.contract.money import format_yuan
from unionxl.contract.schema import (
    BALANCE_LINES, BUDGET, EXPENSE, FORMULA_READERS, INCOME, JOURNAL, MEMBERS, SETTINGS, SETTINGS_BY_TITLE, SHEETS,
    STATUS_ACTIVE, balance_cell, column_letter,
)
from unionxl.core.totals import budget_actuals, literal_text, workbook_budget_actuals
from unionxl.reading.book import Book, Table
from unionxl.reading.text import difference

class _Totals:
    """The budget's 实际发生 both ways, computed once per validation."""

    def __init__(self, book: Book) -> None:
        self.book = book

    @cached_property
    def ours(self) -> pd.Series:
        return budget_actuals(self.book)

    @cached_property
    def theirs(self) -> pd.Series:
        return workbook_budget_actuals(self.book)

    @cached_property
    def budget_literal(self) -> tuple[pd.Series, pd.Series]:
        """The budget's 二级科目 and 收支 as the workbook's SUMIFS compares them (as written, any case)."""
        budget = self.book[BUDGET.key]
        return literal_text(budget, "level2").str.lower(), literal_text(budget, "direction").str.lower()

    @cached_property
    def journal_literal(self) -> tuple[pd.Series, pd.Series]:
        """The journal's 科目 and 收支 the same way (once, not once per lookalike row)."""
        journal = self.book[JOURNAL.key]
        return literal_text(journal, "category").str.lower(), literal_text(journal, "direction").str.lower()


#: a consequence: the reason the workbook's formulas read this cell otherwise, or "" if they agree
Consequence = Callable[[_Totals, Table, str, int], str]

_HINT = "请删除多余的空格或不可见字符，或从下拉列表重新选择；全角字母和数字请改为半角"


def lookalike_text(book: Book) -> Iterator[Finding]:
    totals = _Totals(book)
    budgeted = BUDGET.key in book.tables and JOURNAL.key in book.tables
    for sheet_key, table in book.tables.items():
        sheet = SHEETS[sheet_key]
        for key, literal in table.lookalikes.items():
            column = sheet.col(key)
            consequence = _CONSEQUENCES.get((sheet_key, key))
            for row, text in literal.items():
                value = table.data.at[row, key]
                what = f"“{column.title}”的值“{text}”{difference(text, value)}"
                known = consequence is not None and (budgeted or sheet_key == MEMBERS.key)
                effect = consequence(totals, table, key, row) if known else ""
                if effect:
                    yield Finding("text-lookalike", WARNING, sheet.title, table.cell(key, row),
                                  f"{what}，看起来和“{value}”一样，但不是同一串字符：{effect}", _HINT)
                else:
                    yield Finding("text-normalised", INFO, sheet.title, table.cell(key, row),
                                  f"{what}，unionxl 按“{value}”读取" if value else f"{what}，unionxl 按空白读取",
                                  _HINT)


def _side(direction: str) -> str:
    return {INCOME: "income", EXPENSE: "expense"}.get(direction, "")


def _journal_row(totals: _Totals, table: Table, key: str, row: int) -> str:
    """A journal row counts under the budget rows whose 科目 and 收支 equal its own, literally in Excel."""
    budget = totals.book[BUDGET.key]
    data = table.data
    ours = budget.data.index[budget.data["level2"].eq(data.at[row, "category"])
                             & budget.data["direction"].eq(data.at[row, "direction"])]
    (level2, direction), (category, entered) = totals.budget_literal, totals.journal_literal
    theirs = budget.data.index[level2.eq(category[row]) & direction.eq(entered[row])]
    if list(ours) == list(theirs) or not len(ours):
        return ""
    amount = data.at[row, "amount"]
    money = f"（{format_yuan(int(amount))} 元）" if pd.notna(amount) else ""
    target = int(ours[0])
    name = budget.data.at[target, "level2"]
    cell = budget.cell("actual", target) if "actual" in budget.positions else budget.cell("level2", target)
    text = f"工作簿的公式按原样比较文字，不会把这一行{money}计入“{name}”的实际发生（{cell}）"
    side = _side(budget.data.at[target, "direction"])
    if side and not len(theirs):
        line = next(label for label, k in BALANCE_LINES if k == side)
        text += f"，也不计入{line}（{balance_cell(side, 'actual')}）"
    return text + f"；unionxl 按“{name}”计入，两处的数字因此不同"


def _budget_row(totals: _Totals, table: Table, key: str, row: int) -> str:
    """A budget row's 实际发生 is a SUMIFS over the journal by its own 二级科目 and 收支, as written."""
    ours, theirs = int(totals.ours[row]), int(totals.theirs[row])
    text = ""
    if ours != theirs:
        cell = table.cell("actual", row) if "actual" in table.positions else table.cell(key, row)
        text = (f"工作簿的实际发生公式（{cell}）按原样比较文字，算出 {format_yuan(theirs)} 元，"
                f"unionxl 按“{table.data.at[row, 'level2']}”算出 {format_yuan(ours)} 元")
    side = _side(table.data.at[row, "direction"])
    planned = table.data.at[row, "budget"] if "budget" in table.data else pd.NA
    if key == "direction" and side and (ours or (pd.notna(planned) and planned)):
        line = next(label for label, k in BALANCE_LINES if k == side)
        cells = "、".join(balance_cell(side, v) for v in ("budget", "actual"))
        text += ("；" if text else "") + f"这一行的预算金额和实际发生也不计入收支平衡的{line}（{cells}）"
    return text


def _member_status(totals: _Totals, table: Table, key: str, row: int) -> str:
    """欠缴 asks whether 会员状态 is exactly “在职” (or empty) before it looks at the status date."""
    data = table.data
    if data.at[row, "status"] in (STATUS_ACTIVE, "") and pd.notna(data.at[row, "status_date"]):
        cell = table.cell("arrears", row) if "arrears" in table.positions else table.cell(key, row)
        return (f"工作簿的“欠缴”公式（{cell}）认不出“{STATUS_ACTIVE}”，会只算到状态变更日期 "
                f"{data.at[row, 'status_date']:%Y-%m-%d} 为止；unionxl 按在职计算全年，两处的欠缴因此不同")
    return ""


_CONSEQUENCES: dict[tuple[str, str], Consequence] = {
    (JOURNAL.key, "category"): _journal_row,
    (JOURNAL.key, "direction"): _journal_row,
    (BUDGET.key, "level2"): _budget_row,
    (BUDGET.key, "direction"): _budget_row,
    (MEMBERS.key, "status"): _member_status,
}


#: reading findings that, as warnings, mean a workbook formula computes another figure than unionxl
_READ_OTHERWISE = ("number-as-text", "date-as-text", "merged-cells")


def formula_disagreements(book: Book) -> list[Finding]:
    """The cells where the workbook's own formulas compute another figure than unionxl: the
    lookalike text, numbers and dates typed as text in columns a formula reads, merged text."""
    found = [f for f in lookalike_text(book) if f.severity == WARNING]
    for finding in book.findings:
        if finding.severity != WARNING or finding.rule not in _READ_OTHERWISE:
            continue
        if finding.rule == "merged-cells" or _read_by_formula(book, finding):
            found.append(finding)
    return found


def _read_by_formula(book: Book, finding: Finding) -> bool:
    sheet = next((s for s in SHEETS.values() if s.title == finding.sheet), None)
    if sheet is None or sheet.key not in book.tables:
        return False
    ref = finding.cell.partition("!")[2]
    letters = ref.rstrip("0123456789")
    if sheet.key == SETTINGS.key:
        items = book[SETTINGS.key].data.get("item")
        row = int(ref[len(letters):] or 0)
        setting = SETTINGS_BY_TITLE.get(items.get(row, "")) if items is not None else None
        return setting is not None and (SETTINGS.key, setting.key) in FORMULA_READERS
    table = book[sheet.key]
    return any((sheet.key, key) in FORMULA_READERS for key, pos in table.positions.items()
               if column_letter(pos) == letters)


def reading_note(book: Book) -> str:
    """One line for a report whose figures follow unionxl's reading where the workbook's differ."""
    cells = [f.cell for f in sort_findings(formula_disagreements(book))]
    if not cells:
        return ""
    shown = "、".join(cells[:3]) + ("等" if len(cells) > 3 else "")
    return (f"注意：有 {len(cells)} 个单元格（{shown}）unionxl 的读法与工作簿中的公式不同，本汇总按 unionxl 的读法统计"
            "（文字去掉多余的空格和看不见的字符、写成文字的数字按数字、合并的文字按其值），与工作簿中公式显示的结果不一致；"
            "请按校验结果改正这些单元格")
