"""Filling a template the way another program would: by header names, with openpyxl."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import openpyxl

from unionxl.contract.schema import SETTING_ITEMS, SHEETS


def fill(path: Path, rows: Mapping[str, Sequence[Mapping[str, object]]], settings: Mapping[str, object] = {},
         start: Mapping[str, int] = {}) -> None:
    """Write rows (column key → value) under the headers of each sheet, by header title.

    Rows go from Excel row 2 (or ``start[sheet]``); cells of formula columns are left
    alone unless a row gives a value for them.
    """
    wb = openpyxl.load_workbook(path)
    for key, sheet_rows in rows.items():
        sheet = SHEETS[key]
        ws = wb[sheet.title]
        by_title = {cell.value: cell.column for cell in ws[1] if cell.value}
        for offset, row in enumerate(sheet_rows):
            for column_key, value in row.items():
                cell = ws.cell(start.get(key, 2) + offset, by_title[sheet.col(column_key).title])
                cell.value = value  # ws.cell(..., value=None) would leave an old value in place
                if isinstance(value, str) and value.startswith("=") and not sheet.col(column_key).formula:
                    cell.data_type = "s"  # typed text that looks like a formula, as Excel stores it
    if settings:
        ws = wb[SHEETS["settings"].title]
        where = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
        for setting in SETTING_ITEMS:
            if setting.key in settings:
                ws.cell(where[setting.title], 2).value = settings[setting.key]
    wb.save(path)
