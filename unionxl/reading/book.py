"""The in-memory master workbook: one table per input sheet, as DataFrames, plus settings.

This is what every check and summary works on. It holds no Excel objects, so the CLI
(files read with python-calamine) and the xlwings front door (ranges read from Excel)
build the same thing and share the whole core.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from unionxl.contract.findings import Finding
from unionxl.contract.schema import Sheet, column_letter


@dataclass
class Table:
    """One input sheet.

    ``raw`` holds the cell values as read (object dtype), ``data`` the typed values
    (dates as datetime64, money as Int64 fen, text as str). Both are indexed by the
    Excel row number and have one column per schema key found in the header row.
    ``formulas`` flags, for the formula columns, which cells still hold a formula.
    ``lookalikes`` keeps, per matched column, the literal text of the cells whose value was
    read in normal form (``unionxl.reading.text``): what Excel's formulas compare instead.
    """

    sheet: Sheet
    raw: pd.DataFrame
    positions: dict[str, int]
    data: pd.DataFrame = field(default_factory=pd.DataFrame)
    formulas: pd.DataFrame | None = None
    #: the cells of columns the contract does not know (a 电话 column the treasurer added), as
    #: read, for every body row (blank ones too); columns are 0-based positions, titles in
    #: ``extra_titles`` ("" for a column without a header). Rollover carries them.
    extra: pd.DataFrame = field(default_factory=pd.DataFrame)
    extra_titles: dict[int, str] = field(default_factory=dict)
    lookalikes: dict[str, pd.Series] = field(default_factory=dict)

    def ref(self, key: str, row: int) -> str:
        """A1 reference without the sheet, e.g. ``F12``."""
        return f"{column_letter(self.positions[key])}{row}"

    def cell(self, key: str, row: int) -> str:
        """Full reference, e.g. ``会员台账!F12``."""
        return f"{self.sheet.title}!{self.ref(key, row)}"

    def cells(self, key: str, rows: pd.Index) -> list[str]:
        letter = column_letter(self.positions[key])
        return [f"{self.sheet.title}!{letter}{r}" for r in rows]


@dataclass
class Settings:
    """Typed 设置 items (``values``) and where each one sits (``cells``)."""

    values: dict[str, object]
    cells: dict[str, str]

    def get(self, key: str, default: object = None) -> object:
        value = self.values.get(key)
        return default if value is None else value


@dataclass
class Book:
    tables: dict[str, Table]
    settings: Settings
    #: findings raised while reading and typing the cells
    findings: list[Finding] = field(default_factory=list)
    #: False when a required sheet or column is missing: no further checks make sense
    usable: bool = True
    source: str = ""
    #: every sheet of the file, in order (empty when the caller cannot tell)
    sheet_names: list[str] = field(default_factory=list)

    def __getitem__(self, key: str) -> Table:
        return self.tables[key]

    @property
    def year(self) -> int | None:
        year = self.settings.values.get("year")
        return int(year) if year is not None else None
