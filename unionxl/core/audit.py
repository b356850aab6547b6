"""Running the fund-rule packs on a book: the 预算审核 the treasurer submits upward.

The book is validated first: an audit of a book with validation errors carries their count,
and every renderer stamps it (:func:`validation_stamp`) above the sign-off lines, so bad
data never gets a clean sign-off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from unionxl.contract.findings import ERROR, WARNING
from unionxl.core.rules import RuleSet, resolve
from unionxl.core.rules.kinds import FAIL, KINDS, PASS, WARN, RuleResult
from unionxl.core.rules.model import Rule, Violation
from unionxl.core.validate import ValidationResult, validate_book
from unionxl.reading.book import Book

UNCONFIRMED = "待核实"
VERDICTS = {PASS: "符合", WARN: "请核实", FAIL: "不符合，须整改"}
STATUS_TITLES = {PASS: "通过", WARN: "提示", FAIL: "不通过"}
SIDE_TITLES = {"actual": "实际", "plan": "预算"}


@dataclass
class Audit:
    ruleset: RuleSet
    results: list[RuleResult]
    #: the book's validation counts: ``{"errors": n, "warnings": m}``
    validation: dict[str, int] = field(default_factory=lambda: {"errors": 0, "warnings": 0})

    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(r.status == s for r in self.results) for s in (PASS, WARN, FAIL)}

    @property
    def failed(self) -> bool:
        return any(r.status == FAIL for r in self.results)

    @property
    def invalid(self) -> bool:
        """The book has validation errors: this audit must not be signed off."""
        return self.validation["errors"] > 0

    @property
    def stamp(self) -> str:
        return validation_stamp(self.validation)

    def problems(self) -> list[tuple[RuleResult, Violation]]:
        """Every offending row, with its rule's result, in rule order."""
        return [(r, v) for r in self.results for v in r.violations]

    def to_dict(self) -> dict[str, object]:
        rows: list[dict[str, object]] = []
        for result in self.results:
            rule = result.rule
            head = {"rule": rule.id, "title": rule.title, "basis": rule.basis, "confirmed": rule.confirmed,
                    "source": rule.source, "quote": rule.quote, "pack": rule.pack, "period": rule.period,
                    "effective_from": _iso(rule.effective_from), "effective_to": _iso(rule.effective_to)}
            if not result.violations:
                rows.append({**head, "status": PASS, "sheet": "", "cell": "", "detail": result.detail,
                             "amount": _number(result.amount, result.unit), "limit": _number(result.limit, result.unit),
                             "side": "", "opinion": opinion(result)})
            for v in result.violations:
                rows.append({**head, "status": v.status, "sheet": v.sheet, "cell": v.cell, "detail": v.detail,
                             "amount": _yuan(v.amount), "limit": _yuan(v.limit), "side": v.side,
                             "opinion": verdict(v.status, rule)})
        return {"pack": "+".join(p.id for p in self.ruleset.packs), "packs": self.ruleset.names,
                "year": self.ruleset.year, "notice": self.ruleset.notice, "results": rows, "counts": self.counts,
                "validation": dict(self.validation), "stamp": self.stamp}


def _iso(day) -> str | None:
    return None if day is None else day.isoformat()


def _yuan(fen: int | None) -> float | None:
    return None if fen is None else round(fen / 100, 2)


def _number(value: int | None, unit: str) -> float | int | None:
    return _yuan(value) if unit == "元" else value


def verdict(status: str, rule: Rule) -> str:
    """The 审核意见 of one row: it follows that row's own status, never the rule's worst."""
    text = VERDICTS[status]
    return text if rule.confirmed else f"{text}（标准{UNCONFIRMED}）"


def opinion(result: RuleResult) -> str:
    """The 审核意见 of a rule's summary row (its overall status)."""
    return verdict(result.status, result.rule)


def validation_stamp(validation: dict[str, int]) -> str:
    """The line every 预算审核 carries above its sign-off lines when the book has validation errors."""
    errors = validation.get("errors", 0)
    return f"工作簿校验有 {errors} 个错误，本表不得作为审核依据" if errors else ""


def audit_book(book: Book, extra_packs: list[Path] = (), validation: ValidationResult | None = None) -> Audit:
    """Validate *book* (unless the caller already did: *validation*), then run the rules in force
    in its 设置!年度 (the newest ones without a year)."""
    counts = (validation or validate_book(book)).counts
    province = book.settings.get("province", "全国")
    ruleset = resolve(str(province), book.year, list(extra_packs))
    results = [KINDS[rule.kind].check(book, rule) for rule in ruleset.rules]
    return Audit(ruleset, results, {"errors": counts[ERROR], "warnings": counts[WARNING]})
