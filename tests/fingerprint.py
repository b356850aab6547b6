"""What a workbook contains, independent of the writer's byte layout (for artifact tests)."""

from __future__ import annotations

from pathlib import Path

import openpyxl


def fingerprint(path: Path) -> dict[str, object]:
    wb = openpyxl.load_workbook(path)
    sheets = {}
    for ws in wb.worksheets:
        cells = {c.coordinate: (c.value, c.number_format) for row in ws.iter_rows() for c in row if c.value is not None}
        widths = {k: round(v.width or 0, 2) for k, v in ws.column_dimensions.items()}
        validations = sorted((str(v.sqref), v.type or "", v.formula1 or "") for v in ws.data_validations.dataValidation)
        sheets[ws.title] = {"cells": cells, "widths": widths, "validations": validations, "freeze": ws.freeze_panes}
    names = {n: d.attr_text for n, d in wb.defined_names.items()}
    return {"order": wb.sheetnames, "sheets": sheets, "names": names}
