"""Checks on the member ledger: unique ids, status dates, dues paid month by month."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from unionxl.contract.findings import ERROR, INFO, WARNING, Finding
from unionxl.contract.money import format_yuan
from unionxl.contract.schema import MEMBERS, MONTH_KEYS, STATUS_ACTIVE
from unionxl.core import dues
from unionxl.core.checks.common import repeats
from unionxl.reading.book import Book


def duplicate_ids(book: Book) -> Iterator[Finding]:
    if MEMBERS.key not in book.tables:
        return
    table = book[MEMBERS.key]
    for row, first, member_id in repeats(table, "member_id"):
        yield Finding("member-duplicate-id", ERROR, MEMBERS.title, table.cell("member_id", row),
                      f"会员编号“{member_id}”重复（第 {first} 行已使用）", "每位会员的编号必须唯一，请改用新编号")


def member_records(book: Book) -> Iterator[Finding]:
    """A status other than 在职 needs its date; a member who owes dues needs a wage base."""
    if MEMBERS.key not in book.tables:
        return
    table = book[MEMBERS.key]
    data = table.data
    undated = data["status"].ne("") & data["status"].ne(STATUS_ACTIVE) & data["status_date"].isna()
    for row in data.index[undated]:
        yield Finding("status-date-missing", WARNING, MEMBERS.title, table.cell("status_date", row),
                      f"会员状态为“{data['status'][row]}”，但没有填写状态变更日期", "请填写退休、调离或去世的日期")
    if book.year is None:
        return
    owes = dues.due_mask(data, book.year).any(axis=1)
    no_wage = owes & data["wage"].isna() & data["status"].eq(STATUS_ACTIVE)
    for row in data.index[no_wage]:
        yield Finding("dues-base-missing", WARNING, MEMBERS.title, table.cell("wage", row),
                      "在职会员没有填写月工资基数，无法计算应缴会费", "请填写月工资基数（元）")


def dues_payments(book: Book) -> Iterator[Finding]:
    """Each month's payment: none after leaving, and the amount the dues rule gives."""
    rate = book.settings.values.get("dues_rate")
    if MEMBERS.key not in book.tables or book.year is None or rate is None:
        return
    table = book[MEMBERS.key]
    data = table.data
    paid = dues.paid(data)
    left = dues.left_mask(data, book.year)
    after_left = left & paid.gt(0)
    for row, key in _stacked(after_left):
        yield Finding("member-left-dues", ERROR, MEMBERS.title, table.cell(key, row),
                      f"{data['name'][row]}已于 {data['status_date'][row]:%Y-%m-%d} {data['status'][row]}，"
                      f"之后的 {MONTH_KEYS.index(key) + 1} 月仍记有会费 {format_yuan(paid.at[row, key])} 元",
                      "离会后不应再收会费，请核对或退还")
    due = dues.due_mask(data, book.year)
    monthly = dues.monthly_dues(data, float(rate))
    known = monthly.notna().to_numpy()[:, None]
    wrong = due & paid.gt(0) & known & paid.ne(monthly.fillna(0).astype("int64").to_numpy()[:, None])
    for row, key in _stacked(wrong):
        yield Finding("dues-amount-mismatch", WARNING, MEMBERS.title, table.cell(key, row),
                      f"{MONTH_KEYS.index(key) + 1} 月实缴 {format_yuan(paid.at[row, key])} 元，"
                      f"按工资基数应缴 {format_yuan(monthly[row])} 元", "请核对工资基数或实缴金额")
    early = ~due & ~left & paid.gt(0)
    for row, key in _stacked(early):
        yield Finding("dues-not-due", WARNING, MEMBERS.title, table.cell(key, row),
                      f"{MONTH_KEYS.index(key) + 1} 月不在应缴会费的月份内（入会前或退休后），却记有会费",
                      "请核对入会日期、会员状态或该月金额")
    yield from _arrears(table, due, paid, monthly)


def _arrears(table, due: pd.DataFrame, paid: pd.DataFrame, monthly: pd.Series) -> Iterator[Finding]:
    """Months owed but unpaid, up to the last month in which anyone paid (the months recorded)."""
    recorded = [k for k in MONTH_KEYS if paid[k].gt(0).any()]
    if not recorded:
        return
    upto = MONTH_KEYS.index(recorded[-1]) + 1
    window = list(MONTH_KEYS[:upto])
    missing = due[window] & paid[window].eq(0) & monthly.notna().to_numpy()[:, None]
    data = table.data
    for row in missing.index[missing.any(axis=1)]:
        months = [str(MONTH_KEYS.index(k) + 1) for k in window if missing.at[row, k]]
        yield Finding("dues-arrears", INFO, MEMBERS.title, table.cell("arrears", row) if "arrears" in table.positions
                      else table.cell("member_id", row),
                      f"{data['name'][row]} {('、'.join(months))} 月的会费未缴",
                      "请提醒会员补缴")


def _stacked(mask: pd.DataFrame) -> list[tuple[int, str]]:
    """(row, month key) pairs where *mask* is True, row by row."""
    rows, cols = np.nonzero(mask.to_numpy(dtype=bool))
    return [(int(mask.index[r]), str(mask.columns[c])) for r, c in zip(rows, cols)]
