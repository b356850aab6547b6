"""Checks that money recorded elsewhere agrees with the cash journal, the book of record."""

from __future__ import annotations

from collections.abc import Iterator

from unionxl.contract.findings import ERROR, Finding
from unionxl.contract.money import format_yuan
from unionxl.contract.schema import BUDGET, DUES_INCOME_CATEGORY, EXPENSE, INCOME, JOURNAL, MEMBERS, VISITS
from unionxl.core import dues
from unionxl.reading.book import Book


def vouchers_match(book: Book) -> Iterator[Finding]:
    """Condolences with a 凭证号 must add up to the journal's expense under that voucher."""
    if VISITS.key not in book.tables or JOURNAL.key not in book.tables:
        return
    table = book[VISITS.key]
    visits = table.data.loc[table.data["voucher"].ne("")]
    journal = book[JOURNAL.key].data
    spent = journal.loc[journal["direction"].eq(EXPENSE)].groupby("voucher")["amount"].sum()
    for voucher, group in visits.groupby("voucher", sort=False):
        first = int(group.index[0])
        total = int(group["amount"].fillna(0).sum())
        rows = f"共 {len(group)} 行、" if len(group) > 1 else ""
        if voucher not in spent.index:
            yield Finding("voucher-missing", ERROR, VISITS.title, table.cell("voucher", first),
                          f"凭证号“{voucher}”（{rows}{format_yuan(total)} 元）在收支明细中没有对应的支出",
                          "请在收支明细中登记这笔支出，或核对凭证号")
        elif int(spent[voucher]) != total:
            yield Finding("voucher-amount-mismatch", ERROR, VISITS.title, table.cell("amount", first),
                          f"凭证号“{voucher}”的慰问金额{rows}合计 {format_yuan(total)} 元，收支明细记为 {format_yuan(int(spent[voucher]))} 元",
                          "请核对慰问金额与记账金额")


def dues_match_journal(book: Book) -> Iterator[Finding]:
    """The ledger's dues paid for the year equal the journal's 会费收入."""
    if MEMBERS.key not in book.tables or JOURNAL.key not in book.tables:
        return
    ledger_total = int(dues.paid(book[MEMBERS.key].data).to_numpy().sum())
    journal = book[JOURNAL.key].data
    booked = journal["category"].eq(DUES_INCOME_CATEGORY) & journal["direction"].eq(INCOME)
    journal_total = int(journal.loc[booked, "amount"].fillna(0).sum())
    if ledger_total == journal_total:
        return
    cell = JOURNAL.title
    if BUDGET.key in book.tables:
        budget = book[BUDGET.key]
        rows = budget.data.index[budget.data["level2"].eq(DUES_INCOME_CATEGORY)]
        if len(rows) and "actual" in budget.positions:
            cell = budget.cell("actual", int(rows[0]))
    sheet = cell.split("!")[0]
    yield Finding("dues-journal-mismatch", ERROR, sheet, cell,
                  f"会员台账全年实缴会费合计 {format_yuan(ledger_total)} 元，收支明细“{DUES_INCOME_CATEGORY}”合计 {format_yuan(journal_total)} 元，相差 {format_yuan(ledger_total - journal_total)} 元",
                  "请逐月核对会员台账的实缴会费与收支明细的会费收入")
