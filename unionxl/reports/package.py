"""上报材料: the year-end submission package, made from one book and written into one folder.

What a school union hands upward at year end (issue #18): 决算表, 经审审查报告 (Word), 慰问签收表,
年度汇总, 预算审核 and 校验结果 (the same documents those commands write, from the same builders),
with ``--pdf`` a PDF of each, and ``manifest.json``: every file's sha256, the input's sha256 and
the unionxl version, so the receiving union can tell the files belong together and to which
master. The CLI (cli/package.py) and the 上报材料 button (xl/entry.py) both call :func:`assemble`
and :func:`write_package`; each decides the targets (:func:`targets`) before anything is written.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from unionxl import __version__
from unionxl.contract.schema import AUDIT_SHEET, FINDINGS_SHEET, SUMMARY_SHEET
from unionxl.core.audit import Audit, audit_book
from unionxl.core.juesuan import FinalAccounts, final_accounts
from unionxl.core.narrative import draft
from unionxl.core.receipts import distributions
from unionxl.core.review import review
from unionxl.core.summary import summarize
from unionxl.core.validate import ValidationResult, validate_book
from unionxl.files import ownership
from unionxl.files.safeio import atomic_output
from unionxl.reading.book import Book
from unionxl.reports.audit import build_audit
from unionxl.reports.docx import write_docx
from unionxl.reports.findings import build_findings
from unionxl.reports.juesuan import TITLE as JUESUAN_TITLE
from unionxl.reports.juesuan import build_juesuan
from unionxl.reports.model import Document
from unionxl.reports.receipts import TITLE as RECEIPTS_TITLE
from unionxl.reports.receipts import build_receipts
from unionxl.reports.review import TITLE as REVIEW_TITLE
from unionxl.reports.review import build_review
from unionxl.reports.summary import build_summary
from unionxl.reports.xlsx import write_xlsx

MANIFEST = "manifest.json"
#: the files of a package in the order the manifest lists them: (name, renderer)
FILES: tuple[tuple[str, str], ...] = (
    (f"{JUESUAN_TITLE}.xlsx", "xlsx"),
    (f"{REVIEW_TITLE}.docx", "docx"),
    (f"{RECEIPTS_TITLE}.xlsx", "xlsx"),
    (f"{SUMMARY_SHEET.title}.xlsx", "xlsx"),
    (f"{AUDIT_SHEET.title}.xlsx", "xlsx"),
    (f"{FINDINGS_SHEET.title}.xlsx", "xlsx"),
)
WRITERS: dict[str, Callable[..., None]] = {"xlsx": write_xlsx, "docx": write_docx}
#: the manifest's own word to a reader who opens it
MANIFEST_NOTE = ("本文件列出上报材料中每个文件的 SHA-256 校验值、所依据的主工作簿的校验值和生成它的 unionxl 版本；"
                 "文件被修改后校验值即不相符。")


@dataclass
class Package:
    """The documents of one package and the core results they come from."""

    documents: dict[str, Document]
    validation: ValidationResult
    audit: Audit
    accounts: FinalAccounts
    date: dt.date


@dataclass
class Written:
    files: list[Path] = field(default_factory=list)
    manifest: dict[str, object] = field(default_factory=dict)
    #: PDFs of an earlier run with --pdf: removed when unionxl's own and unedited, else kept and named
    removed: list[Path] = field(default_factory=list)
    stale: list[Path] = field(default_factory=list)


def assemble(book: Book, source_name: str, date: dt.date) -> Package:
    """Every document of the package for *book* (validated once, audited once)."""
    settings = book.settings.values
    validation = validate_book(book)
    audit = audit_book(book, validation=validation)
    summary = summarize(book)
    accounts = final_accounts(book)
    figures = review(book, summary, accounts, audit, validation)
    names = [name for name, _ in FILES]
    documents = dict(zip(names, (
        build_juesuan(accounts, settings, audit.stamp),
        build_review(figures, settings, date, audit.stamp),
        build_receipts(distributions(book), settings),
        build_summary(summary, draft(summary), source_name, validation.counts, settings),
        build_audit(audit, settings),
        build_findings(validation.findings, validation.counts, settings),
    )))
    return Package(documents, validation, audit, accounts, date)


def targets(folder: Path, pdf: bool) -> dict[str, list[Path]]:
    """The files a package writes into *folder*, by suffix (each suffix is claimed with its own rule)."""
    out: dict[str, list[Path]] = {}
    for name, _ in FILES:
        path = folder / name
        out.setdefault(path.suffix, []).append(path)
        if pdf:
            out.setdefault(".pdf", []).append(path.with_suffix(".pdf"))
    out[".json"] = [folder / MANIFEST]
    return out


def _entry(path: Path) -> dict[str, object]:
    return {"name": path.name, "sha256": ownership.sha256(path), "bytes": path.stat().st_size}


def write_package(folder: Path, package: Package, source: Path | None, pdf: bool,
                  input_sha256: str | None, read_from: str = "file") -> Written:
    """Write every file of *package* into *folder*, then the manifest; never over *source*.

    *input_sha256* is the digest of the master as read (the CLI hashes the file it reads;
    the Excel door the saved file, and says so through *read_from*).
    """
    from unionxl.files.office import write_pdf

    folder = Path(folder)
    done = Written()
    for name, renderer in FILES:
        path = folder / name
        WRITERS[renderer](path, package.documents[name], source=source)
        done.files.append(path)
        if pdf:
            write_pdf(path, path.with_suffix(".pdf"), protect=source)
            done.files.append(path.with_suffix(".pdf"))
    if not pdf:
        for name, _ in FILES:
            old = (folder / name).with_suffix(".pdf")
            if old.is_file() and ownership.is_own_unedited(old):
                old.unlink()
                done.removed.append(old)
            elif old.exists():
                done.stale.append(old)
    v, a = package.validation.counts, package.audit.counts
    done.manifest = {
        "说明": MANIFEST_NOTE,
        "unionxl_version": __version__,
        "union_name": package.accounts.union_name,
        "year": package.accounts.year,
        "date": package.date.isoformat(),
        "input": {"name": source.name if source is not None else "", "sha256": input_sha256, "read_from": read_from},
        "files": [_entry(p) for p in done.files],
        "validation": v,
        "audit": a,
        "accounts_checks": [f.to_dict() for f in package.accounts.findings],
    }
    with atomic_output(folder / MANIFEST, protect=source) as tmp:
        tmp.write_text(json.dumps(done.manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return done
