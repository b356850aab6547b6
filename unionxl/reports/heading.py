"""The lines every printed form carries under its title, and its sign-off block, said once.

A Chinese form names who made it, the period and the unit above its table (“编制单位：某某工会
2025年度 金额单位：元”, as the 部门决算 and the 工会02表 do) and ends with the people who sign.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from unionxl.reports.model import Line, SignOff, SignOffs

UNIT = "金额单位：元"
#: what a form says when 设置 has no union name
NO_NAME = "（未填写工会名称）"


def unit_line(union: str, period: str, *more: str) -> Line:
    """“编制单位：某某工会    2025年度    金额单位：元” (*more* parts go before the unit)."""
    return Line.of(f"编制单位：{union or NO_NAME}", period, *more, UNIT)


def year_period(year: int | None) -> str:
    return f"{year}年度" if year else "年度未填写"


def sign_offs(settings: Mapping[str, object], signers: Sequence[tuple[str, str]], signer: str = "",
              date: str = "") -> SignOffs:
    """One line per (role, 设置 key) pair, the name taken from 设置 (blank when not filled in)."""
    return SignOffs([SignOff(role, str(settings.get(key) or "") if key else "") for role, key in signers],
                    signer=signer, date=date)
