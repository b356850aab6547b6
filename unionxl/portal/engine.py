"""The portal's only door into the core: read a stored upload, validate, audit, write the
reports, and consolidate the counted submissions.

Everything the portal needs from ``unionxl.reading``, ``unionxl.core`` and
``unionxl.reports`` is called here and nowhere else, so a change of the core's API (the
report document model, the fund-rule packs) touches this one module. The results are
plain JSON-ready dicts: they are computed in a limited worker process
(:mod:`unionxl.portal.worker`) and stored in the database beside the submission.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

# The forkserver preloads this module, so the heavy imports below are paid once per app
# process, not once per submission.
from unionxl.contract.errors import UnusableWorkbook
from unionxl.contract.schema import SEVERITY_TITLES
from unionxl.core.audit import STATUS_TITLES, audit_book
from unionxl.core.consolidate import Consolidation, Problem, school_figures
from unionxl.core.narrative import draft
from unionxl.core.summary import summarize
from unionxl.core.validate import validate_book
from unionxl.reading.reader import load_book
from unionxl.reports.audit import build_audit
from unionxl.reports.consolidation import build_consolidation
from unionxl.reports.findings import build_findings
from unionxl.reports.summary import build_summary
from unionxl.reports.xlsx import write_xlsx

#: the report workbooks a submission offers: kind → (title shown and used as file name, file)
REPORTS = {
    "findings": ("校验结果", "findings.xlsx"),
    "audit": ("预算审核", "audit.xlsx"),
    "summary": ("年度汇总", "summary.xlsx"),
}
SEVERITY_NAMES = SEVERITY_TITLES
AUDIT_STATUS_NAMES = STATUS_TITLES


def analyse(book_path: Path, out_dir: Path) -> dict[str, object]:
    """Everything the portal keeps about one upload, and its report workbooks in *out_dir*.

    ``usable`` False means the file could not be read as a master workbook (``reason`` says
    why, in Chinese); otherwise ``findings``/``counts`` are the ``validate --json`` shape,
    ``audit`` the ``check-budget --json`` shape, ``figures`` the dashboard's numbers and
    ``school_row`` the school's line of the bureau consolidation.
    """
    try:
        book = load_book(book_path)
    except UnusableWorkbook as exc:
        return _unusable(exc.reason)
    validation = validate_book(book)
    result: dict[str, object] = {
        "usable": validation.usable, "reason": None if validation.usable else validation.unusable_reason(),
        "year": book.year, "union_name": str(book.settings.get("union_name", "") or ""),
        "findings": [f.to_dict() for f in validation.findings], "counts": validation.counts,
        "audit": None, "figures": None, "school_row": None, "reports": [],
    }
    write_xlsx(out_dir / REPORTS["findings"][1],
               build_findings(validation.findings, validation.counts, book.settings.values))
    result["reports"] = ["findings"]
    if not validation.usable:
        return result
    audit = audit_book(book, validation=validation)
    result["audit"] = audit.to_dict()
    write_xlsx(out_dir / REPORTS["audit"][1], build_audit(audit, book.settings.values))
    summary = summarize(book)
    write_xlsx(out_dir / REPORTS["summary"][1], build_summary(summary, draft(summary), validation_counts=validation.counts,
                                                                   settings=book.settings.values))
    result["reports"] = list(REPORTS)
    result["figures"] = {
        "members": summary.members["total"], "dues_rate": summary.dues["collection_rate"],
        "income_fen": summary.journal["income_fen"], "expense_fen": summary.journal["expense_fen"],
        "closing_fen": summary.balance["closing_fen"],
    }
    if not validation.errors and book.year is not None:  # what consolidate counts: no errors, a stated year
        # the consolidation line, computed now from this read so the bureau's download never re-reads 236 files
        result["school_row"] = _plain(school_figures(book, validation, summary, audit.counts, book_path.name))
    return result


def _unusable(reason: str) -> dict[str, object]:
    return {"usable": False, "reason": reason, "year": None, "union_name": "", "findings": [],
            "counts": {"error": 0, "warning": 0, "info": 0}, "audit": None, "figures": None,
            "school_row": None, "reports": []}


def _plain(row: dict[str, object]) -> dict[str, object]:
    """numpy scalars → Python numbers, so the row survives JSON."""
    return {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}


def audit_failures(audit: dict[str, object] | None) -> int:
    return int(audit["counts"]["fail"]) if audit else 0  # type: ignore[index]


@dataclass(frozen=True)
class Counted:
    """A school's counted submission, or its absence, for the bureau's consolidation."""

    school: str  # the account's registered name
    label: str  # what the 文件 column shows
    school_row: dict[str, object] | None  # None: nothing counted for this school
    note: str = ""  # why not counted, or the audit failures of a flagged one
    kind: str = ""  # the 问题工作簿 kind: 未提交 / 已退回 / 审核不通过


def write_consolidation(out: Path, entries: Sequence[Counted], title: str, year: int | None = None) -> None:
    """The bureau's 学校汇总 workbook over the counted submissions (rows computed at submission)."""
    result = Consolidation(year=year)
    for entry in entries:
        if entry.school_row is not None:
            result.rows.append(dict(entry.school_row, file=entry.label))
        if entry.kind:
            union = str(entry.school_row["union_name"]) if entry.school_row else entry.school
            result.problems.append(Problem(entry.label, union, entry.kind, entry.note,
                                           counted=entry.school_row is not None))
    write_xlsx(out, build_consolidation(result, title))


def consolidation_totals(rows: Iterable[dict[str, object]]) -> dict[str, object]:
    """The consolidation's totals (the same sums as its 合计 row)."""
    return Consolidation(rows=list(rows)).totals


def write_demo_workbooks(folder: Path, schools: int) -> list[tuple[Path, str]]:
    """The demo school's workbook (with its documented mistakes) and *schools* clean ones,
    each with the union name its 设置 holds (for naming the demo accounts)."""
    from unionxl.master.schools import write_schools
    from unionxl.master.demo import write_demo

    folder.mkdir(parents=True, exist_ok=True)
    demo = folder / "demo-master.xlsx"
    if not demo.exists():
        write_demo(demo)
    schools_made = [folder / f"school-{i:03d}.xlsx" for i in range(1, schools + 1)]
    if not all(p.exists() for p in schools_made):
        scratch = folder / ".schools"
        for path in write_schools(scratch, schools):
            shutil.move(str(path), folder / path.name)
        shutil.rmtree(scratch, ignore_errors=True)
    return [(p, str(load_book(p).settings.get("union_name", ""))) for p in [demo, *schools_made]]


