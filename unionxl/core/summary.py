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
    statuses = members["status"].value_counts()
    by_status = {s: int(statuses.get(s, 0)) for s in MEMBER_STATUSES}
    # one count per (group, status), groups in name order
    counts = members.groupby([members["group"].replace("", "未分组"), members["status"]]).size().unstack(fill_value=0)
    by_group = {str(g): {s: int(counts.at[g, s]) if s in counts.columns else 0 for s in MEMBER_STATUSES}
                for g in counts.index}
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
    expected_by_month, paid_by_month = expected.sum(), paid.sum()
    monthly = [{"month": m, "expected_fen": int(expected_by_month[k]), "paid_fen": int(paid_by_month[k])}
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
    grouped = visits.groupby("visit_type", sort=False)
    counts, people, amounts = grouped.size(), grouped["member_id"].nunique(), grouped["amount"].sum()
    by_type = {kind: {"visits": int(counts.get(kind, 0)), "members": int(people.get(kind, 0)),
                      "amount_fen": int(amounts.get(kind, 0))} for kind in VISIT_TYPES}
    members = book[MEMBERS.key].data
    retired_ids = set(members.loc[members["status"].eq(STATUS_RETIRED), "member_id"])
    ill_or_dead = visits["visit_type"].isin((VISIT_ILL, VISIT_OWN_DEATH))
    return {
        "by_type": by_type,
        "visits": len(visits),
        "members": int(visits["member_id"].nunique()),
        "amount_fen": _fen(visits["amount"]),
        "hardship_members": by_type[VISIT_HARDSHIP]["members"],
        "hardship_fen": by_type[VISIT_HARDSHIP]["amount_fen"],
        "retirees_visited": int(visits.loc[visits["member_id"].isin(retired_ids), "member_id"].nunique()),
        "ill_and_death_visits": int(ill_or_dead.sum()),
    }


#: an activity's figures, each a sum over the calendar rows (see _activity_parts)
_ACTIVITY_FIGURES = ("planned", "done", "cancelled", "participants", "budget_fen", "actual_fen")


def _activity_parts(calendar: pd.DataFrame) -> pd.DataFrame:
    """Per calendar row, what it adds to each figure: whether planned, done or cancelled, its
    participants when done, its budget and actual amount."""
    done = calendar["status"].eq(ACT_DONE)
    return pd.DataFrame({
        "planned": calendar["status"].eq(ACT_PLANNED).astype("int64"),
        "done": done.astype("int64"),
        "cancelled": calendar["status"].eq(ACT_CANCELLED).astype("int64"),
        "participants": calendar["participants"].where(done).fillna(0).astype("int64"),
        "budget_fen": calendar["budget"].fillna(0).astype("int64"),
        "actual_fen": calendar["actual"].fillna(0).astype("int64"),
    }, index=calendar.index)


def _activity_counts(parts: pd.DataFrame, key: pd.Series, values: list) -> dict[object, dict[str, int]]:
    """The figures of the rows whose *key* is each of *values* (zeros where none is)."""
    sums = parts.groupby(key).sum()
    return {v: {f: int(sums.at[v, f]) if v in sums.index else 0 for f in _ACTIVITY_FIGURES} for v in values}


def activity_figures(book: Book) -> dict[str, object]:
    calendar = book[CALENDAR.key].data
    categories = list(ACTIVITY_CATEGORIES) + sorted(set(calendar["category"]) - set(ACTIVITY_CATEGORIES) - {""})
    parts = _activity_parts(calendar)
    by_category = _activity_counts(parts, calendar["category"], categories)
    by_month = [{"month": m, **counts} for m, counts in _activity_counts(parts, calendar["month"], list(MONTHS)).items()]
    health = calendar["category"].eq(HEALTH_CHECK_CATEGORY) & calendar["status"].eq(ACT_DONE)
    return {
        "by_category": {c: v for c, v in by_category.items() if v["planned"] + v["done"] + v["cancelled"]},
        "by_month": by_month,
        **{f: int(parts[f].sum()) for f in _ACTIVITY_FIGURES},
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
    by_month = journal["amount"].groupby([months, journal["direction"]]).sum()
    out["monthly"] = [{"month": m, "income_fen": int(by_month.get((m, INCOME), 0)),
                       "expense_fen": int(by_month.get((m, EXPENSE), 0))} for m in MONTHS]
    return out


def budget_figures(book: Book) -> list[dict[str, object]]:
    budget = book[BUDGET.key].data
    actual = budget_actuals(book)
    rows = []
    columns = (budget["code"], budget["direction"], budget["level1"], budget["level2"], budget["budget"],
               actual.reindex(budget.index))
    for code, direction, level1, level2, planned, spent in zip(*(c.tolist() for c in columns)):
        plan = None if pd.isna(planned) else int(planned)
        spent = int(spent)
        rows.append({
            "code": code, "direction": direction, "level1": level1, "category": level2, "budget_fen": plan,
            "actual_fen": spent, "difference_fen": None if plan is None else plan - spent,
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
