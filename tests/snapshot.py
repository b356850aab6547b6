"""What a report looks like, cell by cell, as plain JSON: the snapshots tests/test_snapshots.py holds.

A workbook is read back with openpyxl (values, formulas, number formats, fonts, fills,
borders, alignment, merges, row heights, column widths, page setup) and its charts from
their XML (type, direction, series ranges, colours, title, axis order). The Excel door's
output is xlwings' list of actions. Each cell is one line, so a diff names the exact cell.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from pathlib import Path

import openpyxl

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
#: UNIONXL_UPDATE_SNAPSHOTS=1 rewrites the stored snapshots (review the diff: every change must be meant)
UPDATE = os.environ.get("UNIONXL_UPDATE_SNAPSHOTS") == "1"


def _color(c) -> str:
    if c is None or c.type != "rgb" or not isinstance(c.rgb, str):
        return ""
    return "#" + c.rgb[-6:]


def _style(cell) -> str:
    f, a, b = cell.font, cell.alignment, cell.border
    parts = [f"{f.name}/{f.sz:g}" + ("/b" if f.b else "") + ("/i" if f.i else "") + (_color(f.color) and f"/{_color(f.color)}")]
    fill = cell.fill
    if fill is not None and fill.fill_type == "solid":
        parts.append("fill" + _color(fill.fgColor))
    sides = [s for s in ("left", "right", "top", "bottom") if getattr(b, s) is not None and getattr(b, s).style]
    if sides:
        styles = {getattr(b, s).style for s in sides}
        parts.append("border:" + ("all" if len(sides) == 4 else ",".join(sides)) + ":" + "/".join(sorted(styles)))
    align = "/".join(x for x in (a.horizontal or "", a.vertical or "", "wrap" if a.wrap_text else "") if x)
    if align:
        parts.append("align:" + align)
    if cell.number_format != "General":
        parts.append("fmt:" + cell.number_format)
    return " ".join(parts)


def _value(cell) -> object:
    v = cell.value
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        return v
    return v if isinstance(v, (int, float, str, bool)) else str(v)


def _charts(path: Path) -> list[dict[str, object]]:
    out = []
    with zipfile.ZipFile(path) as z:
        for name in sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)):
            xml = z.read(name).decode()
            out.append({
                "type": re.findall(r"<c:(bar|line|pie|area|scatter)Chart>", xml),
                "direction": re.findall(r'<c:barDir val="(\w+)"', xml),
                "title": "".join(re.findall(r"<a:t>([^<]*)</a:t>", xml.split("<c:plotArea>")[0])),
                "series": re.findall(r"<c:f>([^<]*)</c:f>", xml),
                "colors": re.findall(r'<a:srgbClr val="(\w+)"', xml),
                "orientation": re.findall(r'<c:orientation val="(\w+)"', xml),
                "legend": re.findall(r'<c:legendPos val="(\w+)"', xml),
            })
    return out


def workbook(path: Path) -> dict[str, object]:
    wb = openpyxl.load_workbook(path)
    sheets = {}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is None and not c.has_style:
                    continue
                cells[c.coordinate] = [_value(c), _style(c)]
        ps, pm = ws.page_setup, ws.page_margins
        sheets[ws.title] = {
            "cells": cells,
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "widths": {k: round(v.width, 2) for k, v in sorted(ws.column_dimensions.items()) if v.width},
            "heights": {str(k): v.height for k, v in sorted(ws.row_dimensions.items()) if v.height},
            "freeze": ws.freeze_panes,
            "autofilter": ws.auto_filter.ref,
            "print": {
                "paper": ps.paperSize, "orientation": ps.orientation, "fit": [ps.fitToWidth, ps.fitToHeight],
                "fit_to_page": ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None,
                "margins": [pm.left, pm.right, pm.top, pm.bottom], "titles": ws.print_title_rows,
                "header": ws.oddHeader.center.text, "footer": ws.oddFooter.center.text,
                "gridlines": ws.sheet_view.showGridLines,
            },
        }
    return {"title": wb.properties.title, "sheets": sheets, "charts": _charts(path)}


def check(name: str, actual: object) -> None:
    """Compare *actual* with the stored snapshot *name* (or store it when UNIONXL_UPDATE_SNAPSHOTS=1)."""
    path = SNAPSHOTS / f"{name}.json"
    text = json.dumps(actual, ensure_ascii=False, indent=1, sort_keys=True, default=str) + "\n"
    if UPDATE or not path.exists():
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not UPDATE:
            raise AssertionError(f"snapshot {path.name} was missing and has been written: review and commit it")
        return
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert json.loads(text) == expected, f"{name} differs from tests/snapshots/{path.name}"
