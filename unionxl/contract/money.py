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


# --- 大写 amounts ---------------------------------------------------------------------------
#
# The rules are 中国人民银行《支付结算办法》（银发〔1997〕393号）附一《正确填写票据和结算凭证的基本规定》
# 一–四 and 财政部《会计基础工作规范》第五十二条（三）–（五）; they and the cases that test this are quoted
# in docs/year-end-package.md.

#: 附一 一: the only characters a 大写 amount may use (元, not 圆; 整, not 正)
UPPER_DIGITS = "零壹贰叁肆伍陆柒捌玖"
#: the places inside a group of four digits, from the 个位 up
UPPER_PLACES = ("", "拾", "佰", "仟")
#: the groups of four digits, from the 元 group up
UPPER_GROUPS = ("", "万", "亿")
#: 附一 三: the currency name, written right before the figure with no space
UPPER_PREFIX = "人民币"


def _group_digits(whole: int) -> list[list[int]]:
    """The integer part as groups of four digits, most significant group first, each 仟 … 个."""
    groups: list[list[int]] = []
    while whole:
        whole, group = divmod(whole, 10_000)
        groups.insert(0, [group // 1000, group // 100 % 10, group // 10 % 10, group % 10])
    return groups


def _upper_whole(whole: int) -> str:
    """The 元 part: a run of zeros between figures is one 零 (附一 四（一）（二）).

    The one optional 零 (附一 四（三）: the 万位 is 0 and the 千位 is not) is left out, the
    PBOC's second form (壹拾万伍仟); a whole group of zeros always keeps its 零 (壹亿零伍仟),
    so that the amount cannot be read as 壹亿伍仟万.
    """
    groups = _group_digits(whole)
    out: list[str] = []
    pending = False  # zeros seen since the last figure written
    previous_written = False  # the group before this one had a figure
    for g, digits in enumerate(groups):
        written = False
        for place, digit in enumerate(digits):
            if digit == 0:
                pending = pending or bool(out)
                continue
            optional = place == 0 and previous_written  # the zeros are only the last group's tail
            if pending and not optional:
                out.append(UPPER_DIGITS[0])
            pending = False
            out.append(UPPER_DIGITS[digit] + UPPER_PLACES[3 - place])
            written = True
        if written:
            out.append(UPPER_GROUPS[len(groups) - 1 - g])
        previous_written = written
    return "".join(out)


def upper_amount(fen: int, zheng_after_jiao: bool = False) -> str:
    """An amount of *fen* in 大写, as a voucher or a receipt writes it: 人民币壹仟零伍元整.

    附一 二: an amount ending at 元 ends in 整; one ending at 角 may (《会计基础工作规范》
    第五十二条（三） says it should: *zheng_after_jiao*); one with 分 never does. 附一 四（四）:
    a 角 of 0 before a 分 is written 零 (壹佰元零伍分); 附一 四（三）: a 元位 of 0 before a 角 is
    not (壹仟陆佰捌拾元叁角贰分). Neither text covers amounts under 1 元: the common form is
    used (人民币伍分, 人民币零元整). 10–19 元 keep their 壹 (壹拾元), as 附一 requires for dates.
    The input is integer fen, already rounded: an amount with more digits is refused earlier
    (the money-precision check). Negative amounts have no 大写 form and are refused here.
    """
    fen = int(fen)
    if fen < 0:
        raise ValueError("a negative amount has no 大写 form")
    if fen >= 10_000 ** len(UPPER_GROUPS) * FEN_PER_YUAN:
        raise ValueError("amount too large for 大写")
    whole, rest = divmod(fen, FEN_PER_YUAN)
    jiao, cents = divmod(rest, 10)
    text = _upper_whole(whole) + "元" if whole else ""
    if not rest:
        return UPPER_PREFIX + (text or "零元") + "整"
    if jiao:
        text += UPPER_DIGITS[jiao] + "角"
    elif whole:
        text += UPPER_DIGITS[0]  # 附一 四（四）: 元 + 零 + 分
    if cents:
        return UPPER_PREFIX + text + UPPER_DIGITS[cents] + "分"
    return UPPER_PREFIX + text + ("整" if zheng_after_jiao else "")
