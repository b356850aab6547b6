"""本月待办: what the treasurer has to do in one month, from the typed tables.

Five kinds of item, each pointing at the cell to act on: the month's activities (still
计划, or done without 实际金额), members whose birthday is this month and who have had
no 生日慰问 this year, retired members of 70 or more around 春节 and 重阳 who have no
visit yet, members behind with dues up to this month, and condolence payments without a
凭证号. Items are sorted by 工会小组 in the ledger's order, school-wide items first.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import asdict, dataclass

import pandas as pd

from unionxl.contract.money import format_yuan
from unionxl.contract.schema import (
    ACT_DONE,
    ACT_PLANNED,
    CALENDAR,
    LEFT_STATUSES,
    MEMBERS,
    MONTH_KEYS,
    STATUS_RETIRED,
    VISIT_BIRTHDAY,
    VISITS,
)
from unionxl.core import dues
from unionxl.core.year.festivals import FestivalError, festival_date
from unionxl.reading.book import Book

KIND_ACTIVITY, KIND_BIRTHDAY, KIND_ELDER, KIND_DUES, KIND_VOUCHER = (
    "活动安排", "生日慰问", "高龄退休教职工慰问", "会费欠缴", "补凭证号")
KIND_ORDER = (KIND_ACTIVITY, KIND_BIRTHDAY, KIND_ELDER, KIND_DUES, KIND_VOUCHER)
WHOLE_UNION = "（全体）"
ELDER_AGE = 70
#: festivals whose visits go to retired members aged 70 or more, and the months before
#: the festival in which the visit is usually made
ELDER_FESTIVALS = (("春节", 1), ("重阳", 0))
#: a visit this many days before to this many after the festival counts as made for it
ELDER_WINDOW = (45, 15)


@dataclass(frozen=True)
class TodoItem:
    group: str
    kind: str
    member_id: str
    name: str
    detail: str
    cell: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class Todo:
    year: int
    month: int
    today: dt.date
    items: list[TodoItem]

    def to_dict(self) -> dict[str, object]:
        return {"year": self.year, "month": self.month, "today": self.today.isoformat(),
                "items": [i.to_dict() for i in self.items]}


def default_month(year: int, today: dt.date) -> int:
    """This month in the workbook's own year; December for a past year, January for a future one."""
    if year == today.year:
        return today.month
    return 12 if year < today.year else 1


def age_on(birth: dt.date, day: dt.date) -> int:
    """Full years on *day*; someone born on 29 February turns a year older on 1 March in a common year."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def todo(book: Book, month: int, today: dt.date) -> Todo:
    year = book.year
    if year is None:
        raise ValueError("year")
    start = pd.Timestamp(year, month, 1)
    end = start + pd.offsets.MonthEnd(0)
    items = (_activities(book, start, end, today) + _birthdays(book, month, start, end) + _elders(book, month)
             + _arrears(book, month) + _vouchers(book, end))
    return Todo(year, month, today, _sorted(book, items))


def _sorted(book: Book, items: list[TodoItem]) -> list[TodoItem]:
    groups = [WHOLE_UNION] + list(dict.fromkeys(book[MEMBERS.key].data["group"].fillna("")))
    rank = {g: i for i, g in enumerate(groups)}
    return sorted(items, key=lambda i: (rank.get(i.group, len(rank)), KIND_ORDER.index(i.kind)))


def _activities(book: Book, start: pd.Timestamp, end: pd.Timestamp, today: dt.date) -> list[TodoItem]:
    table = book[CALENDAR.key]
    data = table.data
    month = data["date"].dt.month.where(data["date"].notna(), data["month"])
    rows = data.loc[month.eq(start.month) & (data["date"].isna() | data["date"].between(start, end))]
    unrecorded = rows["actual"].isna() & rows["budget"].fillna(0).gt(0)
    items = []
    for row in rows.index:
        day, status = rows["date"][row], rows["status"][row]
        when = _month_day(day) if pd.notna(day) else f"{start.month}月"
        if status == ACT_PLANNED and pd.notna(day) and day.date() < today:
            detail, cell = f"{when}已过，状态仍为“计划”：请改为已完成或取消，并填实际金额和参与人数", "status"
        elif status == ACT_PLANNED:
            detail, cell = f"本月计划，{when}", "date"
        elif status == ACT_DONE and unrecorded[row]:
            detail, cell = "已完成，未填实际金额", "actual"
        else:
            continue
        owner = rows["owner"][row]
        items.append(TodoItem(WHOLE_UNION, KIND_ACTIVITY, "", rows["activity"][row],
                              detail + (f"（负责人：{owner}）" if owner else ""), table.cell(cell, row)))
    return items


def _on_books(members: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Members in the union during the month: joined by its end, not left or retired before its start."""
    joined = members["join_date"].isna() | members["join_date"].le(end)
    gone = members["status"].isin(LEFT_STATUSES + (STATUS_RETIRED,))
    gone_before = gone & (members["status_date"].isna() | members["status_date"].lt(start))
    return joined & ~gone_before


def _birthdays(book: Book, month: int, start: pd.Timestamp, end: pd.Timestamp) -> list[TodoItem]:
    table = book[MEMBERS.key]
    members = table.data
    visits = book[VISITS.key].data
    greeted = set(visits.loc[visits["visit_type"].eq(VISIT_BIRTHDAY) & visits["date"].dt.year.eq(book.year),
                             "member_id"])
    due = members.loc[members["birth_date"].dt.month.eq(month) & _on_books(members, start, end)
                      & ~members["member_id"].isin(greeted)]
    return [TodoItem(_group(due, row), KIND_BIRTHDAY, due["member_id"][row], due["name"][row],
                     f"{_birthday(due['birth_date'][row].date(), book.year)}生日，今年尚未登记生日慰问",
                     table.cell("birth_date", row)) for row in due.index]


def _birthday(birth: dt.date, year: int) -> str:
    if (birth.month, birth.day) == (2, 29) and not calendar.isleap(year):
        return "2月29日（今年按2月28日）"
    return _month_day(birth)


def _elders(book: Book, month: int) -> list[TodoItem]:
    table = book[MEMBERS.key]
    members = table.data
    visits = book[VISITS.key].data
    items = []
    for key, months_before in ELDER_FESTIVALS:
        try:
            day = festival_date(key, book.year)
        except FestivalError:
            continue
        if not day.month - months_before <= month <= day.month:
            continue
        stamp = pd.Timestamp(day)
        retired = members["status"].eq(STATUS_RETIRED) & (members["status_date"].isna() | members["status_date"].le(stamp))
        window = visits["date"].between(stamp - pd.Timedelta(days=ELDER_WINDOW[0]), stamp + pd.Timedelta(days=ELDER_WINDOW[1]))
        visited = set(visits.loc[window, "member_id"])
        for row in members.index[retired & members["birth_date"].notna() & ~members["member_id"].isin(visited)]:
            age = age_on(members["birth_date"][row].date(), day)
            if age >= ELDER_AGE:
                items.append(TodoItem(_group(members, row), KIND_ELDER, members["member_id"][row], members["name"][row],
                                      f"{age}岁，{key}（{_month_day(day)}）前后尚未登记慰问",
                                      table.cell("status", row)))
    return items


def _arrears(book: Book, month: int) -> list[TodoItem]:
    table = book[MEMBERS.key]
    members = table.data
    rate = book.settings.get("dues_rate")
    if not rate:
        return []
    keys = list(MONTH_KEYS[:month])
    owed = (dues.expected(members, book.year, float(rate))[keys] - dues.paid(members)[keys]).clip(lower=0)
    items = []
    for row in owed.index[owed.sum(axis=1).gt(0)]:
        late = [k for k in keys if owed.at[row, k] > 0]
        months = "、".join(f"{MONTH_KEYS.index(k) + 1}月" for k in late)
        items.append(TodoItem(_group(members, row), KIND_DUES, members["member_id"][row], members["name"][row],
                              f"{months}会费未缴足，共欠 {format_yuan(int(owed.loc[row].sum()))} 元",
                              table.cell(late[0], row)))
    return items


def _vouchers(book: Book, end: pd.Timestamp) -> list[TodoItem]:
    table = book[VISITS.key]
    visits = table.data
    groups = book[MEMBERS.key].data.drop_duplicates("member_id").set_index("member_id")["group"]
    rows = visits.loc[visits["amount"].fillna(0).gt(0) & visits["voucher"].fillna("").eq("")
                      & visits["date"].le(end) & visits["date"].dt.year.eq(book.year)]
    return [TodoItem(groups.get(rows["member_id"][row], "") or "", KIND_VOUCHER, rows["member_id"][row],
                     rows["name"][row],
                     f"{_month_day(rows['date'][row])}{rows['visit_type'][row]} {format_yuan(int(rows['amount'][row]))} 元没有凭证号",
                     table.cell("voucher", row)) for row in rows.index]


def _month_day(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


def _group(frame: pd.DataFrame, row: int) -> str:
    value = frame["group"][row]
    return "" if pd.isna(value) else str(value)
