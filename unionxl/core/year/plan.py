"""The standard annual plan (data/plan.toml) dated for a year, and re-dating a calendar row.

``unionxl new --year Y`` writes :func:`plan_rows` into 活动日历; ``unionxl rollover``
moves each row of this year's calendar to next year with :func:`redate`: rows of the
standard plan are dated afresh from it, rows that name a festival keep their distance to
that festival (春节 moves by weeks), and other rows keep their month and day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from unionxl.contract.schema import ACT_PLANNED
from unionxl.core.year.festivals import (
    FIRST_YEAR,
    LAST_YEAR,
    festival_date,
    festival_in,
    is_workday,
    plan_data,
    previous_workday,
)


@dataclass(frozen=True)
class PlanItem:
    activity: str
    category: str
    budget_item: str
    owner: str
    festival: str = ""
    offset_days: int = 0
    month: int = 0
    day: int = 0

    def festival_note(self, year: int) -> str | None:
        """备注 of a festival row, so the treasurer sees which day the plan counted from."""
        if not self.festival:
            return None
        day = festival_date(self.festival, year)
        return f"{self.festival}：{day.month}月{day.day}日"

    def date_in(self, year: int) -> dt.date:
        if self.festival:
            planned = festival_date(self.festival, year) + dt.timedelta(days=self.offset_days)
            planned = min(max(planned, dt.date(year, 1, 1)), dt.date(year, 12, 31))
        else:
            planned = dt.date(year, self.month, self.day)
        return previous_workday(planned)


def plan_items() -> list[PlanItem]:
    fields = PlanItem.__dataclass_fields__
    return [PlanItem(**{k: v for k, v in item.items() if k in fields}) for item in plan_data()["plan"]]


def plan_rows(year: int) -> list[dict[str, object]]:
    """活动日历 rows of the standard plan for *year*, in date order, all 计划."""
    rows = []
    for item in plan_items():
        date = item.date_in(year)
        rows.append({"month": date.month, "date": date, "activity": item.activity, "category": item.category,
                     "owner": item.owner, "budget_item": item.budget_item or None, "status": ACT_PLANNED,
                     "note": item.festival_note(year)})
    return sorted(rows, key=lambda r: r["date"])  # type: ignore[arg-type,return-value]


def _same_day(day: dt.date, year: int) -> dt.date:
    """Month and day in *year*; 29 February becomes the 28th in a common year."""
    try:
        return day.replace(year=year)
    except ValueError:
        return dt.date(year, 2, 28)


def redate(activity: str, day: dt.date, year: int) -> dt.date:
    """Where a calendar row dated *day* (in the year before *year*) belongs in *year*.

    A row on a working day is kept on one (moved back past weekends and holidays); a
    row deliberately on a weekend keeps its date. A date more than a year away from the
    year before *year* is a typo year (2062 for 2026): it is read as the same day of that year.
    """
    item = next((p for p in plan_items() if p.activity == activity), None)
    if item is not None:
        return item.date_in(year)
    if abs(day.year - (year - 1)) > 1:
        day = _same_day(day, year - 1)
    moved = _same_day(day, year)
    festival = festival_in(activity)
    shift = year - day.year
    years = [y for y in (day.year - 1, day.year, day.year + 1) if FIRST_YEAR <= min(y, y + shift)
             and max(y, y + shift) <= LAST_YEAR]
    if festival is not None and years:
        nearest = min(years, key=lambda y: abs((festival_date(festival.key, y) - day).days))
        candidate = festival_date(festival.key, nearest + shift) + (day - festival_date(festival.key, nearest))
        if candidate.year == year:
            moved = candidate
    return previous_workday(moved) if is_workday(day) else moved
