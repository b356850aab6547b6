"""The terminal renderer: a document on a rich console, for every table the CLI prints.

Everything marked for the screen is printed in reading order: the title, header lines,
stamps (bold red), section titles, tables (verdicts in their tone's colour, money in 元,
links as the full cell reference to look up), notes and paragraphs. Charts and sign-off
lines are for paper and never reach the screen; nor do columns marked ``screen=False``.
"""

from __future__ import annotations

import datetime as dt

from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from unionxl.contract.money import format_yuan
from unionxl.reports.model import (
    INT,
    MONEY,
    PCT,
    Document,
    Link,
    Note,
    Page,
    Paragraph,
    Section,
    Stamp,
    Status,
    Table,
)
from unionxl.reports.styles import TONE_STYLES


def cell_text(value: object, kind: str) -> str:
    """A cell as the terminal shows it (rich markup, user text escaped)."""
    if value is None or value == "":
        return ""
    if isinstance(value, Status):
        return f"[{TONE_STYLES[value.tone]}]{escape(value.text)}[/]"
    if isinstance(value, Link):
        return escape(value.ref)
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if kind == MONEY:
        return format_yuan(value)  # type: ignore[arg-type]
    if kind == PCT:
        return f"{value:.1%}"
    if kind == INT:
        return f"{value:,}"
    return escape(str(value))


def rich_table(table: Table) -> RichTable:
    shown = table.visible_columns(screen=True)
    out = RichTable(header_style="bold")
    for i in shown:
        column = table.columns[i]
        justify = column.align or ("right" if column.kind in (INT, MONEY, PCT) else "left")
        out.add_column(column.title, overflow="fold", justify=justify)  # type: ignore[arg-type]
    for row in table.rows:
        out.add_row(*(cell_text(row[i], table.columns[i].kind) for i in shown))
    return out


def print_document(console: Console, document: Document) -> None:
    for page in document.pages:
        print_page(console, page)


def print_page(console: Console, page: Page) -> None:
    if page.title:
        console.print(f"[bold]{escape(page.title)}[/]")
    for line in page.lines:
        if line.media.screen:
            console.print(escape(line.text))
    for stamp in page.stamps:
        if stamp.media.screen:
            console.print(f"[{TONE_STYLES[stamp.tone]}]{escape(stamp.text)}[/]")
    _blocks(console, page.blocks)


def _blocks(console: Console, blocks: list) -> None:
    for block in blocks:
        if not block.media.screen:
            continue
        if isinstance(block, Section):
            console.print(f"[bold]{escape(block.title)}[/]")
            _blocks(console, block.blocks)
        elif isinstance(block, Table):
            if block.rows:
                console.print(rich_table(block))
            elif block.empty:
                console.print(escape(block.empty))
        elif isinstance(block, Stamp):
            console.print(f"[{TONE_STYLES[block.tone]}]{escape(block.text)}[/]")
        elif isinstance(block, (Note, Paragraph)):
            console.print(escape(block.text))
