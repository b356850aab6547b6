"""Plain functions behind the worksheet UDFs (=UNION_DUES, =UNION_CAP, =UNION_CHECK)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from unionxl.contract.money import dues_fen, rate_to_ppm
from unionxl.contract.schema import FINDINGS_SHEET, SEVERITY_TITLES
from unionxl.core.rules import resolve


def dues_yuan(wage: float | None, rate: float = 0.005) -> float | str:
    """会费 for one month in 元: whole 10 元 of the wage base × rate, to the fen."""
    if wage is None or wage == "":
        return ""
    return dues_fen(int(round(float(wage) * 100)), rate_to_ppm(float(rate))) / 100


def cap_yuan(kind: str, province: str = "全国", year: int | None = None) -> float | str:
    """The cap for a 慰问类型 in force in *year* (设置!年度; the newest without one): per event,
    else per member per year; '' when none applies. Where a year has two versions of a rule
    (a figure changed mid-year), the one in force at the end of the year."""
    rules = resolve(province or "全国", int(year) if year else None).rules
    for rule_kind in ("per_event_cap", "per_member_year"):
        candidates = [r for r in rules if r.kind == rule_kind and kind in r.params.get("visit_types", [])
                      and "limit" in r.params and not r.params.get("reason_contains")
                      and not r.params.get("reason_excludes")]
        if candidates:
            return max(candidates, key=lambda r: r.effective_from or dt.date.min).params["limit"] / 100
    return ""


def open_errors(findings_values: Sequence[Sequence[object]] | None) -> int:
    """Errors listed in the 校验结果 sheet's values (header row first)."""
    if not findings_values:
        return 0
    rows = list(findings_values)
    if not rows or list(rows[0])[: len(FINDINGS_SHEET.headers)] != list(FINDINGS_SHEET.headers):
        return 0
    return sum(1 for r in rows[1:] if r and r[0] == SEVERITY_TITLES["error"])
