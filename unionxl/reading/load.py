"""What a command needs of a book before it can run, said once for every front door.

A :class:`Need` is data: the CLI, the Excel buttons and the portal name the need of each
command (``AUDIT``, ``TODO`` …) and get either the book or :class:`UnusableWorkbook` with
the one message a treasurer sees for it. Validation itself needs nothing: it reports a
missing sheet or header as findings (and exit code 2) instead of refusing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from unionxl.contract.errors import UnusableWorkbook
from unionxl.contract.findings import Finding
from unionxl.contract.schema import SETTINGS_BY_KEY
from unionxl.reading.book import Book
from unionxl.reading.reader import load_book

#: the findings that make a book unusable: without these sheets and headers no check makes sense
STRUCTURAL_RULES = ("sheet-missing", "column-missing", "column-duplicate")


@dataclass(frozen=True)
class Need:
    #: what the command does, for the message (“无法{purpose}”)
    purpose: str
    #: 设置 must hold a valid year (the to-do and the rollover work on dates)
    dated: bool = False


VALIDATE = Need("校验")
AUDIT = Need("审核经费")
SUMMARY = Need("汇总")
TODO = Need("列出待办", dated=True)
ROLLOVER = Need("结转", dated=True)


def unusable_reason(findings: Iterable[Finding]) -> str:
    """The one line for a book that cannot be used: its missing sheets and headers."""
    return "；".join(f.message for f in findings if f.rule in STRUCTURAL_RULES)


def refusal(book: Book, need: Need) -> str | None:
    """Why *book* cannot serve *need*, or None."""
    if not book.usable:
        return unusable_reason(book.findings)
    if need.dated and book.year is None:
        found = _year_findings(book)
        what = found[0].message + (f"（{found[0].cell}）" if found and "!" in found[0].cell else "") if found \
            else "“设置”中没有有效的年度"
        return f"{what}，无法{need.purpose}"
    return None


def require(book: Book, need: Need) -> Book:
    """*book*, or :class:`UnusableWorkbook` saying why it cannot serve *need*, with the findings
    behind it (the Excel door lists them in 校验结果)."""
    reason = refusal(book, need)
    if reason is not None:
        findings = book.findings if not book.usable else _year_findings(book)
        raise UnusableWorkbook(reason, findings)
    return book


def _year_findings(book: Book) -> list[Finding]:
    """What reading said about 设置's 年度: an invalid value at its cell, or the item missing."""
    cell = book.settings.cells.get("year")
    missing = f"“{SETTINGS_BY_KEY['year'].title}”"
    return [f for f in book.findings
            if (cell and f.cell == cell) or (f.rule == "setting-missing" and f.message.endswith(missing))]


def load(path: str | Path, need: Need) -> Book:
    """Read the workbook at *path* for *need* (the reader's own refusals come first)."""
    return require(load_book(path), need)
