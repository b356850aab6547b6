"""The year-end figures (年度汇总) a 年度工作总结 quotes, computed from the typed tables.

Everything here is pandas on the core frames: counts, 人次 and distinct people, and money
in fen. :func:`summarize` returns plain dicts and lists so the same result feeds the
report sheet, the JSON output, the narrative (drafted from it by :mod:`unionxl.core.narrative`, which the
caller attaches) and the bureau consolidation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pandas as pd

from unionxl.contract.schema import (
    ACT_CANCELLED,
    ACT_DONE,
    ACT_PLANNED,
    ACTIVITY_CATEGORIES,
    BALANCE_LINES,
    BUDGET,
    CALENDAR,
    EXPENSE,
    INCOME,
    JOURNAL,
    LEFT_STATUSES,
    MEMBER_STATUSES,
    MEMBERS,
    MONTHS,
    STATUS_RETIRED,
    VISIT_HARDSHIP,
    VISIT_ILL,
    VISIT_OWN_DEATH,
    VISIT_TYPES,
    VISITS,
)
from unionxl.core import dues
from unionxl.core.checks.text import reading_note
from unionxl.core.totals import balances, budget_actuals
from unionxl.reading.book import Book

HEALTH_CHECK_CATEGORY = "健康体检"


@dataclass
class Summary:
    union_name: str
    year: int | None
    members: dict[str, object]
    dues: dict[str, object]
    condolences: dict[str, object]
    activities: dict[str, object]
    journal: dict[str, object]
    budget: list[dict[str, object]]
    balance: dict[str, int]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: money stays in fen under keys ending ``_fen``; 元 is added beside each."""
        return _with_yuan(asdict(self))


def _with_yuan(value: object) -> object:
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            out[k] = _with_yuan(v)
            if isinstance(k, str) and k.endswith("_fen") and isinstance(v, int):
                out[k[:-4] + "_yuan"] = round(v / 100, 2)
        return out
    if isinstance(value, list):
        return [_with_yuan(v) for v in value]
    return value


def _in_year(dates: pd.Series, year: int | None) -> pd.Series:
    return dates.dt.year.eq(year) if year is not None else dates.notna()


def _fen(series: pd.Series) -> int:
    return int(series.fillna(0).sum())


def member_figures(book: Book) -> dict[str, object]:
    members = book[MEMBERS.key].data
    year = book.year
    by_status = {s: int(members["status"].eq(s).sum()) for s in MEMBER_STATUSES}
    groups = members.assign(group=members["group"].replace("", "未分组"))
    by_group = {str(g): {s: int(rows["status"].eq(s).sum()) for s in MEMBER_STATUSES}
                for g, rows in groups.groupby("group", sort=True)}
    changed = _in_year(members["status_date"], year)
    return {
        "total": len(members),
        "by_status": by_status,
        "by_group": by_group,
        "new_members": int(_in_year(members["join_date"], year).sum()),
        "left": int((changed & members["status"].isin(LEFT_STATUSES)).sum()),
        "retired_this_year": int((changed & members["status"].eq(STATUS_RETIRED)).sum()),
    }


def dues_figures(book: Book) -> dict[str, object]:
    members = book[MEMBERS.key].data
    rate = book.settings.get("dues_rate")
    paid = dues.paid(members)
    expected = dues.expected(members, book.year, float(rate)) if book.year and rate else paid * 0
    monthly = [{"month": m, "expected_fen": int(expected[k].sum()), "paid_fen": int(paid[k].sum())}
               for m, k in zip(MONTHS, paid.columns)]
    expected_total, paid_total = int(expected.to_numpy().sum()), int(paid.to_numpy().sum())
    owing = (expected.sum(axis=1) - paid.sum(axis=1)).gt(0)
    return {
        "monthly": monthly,
        "expected_fen": expected_total,
        "paid_fen": paid_total,
        "collection_rate": round(paid_total / expected_total, 4) if expected_total else None,
        "members_in_arrears": int(owing.sum()),
        "arrears_fen": int((expected.sum(axis=1) - paid.sum(axis=1)).clip(lower=0).sum()),
    }


def condolence_figures(book: Book) -> dict[str, object]:
    visits = book[VISITS.key].data
    visits = visits.loc[_in_year(visits["date"], book.year)]
    by_type = {}
    for kind in VISIT_TYPES:
        rows = visits.loc[visits["visit_type"].eq(kind)]
        by_type[kind] = {"visits": len(rows), "members": int(rows["member_id"].nunique()), "amount_fen": _fen(rows["amount"])}
    members = book[MEMBERS.key].data
    retired_ids = set(members.loc[members["status"].eq(STATUS_RETIRED), "member_id"])
    hardship = visits.loc[visits["visit_type"].eq(VISIT_HARDSHIP)]
    ill_or_dead = visits["visit_type"].isin((VISIT_ILL, VISIT_OWN_DEATH))
    return {
        "by_type": by_type,
        "visits": len(visits),
        "members": int(visits["member_id"].nunique()),
        "amount_fen": _fen(visits["amount"]),
        "hardship_members": int(hardship["member_id"].nunique()),
        "hardship_fen": _fen(hardship["amount"]),
        "retirees_visited": int(visits.loc[visits["member_id"].isin(retired_ids), "member_id"].nunique()),
        "ill_and_death_visits": int(ill_or_dead.sum()),
    }


def _activity_counts(rows: pd.DataFrame) -> dict[str, object]:
    done = rows["status"].eq(ACT_DONE)
    return {
        "planned": int(rows["status"].eq(ACT_PLANNED).sum()),
        "done": int(done.sum()),
        "cancelled": int(rows["status"].eq(ACT_CANCELLED).sum()),
        "participants": int(rows.loc[done, "participants"].fillna(0).sum()),
        "budget_fen": _fen(rows["budget"]),
        "actual_fen": _fen(rows["actual"]),
    }


def activity_figures(book: Book) -> dict[str, object]:
    calendar = book[CALENDAR.key].data
    categories = list(ACTIVITY_CATEGORIES) + sorted(set(calendar["category"]) - set(ACTIVITY_CATEGORIES) - {""})
    by_category = {c: _activity_counts(calendar.loc[calendar["category"].eq(c)]) for c in categories}
    by_month = [{"month": m, **_activity_counts(calendar.loc[calendar["month"].eq(m)])} for m in MONTHS]
    health = calendar["category"].eq(HEALTH_CHECK_CATEGORY) & calendar["status"].eq(ACT_DONE)
    return {
        "by_category": {c: v for c, v in by_category.items() if v["planned"] + v["done"] + v["cancelled"]},
        "by_month": by_month,
        **_activity_counts(calendar),
        "health_check_participants": int(calendar.loc[health, "participants"].fillna(0).sum()),
    }


def journal_figures(book: Book) -> dict[str, object]:
    journal = book[JOURNAL.key].data
    months = journal["date"].dt.month
    out: dict[str, object] = {}
    for direction, key in ((INCOME, "income"), (EXPENSE, "expense")):
        rows = journal.loc[journal["direction"].eq(direction)]
        out[f"{key}_fen"] = _fen(rows["amount"])
        out[f"{key}_by_category"] = {str(c): _fen(g["amount"]) for c, g in rows.groupby("category", sort=False)}
    out["monthly"] = [
        {"month": m,
         "income_fen": _fen(journal.loc[months.eq(m) & journal["direction"].eq(INCOME), "amount"]),
         "expense_fen": _fen(journal.loc[months.eq(m) & journal["direction"].eq(EXPENSE), "amount"])}
        for m in MONTHS
    ]
    return out


def budget_figures(book: Book) -> list[dict[str, object]]:
    budget = book[BUDGET.key].data
    actual = budget_actuals(book)
    rows = []
    for row in budget.index:
        planned = budget["budget"][row]
        plan = None if pd.isna(planned) else int(planned)
        spent = int(actual[row])
        rows.append({
            "code": budget["code"][row], "direction": budget["direction"][row], "level1": budget["level1"][row],
            "category": budget["level2"][row], "budget_fen": plan, "actual_fen": spent,
            "difference_fen": None if plan is None else plan - spent,
            "execution": round(spent / plan, 4) if plan else None,
        })
    return rows


def summarize(book: Book) -> Summary:
    """The figures only: a caller that shows the 年度工作总结 drafts it with :func:`unionxl.core.narrative.draft`.

    ``notes`` says where the figures follow unionxl's reading and the workbook's formulas differ."""
    journal = journal_figures(book)
    actual = balances(book)["actual"]
    return Summary(
        union_name=str(book.settings.get("union_name", "") or ""),
        year=book.year,
        members=member_figures(book),
        dues=dues_figures(book),
        condolences=condolence_figures(book),
        activities=activity_figures(book),
        journal=journal,
        budget=budget_figures(book),
        balance={f"{line}_fen": actual[line] for _, line in BALANCE_LINES},
        notes=[note for note in (reading_note(book),) if note],
    )
