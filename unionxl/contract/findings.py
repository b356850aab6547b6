"""Findings: what a validator or rule reports, with a source location the treasurer can click.

Modelled on beancount's plugin errors and frictionless' table errors: small, flat records
with a stable rule id, a severity, the sheet and exact cell, and a Chinese message.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass

from unionxl.contract.schema import SHEET_ORDER

SEVERITIES = ("error", "warning", "info")
ERROR, WARNING, INFO = SEVERITIES

_CELL = re.compile(r"([A-Z]+)(\d+)$")


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    sheet: str
    cell: str  # "会员台账!F12", or "会员台账" for a whole-sheet finding
    message: str
    hint: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    @property
    def sort_key(self) -> tuple[int, int, int, str]:
        ref = self.cell.split("!", 1)[-1]
        m = _CELL.match(ref)
        row, col = (int(m.group(2)), _col_number(m.group(1))) if m else (0, 0)
        return SHEET_ORDER.get(self.sheet, len(SHEET_ORDER)), row, col, self.rule


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Sheet order of the workbook, then row, then column: the order a treasurer fixes them."""
    return sorted(set(findings), key=lambda f: f.sort_key)


def count_findings(findings: list[Finding]) -> dict[str, int]:
    counts = Counter(f.severity for f in findings)
    return {s: counts.get(s, 0) for s in SEVERITIES}
