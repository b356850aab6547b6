"""慰问金（品）发放签收表: the real-name receipt lists behind every 慰问 payment, from 慰问记录.

One list per distribution: the visits of one date and one 慰问类型 (a holiday's greeting to
all staff, a month's birthday cakes, one hospital visit). Every 慰问记录 row is on exactly one
list, ordered by 工会小组 and 会员编号 so a group leader can pass the sheet round; the 工会小组
comes from 会员台账 by 会员编号. Research: docs/year-end-package.md §5.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from unionxl.contract.schema import MEMBERS, VISIT_OWN_DEATH, VISITS
from unionxl.reading.book import Book


@dataclass(frozen=True)
class Receipt:
    """One person's line: who, what for, how much (fen, None for a visit without money)."""

    member_id: str
    name: str
    group: str
    visit_type: str
    reason: str
    amount: int | None
    form: str
    voucher: str
    #: the 慰问记录 row it comes from (``慰问记录!A12``)
    cell: str

    @property
    def by_proxy(self) -> bool:
        """本人去世: a relative signs for the member."""
        return self.visit_type == VISIT_OWN_DEATH


@dataclass
class Distribution:
    date: dt.date | None
    visit_type: str
    receipts: list[Receipt] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(r.amount or 0 for r in self.receipts)

    def _distinct(self, key: str) -> list[str]:
        return list(dict.fromkeys(getattr(r, key) for r in self.receipts if getattr(r, key)))

    @property
    def forms(self) -> list[str]:
        return self._distinct("form")

    @property
    def reasons(self) -> list[str]:
        return self._distinct("reason")

    @property
    def vouchers(self) -> list[str]:
        return self._distinct("voucher")


def distributions(book: Book) -> list[Distribution]:
    """Every 慰问记录 row on the list of its date and 慰问类型, lists in date order."""
    visits = book[VISITS.key]
    members = book[MEMBERS.key].data
    groups = dict(zip(members["member_id"], members["group"]))
    out: dict[tuple[object, str], Distribution] = {}
    data = visits.data
    for row in data.index:
        r = data.loc[row]
        day = None if pd.isna(r["date"]) else r["date"].date()
        key = (day, str(r["visit_type"]))
        amount = None if pd.isna(r["amount"]) else int(r["amount"])
        receipt = Receipt(str(r["member_id"]), str(r["name"]), str(groups.get(r["member_id"], "") or ""),
                          str(r["visit_type"]), str(r["reason"]), amount, str(r["form"]), str(r["voucher"]),
                          visits.cell("date", row))
        out.setdefault(key, Distribution(day, key[1])).receipts.append(receipt)
    for d in out.values():
        d.receipts.sort(key=lambda x: (x.group == "", x.group, x.member_id))
    return sorted(out.values(), key=lambda d: (d.date is None, d.date or dt.date.min, d.visit_type))
