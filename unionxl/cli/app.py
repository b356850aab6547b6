"""Shared plumbing of the command line: the typer app, the consoles, the guard that turns
every failure into exit 2 with one Chinese line, and the book loaders the commands share.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table as RichTable

from unionxl.contract.errors import UnusableWorkbook
from unionxl.contract.findings import Finding
from unionxl.contract.schema import SEVERITY_TITLES
from unionxl.core.validate import ValidationResult
from unionxl.files.safeio import lock_file

if TYPE_CHECKING:
    from unionxl.reading.book import Book

app = typer.Typer(help="unionxl：基层工会财务工作簿的校验、汇总与经费审核工具", add_completion=False,
                  no_args_is_help=True, pretty_exceptions_enable=False)
#: a pipe or file gets wide tables instead of rich's 80-column default
_WIDTH = int(os.environ.get("COLUMNS", "0") or 0) or (None if sys.stdout.isatty() else 160)
out = Console(highlight=False, width=_WIDTH)
err = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE = 0, 1, 2
_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _guarded(command: Callable[..., int | None]) -> Callable[..., None]:
    """Turn every failure into exit 2 with one Chinese line (UNIONXL_DEBUG=1 re-raises)."""

    @functools.wraps(command)
    def wrapper(*args: object, **kwargs: object) -> None:
        try:
            code = command(*args, **kwargs) or EXIT_OK
        except UnusableWorkbook as exc:
            err.print(f"[bold red]无法使用：[/]{exc.reason}", soft_wrap=True)
            code = EXIT_UNUSABLE
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:  # the user must never see a traceback
            if os.environ.get("UNIONXL_DEBUG") == "1":
                raise
            err.print(f"[bold red]unionxl 内部错误：[/]{type(exc).__name__}: {exc}（请把此信息报告给维护者）", soft_wrap=True)
            code = EXIT_UNUSABLE
        raise typer.Exit(code)

    return wrapper


def _warn_if_open(book: Path) -> None:
    if lock_file(book).exists():
        err.print(f"[yellow]注意：[/]“{book.name}”正在 Excel/WPS 中打开，读取的是最后一次保存的内容；未保存的修改不会被校验。")


def _print_findings(findings: list[Finding], counts: dict[str, int]) -> None:
    if findings:
        table = RichTable(show_lines=False, header_style="bold")
        for header in ("级别", "单元格", "说明", "建议", "规则"):
            table.add_column(header, overflow="fold")
        for f in findings:
            table.add_row(f"[{_STYLE[f.severity]}]{SEVERITY_TITLES[f.severity]}[/]", f.cell, f.message, f.hint, f.rule)
        out.print(table)
    out.print(f"共 {counts['error']} 个错误、{counts['warning']} 个警告、{counts['info']} 条提示。")


def _load_usable(book: Path) -> Book:
    """The typed book, refused with its own errors when a required sheet or header is missing."""
    from unionxl.reading.reader import load_book

    loaded = load_book(book)
    if not loaded.usable:
        raise UnusableWorkbook("；".join(f.message for f in loaded.findings if f.severity == "error"))
    return loaded


def _load_dated(book: Path, purpose: str) -> Book:
    """The typed book, refused when it is unusable or 设置 has no year (rollover and to-do need one)."""
    from unionxl.reading.reader import load_book

    loaded = load_book(book)
    if not loaded.usable or loaded.year is None:
        raise UnusableWorkbook(f"工作簿缺少必要的工作表、表头或年度，无法{purpose}")
    return loaded


def _finish(result: ValidationResult, as_json: bool) -> int:
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    else:
        _print_findings(result.findings, result.counts)
    if not result.usable:
        err.print(f"[bold red]无法使用：[/]{result.unusable_reason()}", soft_wrap=True)
        return EXIT_UNUSABLE
    return EXIT_ERRORS if result.errors else EXIT_OK
