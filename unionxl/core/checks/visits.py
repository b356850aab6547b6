"""Checks on the condolence register against the member ledger."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from unionxl.contract.findings import ERROR, WARNING, Finding
from unionxl.contract.schema import AFTER_LEAVING_VISIT_TYPES, LEFT_STATUSES, MEMBERS, VISIT_BIRTHDAY, VISITS
from unionxl.reading.book import Book


def member_lookup(book: Book) -> pd.DataFrame:
    """The ledger by 会员编号 (first row of a duplicated id), for joining other sheets."""
    members = book[MEMBERS.key].data
    members = members.loc[members["member_id"].ne("")]
    return members.loc[~members["member_id"].duplicated(keep="first")].set_index("member_id")


def _joined_visits(book: Book) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    if VISITS.key not in book.tables or MEMBERS.key not in book.tables:
        return None
    visits = book[VISITS.key].data
    ledger = member_lookup(book)
    matched = ledger[["name", "status", "status_date", "join_date", "birth_date"]].reindex(visits["member_id"].to_numpy())
    matched.index = visits.index
    return visits, pd.concat([visits, matched.rename(columns={"name": "name_ledger"})], axis=1)


def visits_against_members(book: Book) -> Iterator[Finding]:
    """The register joined to the ledger once, for both checks below."""
    pair = _joined_visits(book)
    if pair is not None:
        yield from visit_members(book, pair)
        yield from birthdays(book, pair)


def visit_members(book: Book, pair: tuple[pd.DataFrame, pd.DataFrame]) -> Iterator[Finding]:
    """The member must exist, with the same name, and be a member on the visit's date."""
    visits, joined = pair
    table = book[VISITS.key]
    known = joined["name_ledger"].notna()
    for row in visits.index[~known & visits["member_id"].ne("")]:
        yield Finding("member-unknown", ERROR, VISITS.title, table.cell("member_id", row),
                      f"会员编号“{visits['member_id'][row]}”在会员台账中不存在",
                      "请核对编号，或先在会员台账中登记该会员")
    renamed = known & visits["name"].ne("") & visits["name"].ne(joined["name_ledger"])
    for row in visits.index[renamed]:
        yield Finding("member-name-mismatch", ERROR, VISITS.title, table.cell("name", row),
                      f"姓名“{visits['name'][row]}”与会员台账中编号 {visits['member_id'][row]} 的姓名“{joined['name_ledger'][row]}”不一致",
                      "请核对会员编号和姓名")
    after_left = (known & joined["status"].isin(LEFT_STATUSES) & joined["status_date"].notna()
                  & visits["date"].gt(joined["status_date"]) & ~visits["visit_type"].isin(AFTER_LEAVING_VISIT_TYPES))
    for row in visits.index[after_left.fillna(False)]:
        yield Finding("member-left-visit", ERROR, VISITS.title, table.cell("date", row),
                      f"{joined['name_ledger'][row]}已于 {joined['status_date'][row]:%Y-%m-%d} {joined['status'][row]}，"
                      f"{visits['date'][row]:%Y-%m-%d} 不应再有“{visits['visit_type'][row]}”",
                      "离会后只可登记本人去世或直系亲属去世慰问；请核对日期、会员或会员状态")
    before_join = known & joined["join_date"].notna() & visits["date"].lt(joined["join_date"])
    for row in visits.index[before_join.fillna(False)]:
        yield Finding("member-not-joined", WARNING, VISITS.title, table.cell("date", row),
                      f"慰问日期早于{joined['name_ledger'][row]}的入会日期 {joined['join_date'][row]:%Y-%m-%d}",
                      "请核对日期或入会日期")


def birthdays(book: Book, pair: tuple[pd.DataFrame, pd.DataFrame]) -> Iterator[Finding]:
    """One 生日慰问 per member per year, given in the birth month."""
    visits, joined = pair
    table = book[VISITS.key]
    cake = visits["visit_type"].eq(VISIT_BIRTHDAY) & visits["member_id"].ne("") & visits["date"].notna()
    greetings = visits.loc[cake]
    year = greetings["date"].dt.year
    repeated = greetings.assign(_year=year).duplicated(subset=["member_id", "_year"], keep="first")
    for row in greetings.index[repeated]:
        first = greetings.index[(greetings["member_id"] == greetings["member_id"][row]) & (year == year[row])][0]
        yield Finding("birthday-duplicate", ERROR, VISITS.title, table.cell("visit_type", row),
                      f"{greetings['name'][row]}本年度已在第 {first} 行领过生日慰问，每人每年限一次",
                      "请删除重复的生日慰问")
    born = joined.loc[cake, "birth_date"]
    wrong_month = born.notna() & greetings["date"].dt.month.ne(born.dt.month) & ~repeated
    for row in greetings.index[wrong_month]:
        yield Finding("birthday-month", WARNING, VISITS.title, table.cell("date", row),
                      f"生日慰问日期在 {greetings['date'][row].month} 月，{greetings['name'][row]}的生日在 {born[row].month} 月",
                      "生日慰问一般在生日当月发放")
