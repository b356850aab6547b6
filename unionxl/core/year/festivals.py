"""Festival dates for any year 1950–2099, from well-kept calendars rather than a typed table.

Lunar festivals (春节, 端午, 中秋, 重阳) come from ``lunardate``, 清明 (a solar term) and
the statutory holidays with their 补假 days from ``holidays``' China calendar. Which
festival is which lives in ``data/plan.toml``.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from dataclasses import dataclass
from pathlib import Path

import holidays
from lunardate import LunarDate

from unionxl.contract.errors import UnusableWorkbook

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PLAN_FILE = Path(__file__).resolve().parents[2] / "data" / "plan.toml"
FIRST_YEAR, LAST_YEAR = 1950, 2099
#: python-holidays' name prefix of a swapped working day: not a festival day itself
_SWAPPED_DAY = "休息日"
#: what follows a festival's name on its extra days: （补假）, or （观察日） in releases before 0.95
_SUFFIX = "（"


class FestivalError(UnusableWorkbook):
    """A year the calendars cannot date: both front doors report it as a Chinese reason."""


@dataclass(frozen=True)
class Festival:
    key: str
    solar: tuple[int, int] | None = None
    lunar: tuple[int, int] | None = None
    holiday: str = ""
    statutory: bool = False
    keywords: tuple[str, ...] = ()


@functools.cache
def plan_data() -> dict:
    return tomllib.loads(PLAN_FILE.read_text(encoding="utf-8"))


@functools.cache
def festivals() -> dict[str, Festival]:
    out = {}
    for item in plan_data()["festival"]:
        out[item["key"]] = Festival(
            key=item["key"], solar=tuple(item["solar"]) if "solar" in item else None,
            lunar=tuple(item["lunar"]) if "lunar" in item else None, holiday=item.get("holiday", ""),
            statutory=bool(item.get("statutory")), keywords=tuple(item.get("keywords", ())))
    return out


def check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise FestivalError(f"年度 {year} 超出节日日期的计算范围（{FIRST_YEAR}–{LAST_YEAR} 年）")


@functools.cache
def _china(year: int) -> dict[dt.date, str]:
    return dict(holidays.China(years=year, language="zh_CN"))


def festival_date(key: str, year: int) -> dt.date:
    """The day of festival *key* in *year* (e.g. 春节 2026 → 2026-02-17)."""
    check_year(year)
    festival = festivals()[key]
    if festival.solar:
        return dt.date(year, *festival.solar)
    if festival.lunar:
        return LunarDate(year, *festival.lunar).to_solar_date()
    return min(day for day, name in _china(year).items() if name == festival.holiday)


@functools.cache
def statutory_days(year: int) -> tuple[tuple[dt.date, str], ...]:
    """The statutory festival days of *year* with their names, 补假 included, swapped working days not."""
    check_year(year)
    return tuple(sorted((day, name.split(_SUFFIX)[0]) for day, name in _china(year).items()
                        if not name.startswith(_SWAPPED_DAY)))


@functools.cache
def nearest_statutory(day: dt.date) -> tuple[dt.date, str, int]:
    """The statutory festival day closest to *day*: (date, name, distance in days)."""
    years = [y for y in (day.year - 1, day.year, day.year + 1) if FIRST_YEAR <= y <= LAST_YEAR]
    if day.year not in years:
        check_year(day.year)
    candidates = [d for y in years for d in statutory_days(y)]
    best = min(candidates, key=lambda item: abs((item[0] - day).days))
    return best[0], best[1], abs((best[0] - day).days)


def is_workday(day: dt.date) -> bool:
    """Monday–Friday and not a statutory holiday (swapped working Saturdays are ignored)."""
    return day.weekday() < 5 and day not in _china(day.year)


def previous_workday(day: dt.date) -> dt.date:
    """*day* itself when a workday, else the workday before it — or after, to stay in the year."""
    moved = day
    while not is_workday(moved):
        moved -= dt.timedelta(days=1)
    if moved.year == day.year:
        return moved
    moved = day
    while not is_workday(moved):
        moved += dt.timedelta(days=1)
    return moved


def festival_in(text: str) -> Festival | None:
    """The festival an activity name speaks of (first keyword found, in plan order)."""
    for festival in festivals().values():
        if any(word in text for word in festival.keywords):
            return festival
    return None
