"""The terminal renderer: a document on a rich console, for every table the CLI prints.

Everything marked for the screen is printed in reading order: the title, header lines,
stamps (bold red), section titles, tables (verdicts in their tone's colour, money in 元,
links as the full cell reference to look up), notes and paragraphs. Charts and sign-off
lines are for paper and never reach the screen; nor do columns marked ``screen=False``.
Everything is printed as rich ``Text``, never as markup, so user text such as
``[bold]x[/]`` prints as typed; a very long cell is shown by its two ends.
"""

from __future__ import annotations

import datetime as dt

from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from unionxl.contract.money import format_yuan
from unionxl.files.ownership import shown
from unionxl.reports.model import (
    INT, MONEY, MUTED, PCT, STRONG, Document, Link, Note, Page, Paragraph, Section, Stamp, Status, Table
)

#: the terminal style of an emphasised table row
EMPHASIS_STYLES = {STRONG: "bold", MUTED: "dim"}
from unionxl.reports.styles import TONE_STYLES

#: a table cell or a heading longer than this is shortened in the middle on screen
CELL_LIMIT = 200


def cell_text(value: object, kind: str) -> Text:
    """A cell as the terminal shows it."""
    if value is None or value == "":
        return Text("")
    if isinstance(value, Status):
        return Text(value.text, style=TONE_STYLES[value.tone])
    if isinstance(value, Link):
        return Text(shown(value.ref, CELL_LIMIT))
    if isinstance(value, str):
        return Text(shown(value, CELL_LIMIT))
    if isinstance(value, dt.date):
        return Text(value.isoformat())
    if kind == MONEY:
        return Text(format_yuan(value))  # type: ignore[arg-type]
    if kind == PCT:
        return Text(f"{value:.1%}")
    if kind == INT:
        return Text(f"{value:,}")
    return Text(str(value))


def rich_table(table: Table) -> RichTable:
    columns = table.screen_columns()
    out = RichTable(header_style="bold")
    for i in columns:
        column = table.columns[i]
        justify = column.align or ("right" if column.kind in (INT, MONEY, PCT) else "left")
        out.add_column(column.title, overflow="fold", justify=justify)  # type: ignore[arg-type]
    for r, row in enumerate(table.rows):
        out.add_row(*(cell_text(row[i], table.columns[i].kind) for i in columns),
                    style=EMPHASIS_STYLES.get(table.emphasis.get(r, "")))
    return out


def print_document(console: Console, document: Document) -> None:
    for page in document.pages:
        print_page(console, page)


def print_page(console: Console, page: Page) -> None:
    if page.title:
        console.print(Text(shown(page.title, CELL_LIMIT), style="bold"))
    for line in page.lines:
        if line.media.screen:
            console.print(Text(line.text))
    for stamp in page.stamps:
        if stamp.media.screen:
            console.print(Text(stamp.text, style=TONE_STYLES[stamp.tone]))
    _blocks(console, page.blocks)


def _blocks(console: Console, blocks: list) -> None:
    for block in blocks:
        if not block.media.screen:
            continue
        if isinstance(block, Section):
            console.print(Text(block.title, style="bold"))
            _blocks(console, block.blocks)
        elif isinstance(block, Table):
            if block.rows:
                console.print(rich_table(block))
            elif block.empty:
                console.print(Text(block.empty))
        elif isinstance(block, Stamp):
            console.print(Text(block.text, style=TONE_STYLES[block.tone]))
        elif isinstance(block, (Note, Paragraph)):
            console.print(Text(block.text))
