"""Running the fund-rule packs on a book: the 预算审核 the treasurer submits upward."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from unionxl.core.rules import RuleSet, resolve
from unionxl.core.rules.kinds import FAIL, KINDS, PASS, WARN, RuleResult
from unionxl.reading.book import Book

UNCONFIRMED = "待核实"
VERDICTS = {PASS: "符合", WARN: "请核实", FAIL: "不符合，须整改"}
STATUS_TITLES = {PASS: "通过", WARN: "提示", FAIL: "不通过"}


@dataclass
class Audit:
    ruleset: RuleSet
    results: list[RuleResult]

    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(r.status == s for r in self.results) for s in (PASS, WARN, FAIL)}

    @property
    def failed(self) -> bool:
        return any(r.status == FAIL for r in self.results)

    def to_dict(self) -> dict[str, object]:
        rows: list[dict[str, object]] = []
        for result in self.results:
            rule = result.rule
            head = {"rule": rule.id, "title": rule.title, "basis": rule.basis, "confirmed": rule.confirmed,
                    "source": rule.source, "pack": rule.pack}
            if not result.violations:
                rows.append({**head, "status": PASS, "sheet": "", "cell": "", "detail": result.detail,
                             "amount": _number(result.amount, result.unit), "limit": _number(result.limit, result.unit)})
            for v in result.violations:
                rows.append({**head, "status": v.status, "sheet": v.sheet, "cell": v.cell, "detail": v.detail,
                             "amount": _yuan(v.amount), "limit": _yuan(v.limit)})
        return {"pack": "+".join(p.id for p in self.ruleset.packs), "packs": self.ruleset.names,
                "notice": self.ruleset.notice, "results": rows, "counts": self.counts}


def _yuan(fen: int | None) -> float | None:
    return None if fen is None else round(fen / 100, 2)


def _number(value: int | None, unit: str) -> float | int | None:
    return _yuan(value) if unit == "元" else value


def opinion(result: RuleResult) -> str:
    text = VERDICTS[result.status]
    return text if result.rule.confirmed else f"{text}（标准{UNCONFIRMED}）"


def audit_book(book: Book, extra_packs: list[Path] = ()) -> Audit:
    province = book.settings.get("province", "全国")
    ruleset = resolve(str(province), book.year, list(extra_packs))
    return Audit(ruleset, [KINDS[rule.kind](book, rule) for rule in ruleset.rules])
