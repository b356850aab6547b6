"""Button entry points (the VBA macros of macros/unionxl.bas call these through RunPython).

Each one reads the calling book, runs the core, builds the report's document and writes it
as a grid; the names are the ``entry`` column of ``MACRO_BUTTONS``, which is also what
``unionxl.xl`` exports.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlwings as xw

from unionxl.contract.schema import AUDIT_SHEET, FINDINGS_SHEET, MACRO_BUTTONS, SUMMARY_SHEET, TODO_SHEET
from unionxl.core.validate import validate_book as run_validation
from unionxl.reading.load import AUDIT, ROLLOVER, SUMMARY, TODO, VALIDATE, require
from unionxl.xl.guard import run_button as _run  # Book.caller(), messages and the log
from unionxl.xl.guard import write_findings
from unionxl.xl.io import read_book, write_document

# Each button imports the rest of what it uses when pressed: RunPython starts a fresh
# interpreter per press, and 校验 should not pay for the rule packs, the to-do or the summary.

__all__ = [b.entry for b in MACRO_BUTTONS]


def _validate(book: xw.Book) -> str:
    core = require(read_book(book), VALIDATE)
    result = run_validation(core)
    marked = write_findings(book, result.findings, core.settings.values)
    c = result.counts
    return (f"校验完成：{c['error']} 个错误、{c['warning']} 个警告、{c['info']} 条提示，"
            f"已在“{FINDINGS_SHEET.title}”中列出，并用底色标出了 {marked} 个单元格。")


def _check_budget(book: xw.Book) -> str:
    from unionxl.core.audit import audit_book
    from unionxl.reports.audit import build_audit

    core = require(read_book(book), AUDIT)
    audit = audit_book(core)
    write_document(book, build_audit(audit, core.settings.values))
    c = audit.counts
    return f"经费审核完成：通过 {c['pass']} 条，提示 {c['warn']} 条，不通过 {c['fail']} 条，详见“{AUDIT_SHEET.title}”。"


def _summarize(book: xw.Book) -> str:
    from unionxl.core.narrative import draft
    from unionxl.core.summary import summarize
    from unionxl.reports.summary import build_summary

    core = require(read_book(book), SUMMARY)
    summary = summarize(core)
    write_document(book, build_summary(summary, draft(summary), book.name, settings=core.settings.values))
    return f"年度汇总已写入“{SUMMARY_SHEET.title}”。"


def _todo(book: xw.Book) -> str:
    from unionxl.core.year.todo import default_month
    from unionxl.core.year.todo import todo as make_todo
    from unionxl.reports.todo import build_todo

    core = require(read_book(book), TODO)
    today = dt.date.today()
    result = make_todo(core, default_month(core.year, today), today)
    write_document(book, build_todo(result, str(core.settings.get("union_name", ""))))
    return f"{result.year}年{result.month}月共有 {len(result.items)} 项待办，已写入“{TODO_SHEET.title}”。"


def _new_year(book: xw.Book) -> str:
    from unionxl.core.year.rollover import rollover
    from unionxl.files.ownership import check
    from unionxl.master.template import write_master

    core = require(read_book(book), ROLLOVER)
    here = Path(book.fullname)
    suffix = ".xlsm" if here.suffix.lower() == ".xlsm" else ".xlsx"  # a book with buttons rolls into one
    target = here.with_name(f"{here.stem}-{core.year + 1}{suffix}")
    check(target, inputs=[here], hint="请先把它改名或移到别处，再点“新年度”")  # never a file unionxl did not write
    checked = run_validation(core)
    rolled = rollover(core, checked)
    write_master(target, rolled.settings, rolled.rows, guide_extra=rolled.guide, extra_columns=rolled.extra_columns)
    dropped = f"；未转入的离会会员：{'、'.join(rolled.dropped)}" if rolled.dropped else ""
    errors = f"。注意：本工作簿有 {len(checked.errors)} 个错误，已照原样结转：{checked.digest()}" if checked.errors else ""
    return (f"已生成 {core.year + 1} 年度工作簿：{target}（本工作簿未改动）{dropped}{errors}。"
            f"带入和未带入的内容写在新工作簿的“使用说明”中。")


#: the folder the 上报材料 button writes, beside the book: “主工作簿-上报材料”
PACKAGE_FOLDER = "{stem}-上报材料"


def _package(book: xw.Book) -> str:
    from unionxl.files.ownership import check
    from unionxl.files.ownership import sha256
    from unionxl.reports.package import assemble, targets, write_package

    core = require(read_book(book), SUMMARY)
    here = Path(book.fullname)
    folder = here.with_name(PACKAGE_FOLDER.format(stem=here.stem))
    for paths in targets(folder, pdf=False).values():
        for target in paths:  # every target decided before anything is written
            check(target, inputs=[here], hint="请先把它改名或移到别处，再点“上报材料”")
    made = assemble(core, book.name, dt.date.today())
    saved = here.is_file()
    written = write_package(folder, made, here if saved else None, False, sha256(here) if saved else None,
                            read_from="excel")
    errors = made.validation.counts["error"]
    warn = f"\n注意：本工作簿有 {errors} 个错误，上报前请先改正（见“{FINDINGS_SHEET.title}”）。" if errors else ""
    stale = f"\n注意：文件夹中的 {'、'.join(p.name for p in written.stale)} 不是本次生成的，请勿一并上报。" \
        if written.stale else ""
    return (f"上报材料已写入文件夹：{folder}（共 {len(written.files)} 个文件和文件清单 manifest.json，本工作簿未改动）。"
            f"文件清单中的主工作簿校验值是磁盘上最后一次保存的文件的，请先保存再生成。{warn}{stale}")


def validate_book(book: xw.Book | None = None) -> None:
    """按钮“校验”：写“校验结果”，标出有问题的单元格。"""
    _run(book, _validate)


def check_budget_book(book: xw.Book | None = None) -> None:
    """按钮“经费审核”：写“预算审核”。"""
    _run(book, _check_budget)


def summarize_book(book: xw.Book | None = None) -> None:
    """按钮“年度汇总”：写“年度汇总”。"""
    _run(book, _summarize)


def todo_book(book: xw.Book | None = None) -> None:
    """按钮“本月待办”：写“本月待办”（本月的生日、高龄慰问、活动、欠缴会费、缺凭证号）。"""
    _run(book, _todo)


def new_year_book(book: xw.Book | None = None) -> None:
    """按钮“新年度”：在同一文件夹生成下一年度的工作簿，不改动本工作簿。"""
    _run(book, _new_year)


def package_book(book: xw.Book | None = None) -> None:
    """按钮“上报材料”：在同一文件夹生成上报材料文件夹，不改动本工作簿。"""
    _run(book, _package)
