"""Each reading-corpus case reads as Excel reads it, or reports its cells; the input is never written.

A case *like the clean book* must give the clean book's typed tables exactly and no finding;
the others must report their findings at the exact cells, and not the wrong readings listed
as absent. The grids the reader builds for the far-cell cases are bounded by the cells that
hold data, not by the used range.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from tests.reading_corpus import CASES, ReadCase, clean
from unionxl.contract.errors import UnusableWorkbook
from unionxl.core.validate import validate_book
from unionxl.reading.reader import load_book, read_sheets


@pytest.fixture(scope="module")
def clean_book(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("clean") / "clean.xlsx"
    clean(path)
    return load_book(path)


def test_reading_corpus_names_are_unique() -> None:
    assert len({c.name for c in CASES}) == len(CASES)
    assert all(c.made for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_reading_case(case: ReadCase, clean_book, tmp_path: Path) -> None:
    path = tmp_path / f"{case.name}.xlsx"
    case.build(path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        book = load_book(path)
    except UnusableWorkbook:
        assert case.exit_code == 2, case.made
        return
    result = validate_book(book)
    found = {(f.rule, f.cell) for f in result.findings}
    if case.exit_code is not None:
        assert (1 if result.errors else 0) == case.exit_code, [(f.rule, f.cell, f.message) for f in result.errors]
    assert case.findings <= found, found
    assert not {rule for rule, _ in found} & case.absent, found
    if case.like_clean:
        assert result.findings == [], [(f.rule, f.cell, f.message) for f in result.findings]
        for key, table in clean_book.tables.items():
            pd.testing.assert_frame_equal(book[key].data, table.data, check_dtype=False, obj=key)
        assert book.settings.values == clean_book.settings.values
    if case.check is not None:
        case.check(book)
    if case.grid:
        sheets = read_sheets(path)
        for title, (rows, columns) in case.grid.items():
            grid = sheets[title].grid
            assert len(grid) <= rows and max(len(r) for r in grid) <= columns, (len(grid), max(len(r) for r in grid))
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_fast_and_cell_by_cell_scans_agree(demo_book) -> None:
    """The C-level scan of a usual sheet and the cell-by-cell walk used for every other form
    find the same formulas, errors and shape on the demo's sheets (error values added)."""
    import re
    import zipfile

    from unionxl.contract.schema import INPUT_SHEETS
    from unionxl.reading import sheetxml
    from unionxl.reading.reader import _sheet_parts

    with zipfile.ZipFile(demo_book[0]) as zf:
        parts = _sheet_parts(zf)
        for title in (s.title for s in INPUT_SHEETS):
            xml = re.sub(rb'(<row r="2"[^>]*>.*?)</row>', rb'\1<c r="ZZ2" s="1" t="e"><v>#N/A</v></c></row>',
                         zf.read(parts[title]), count=1, flags=re.S)
            fast, walked = sheetxml.scan(xml), sheetxml.SheetScan()
            sheetxml._scan_cell_by_cell(xml, walked)
            assert (fast.formulas, fast.errors, fast.sparse) == (walked.formulas, walked.errors, walked.sparse), title
            assert ("ZZ2", "#N/A") in fast.errors, title
            assert title not in ("会员台账", "经费预算") or len(fast.formulas) > 100


def test_running_out_of_memory_is_not_called_a_damaged_file(tmp_path, monkeypatch) -> None:
    """A MemoryError while reading reaches the caller (the portal's worker limit counts on it) and
    the CLI says memory ran out, not that the file is damaged."""
    from typer.testing import CliRunner

    from unionxl.cli import app
    from unionxl.reading import reader

    path = tmp_path / "book.xlsx"
    clean(path)

    def exhausted(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(reader.sheetxml, "scan", exhausted)
    with pytest.raises(MemoryError):
        load_book(path)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2 and "内存不足" in result.stderr and "损坏" not in result.stderr
