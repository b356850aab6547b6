"""Validation: typing findings plus every cross-sheet check, sorted the way they are fixed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from unionxl.contract.findings import ERROR, Finding, count_findings, sort_findings
from unionxl.core.checks import CHECKS
from unionxl.reading.book import Book
from unionxl.reading.load import unusable_reason
from unionxl.reading.reader import load_book


@dataclass(frozen=True)
class ValidationResult:
    findings: list[Finding]
    usable: bool

    @property
    def counts(self) -> dict[str, int]:
        return count_findings(self.findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    def to_dict(self) -> dict[str, object]:
        return {"findings": [f.to_dict() for f in self.findings], "counts": self.counts, "usable": self.usable}

    def digest(self, limit: int = 3) -> str:
        """The first few errors as one line (cell and message) and how many there are in all,
        for the commands that go on working on a book with errors and must say so."""
        first = "；".join(f"{f.cell} {f.message}" for f in self.errors[:limit])
        return first + (f" 等 {len(self.errors)} 个错误" if len(self.errors) > limit else "")

    def unusable_reason(self) -> str:
        """One line for exit code 2 (:func:`unionxl.reading.load.unusable_reason`, the one message)."""
        return unusable_reason(self.findings)


def validate_book(book: Book) -> ValidationResult:
    findings = list(book.findings)
    if book.usable:
        for check in CHECKS:
            findings.extend(check(book))
    return ValidationResult(sort_findings(findings), book.usable)


def validate_path(path: str | Path) -> ValidationResult:
    """Raises :class:`unionxl.contract.errors.UnusableWorkbook` when the file cannot be read at all."""
    return validate_book(load_book(path))
