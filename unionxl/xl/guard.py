"""The guard every button runs through: a short Chinese message, whatever happens.

A treasurer pressing a button sees one of three things, never a traceback:

- the action's own one-line outcome;
- for a book unionxl cannot use, a short reason, with the full list of problems and their
  cells written to 校验结果 (one message box cannot hold a thousand findings);
- for anything unexpected, a short apology naming the log file that holds the
  traceback, the versions and the workbook's name (unionxl.files.log).

Finding the calling workbook is guarded too: run outside Excel, an entry point prints one
Chinese line.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

import xlwings as xw

from unionxl.contract.errors import UnusableWorkbook
from unionxl.contract.findings import ERROR, Finding, count_findings
from unionxl.contract.schema import FINDINGS_SHEET
from unionxl.files.log import write_failure_log
from unionxl.reports.findings import build_findings
from unionxl.xl.io import previous_marks, remark_cells, write_document

TITLE = "unionxl"
NO_CALLER = "没有找到调用它的工作簿：请打开主工作簿，在“使用说明”中按按钮运行。"
#: longest reason shown as it is; longer ones are cut, the whole list goes to 校验结果
MAX_REASON = 120

Action = Callable[[xw.Book], str]


def run_button(book: xw.Book | None, action: Action) -> None:
    """Run *action* on *book* (the calling workbook when None) and tell the outcome in Chinese."""
    try:
        book = book if book is not None else xw.Book.caller()
    except Exception:  # xlwings raises different types per platform when there is no caller
        print(NO_CALLER, file=sys.stderr)
        if "--from_xl=1" in sys.argv:  # run by RunPython: a non-zero exit makes xlwings show the line
            raise SystemExit(1) from None
        return
    try:
        message = action(book)
    except UnusableWorkbook as exc:
        message = _unusable(book, exc)
    except Exception as exc:  # a button must never show a Python traceback
        message = _unexpected(book, exc, action)
    try:
        book.app.alert(message, title=TITLE)
    except Exception:  # Excel refused the message box: the text still reaches the stderr log
        print(message, file=sys.stderr)


def _unusable(book: xw.Book, exc: UnusableWorkbook) -> str:
    findings: Sequence[Finding] = getattr(exc, "findings", ())
    if not findings:
        return f"无法处理：{_cut(exc.reason)}"
    try:
        write_findings(book, findings)
    except Exception as failure:  # the list could not be written: say why, keep the short reason
        return _unexpected(book, failure, write_findings, prefix=f"无法处理：{_cut(findings[0].message)}。")
    first = next((f for f in findings if f.severity == ERROR), findings[0])
    where = f"（{first.cell}）" if "!" in first.cell else ""
    more = f"等 {len(findings)} 个问题" if len(findings) > 1 else ""
    return (f"无法处理：{_cut(first.message)}{where}{more}。\n"
            f"全部问题及所在单元格已列在“{FINDINGS_SHEET.title}”中，改正后再按一次按钮。")


def write_findings(book: xw.Book, findings: Sequence[Finding], settings: dict[str, object] | None = None) -> int:
    """Rewrite 校验结果 with *findings* and re-mark their cells (restoring last run's marks)."""
    previous = previous_marks(book)  # before 校验结果 is rewritten: it holds last run's marks
    findings = list(findings)
    write_document(book, build_findings(findings, count_findings(findings), settings or {}))
    return remark_cells(book, findings, previous)


def _unexpected(book: xw.Book, exc: Exception, action: Callable, prefix: str = "") -> str:
    name = getattr(action, "__name__", str(action)).strip("_")
    log = write_failure_log(exc, name, _book_name(book))
    if log is None:
        return f"{prefix}unionxl 出错了，操作没有完成，日志也无法写入。请把这段文字发给维护者：{type(exc).__name__}: {_cut(str(exc))}"
    return f"{prefix}unionxl 出错了，操作没有完成。\n详细情况已记入日志文件：\n{log}\n请把这个文件发给维护者。"


def _book_name(book: xw.Book) -> str:
    try:
        return book.fullname or book.name
    except Exception:  # the book is what failed
        return ""


def _cut(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_REASON else text[: MAX_REASON - 1] + "…"
