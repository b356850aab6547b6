"""Money is integer fen in the core: exact sums, vectorised, shown as 元 with two decimals."""

from __future__ import annotations

import numpy as np
import pandas as pd

FEN_PER_YUAN = 100
#: a float amount whose fen part differs from an integer by more than this is over-precise
PRECISION_TOLERANCE = 1e-6


def yuan_to_fen(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Convert float 元 to nullable Int64 fen; also return where a value had sub-fen digits."""
    scaled = values.astype("float64") * FEN_PER_YUAN
    rounded = np.round(scaled)
    over_precise = (scaled - rounded).abs() > PRECISION_TOLERANCE * np.maximum(1.0, rounded.abs())
    fen = pd.Series(rounded, index=values.index).astype("Int64")
    return fen, over_precise.fillna(False).astype(bool)


def fen_to_yuan(fen: int) -> float:
    return fen / FEN_PER_YUAN


def format_yuan(fen: int | None) -> str:
    """'1,234.50' for 123450 fen; '' for a missing value."""
    if fen is None or pd.isna(fen):
        return ""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), FEN_PER_YUAN)
    return f"{sign}{whole:,}.{cents:02d}"


def dues_fen(wage_fen: int, rate_ppm: int) -> int:
    """会费 for one month: wage rounded down to whole 10 元, times the rate, rounded half up."""
    base = (wage_fen // 1000) * 1000
    return (base * rate_ppm + 500_000) // 1_000_000


def dues_fen_series(wage_fen: pd.Series, rate_ppm: int) -> pd.Series:
    """Vectorised :func:`dues_fen` over nullable Int64 wages."""
    base = (wage_fen // 1000) * 1000
    return (base * rate_ppm + 500_000) // 1_000_000


def rate_to_ppm(rate: float) -> int:
    """A rate such as 0.005 as parts per million, so dues stay integer arithmetic."""
    return int(round(rate * 1_000_000))
