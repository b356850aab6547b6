"""The checker kinds a rule pack can use: pure functions from a typed book and a rule.

Each kind declares its parameters (name, type, money or not, required); the loader validates
every pack against these declarations and converts the money ones from 元 to fen, so adding
a parameter is one line here. Each returns a :class:`RuleResult`: pass, or the offending rows
with their cells and the amount against the limit. Amounts are fen; a cap is kept when
``amount <= limit``.
"""

from __future__ import annotations

from unionxl.core.rules.kinds import activities, money, text, visits
from unionxl.core.rules.model import FAIL, PASS, WARN, Kind, RuleResult, Violation

KINDS: dict[str, Kind] = {k.name: k for module in (money, visits, text, activities) for k in module.KINDS}
#: every parameter given in 元 in the TOML and held as fen, by any kind
MONEY_PARAMS: frozenset[str] = frozenset(p for k in KINDS.values() for p in k.money_params)

__all__ = ["FAIL", "KINDS", "MONEY_PARAMS", "PASS", "WARN", "Kind", "RuleResult", "Violation"]
