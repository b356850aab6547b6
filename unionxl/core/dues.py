"""The dues rule, vectorised over the member ledger.

A member owes 会费 for each month of the workbook's year from the join month (January if
they joined earlier) to the month their status changed away from 在职 (December if it
did not). The monthly amount is the wage base rounded down to whole 10 元, times
设置!会费比例, rounded to the fen: the same rule the template's formulas apply.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from unionxl.contract.money import dues_fen_series, rate_to_ppm
from unionxl.contract.schema import LEFT_STATUSES, MONTH_KEYS, MONTHS, STATUS_ACTIVE


def monthly_dues(members: pd.DataFrame, rate: float) -> pd.Series:
    """应缴月会费 in fen per member (NA where no wage base is given)."""
    return dues_fen_series(members["wage"], rate_to_ppm(rate))


def _month_in_year(dates: pd.Series, year: int, before: int, after: int) -> pd.Series:
    """Month number of each date; *before*/*after* for dates in earlier/later years."""
    years = dates.dt.year
    months = dates.dt.month
    return pd.Series(np.select([years < year, years > year], [before, after], months.fillna(0)),
                     index=dates.index).astype(int)


def first_due_month(members: pd.DataFrame, year: int) -> pd.Series:
    start = _month_in_year(members["join_date"], year, before=1, after=13)
    return start.where(members["join_date"].notna(), 1)


def last_due_month(members: pd.DataFrame, year: int) -> pd.Series:
    end = _month_in_year(members["status_date"], year, before=0, after=12)
    still_in = members["status"].isin((STATUS_ACTIVE, "")) | members["status_date"].isna()
    return end.where(~still_in, 12)


def due_mask(members: pd.DataFrame, year: int) -> pd.DataFrame:
    """Boolean members × month-key frame: True where the member owes that month."""
    start = first_due_month(members, year).to_numpy()[:, None]
    end = last_due_month(members, year).to_numpy()[:, None]
    months = np.array(MONTHS)[None, :]
    return pd.DataFrame((months >= start) & (months <= end), index=members.index, columns=list(MONTH_KEYS))


def left_mask(members: pd.DataFrame, year: int) -> pd.DataFrame:
    """True where a month lies after the member left (调离/去世): no dues may be paid then."""
    left = members["status"].isin(LEFT_STATUSES) & members["status_date"].notna()
    end = last_due_month(members, year).to_numpy()[:, None]
    months = np.array(MONTHS)[None, :]
    return pd.DataFrame((months > end) & left.to_numpy()[:, None], index=members.index, columns=list(MONTH_KEYS))


def paid(members: pd.DataFrame) -> pd.DataFrame:
    """Dues paid per month in fen (0 where blank)."""
    return members[list(MONTH_KEYS)].fillna(0).astype("int64")


def expected(members: pd.DataFrame, year: int, rate: float) -> pd.DataFrame:
    """Dues owed per month in fen."""
    monthly = monthly_dues(members, rate).fillna(0).astype("int64").to_numpy()[:, None]
    return due_mask(members, year).astype("int64") * monthly
