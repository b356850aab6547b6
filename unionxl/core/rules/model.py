"""What a fund rule is: the rule and pack records, the checker-kind declaration, the result.

This module imports nothing of the rules package, so the loader (which validates packs
against the kinds' declared parameters) and the kinds (which check books against rules)
both depend on it and never on each other's callers.

A rule's *period* (``effective_from`` … ``effective_to``, both inclusive, either open) says
when its figure was in force. A superseded figure stays in its pack with its period, so a
book of an older year is still audited by the rules of its year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from unionxl.reading.book import Book

SEVERITIES = ("error", "warning")
PASS, FAIL, WARN = "pass", "fail", "warn"
STATUS_OF = {"error": FAIL, "warning": WARN}


class RulePackError(Exception):
    """A malformed pack: the message names the file and the rule."""


# --- periods -------------------------------------------------------------------------

def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def overlaps(start: dt.date | None, end: dt.date | None, first: dt.date, last: dt.date) -> bool:
    """Whether the period start … end (open where None) shares a day with first … last."""
    return (start is None or start <= last) and (end is None or end >= first)


def period_text(start: dt.date | None, end: dt.date | None) -> str:
    """The period as the treasurer reads it: “2019-01-01 起”, “2018-01-01 至 2018-12-31”."""
    if start is None and end is None:
        return "生效日期未查到，未见废止"
    if end is None:
        return f"{start:%Y-%m-%d} 起"
    if start is None:
        return f"生效日期未查到，至 {end:%Y-%m-%d}"
    return f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"


# --- rules and packs -----------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    """One version of a rule: its figure, where it comes from and when it was in force."""

    id: str
    title: str
    basis: str
    kind: str
    severity: str
    confirmed: bool
    params: dict[str, Any]
    pack: str
    source: str = ""
    quote: str = ""
    note: str = ""
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None

    @property
    def period(self) -> str:
        return period_text(self.effective_from, self.effective_to)

    def in_force_on(self, day: dt.date) -> bool:
        return overlaps(self.effective_from, self.effective_to, day, day)


@dataclass(frozen=True)
class Pack:
    id: str
    name: str
    province: str
    path: Path
    rules: tuple[dict[str, Any], ...]
    extends: str = ""
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    level: str = "province"
    note: str = ""
    source: str = ""

    @property
    def period(self) -> str:
        return period_text(self.effective_from, self.effective_to)


@dataclass
class RuleSet:
    """The rule versions that apply to one year (or, without a year, the newest of each)."""

    packs: list[Pack]
    rules: list[Rule] = field(default_factory=list)
    #: why no provincial pack applies, when none does
    notice: str = ""
    year: int | None = None

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.packs]


# --- checker kinds ---------------------------------------------------------------------

#: parameter types a kind may declare; "money" is given in 元 and held as fen
PARAM_TYPES = ("money", "number", "int", "text", "texts", "table", "bool", "fraction")


@dataclass(frozen=True)
class Param:
    """One parameter a checker kind takes from the TOML: name, type, whether it is required."""

    name: str
    type: str
    doc: str
    required: bool = False
    choices: tuple[str, ...] = ()

    @property
    def money(self) -> bool:
        return self.type == "money"


#: a kind's scope: "row" kinds judge each dated row by the version in force on its date;
#: "year" kinds judge the year's totals by the version in force at the end of the year
ROW, YEAR = "row", "year"


@dataclass(frozen=True)
class Kind:
    name: str
    check: Callable[[Book, Rule], RuleResult]
    params: tuple[Param, ...]
    scope: str
    doc: str
    #: groups of which at least one parameter must be given (e.g. a limit or a count)
    one_of: tuple[tuple[str, ...], ...] = ()

    @property
    def by_name(self) -> dict[str, Param]:
        return {p.name: p for p in self.params}

    @property
    def money_params(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params if p.money)


# --- results -------------------------------------------------------------------------

@dataclass(frozen=True)
class Violation:
    sheet: str
    cell: str
    detail: str
    amount: int | None = None
    limit: int | None = None
    status: str = FAIL
    #: "actual" (the year's books) or "plan" (经费预算/活动日历 amounts submitted before the year)
    side: str = "actual"


@dataclass
class RuleResult:
    rule: Rule
    status: str
    violations: list[Violation] = field(default_factory=list)
    amount: int | None = None
    limit: int | None = None
    detail: str = ""
    #: what amount and limit count: fen ("元") or offending rows ("项")
    unit: str = "元"


def conclude(rule: Rule, violations: list[Violation], amount: int | None, limit: int | None, detail: str,
             unit: str = "元") -> RuleResult:
    """The rule's overall status is its worst violation's."""
    statuses = {v.status for v in violations}
    status = FAIL if FAIL in statuses else WARN if WARN in statuses else PASS
    return RuleResult(rule, status, violations, amount, limit, detail, unit)
