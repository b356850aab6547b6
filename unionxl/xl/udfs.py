"""Worksheet functions. xlwings UDFs run on Windows Excel only (not macOS, not WPS).

Import them once with the xlwings add-in's “Import Functions” (UDF Modules: unionxl.xl.udfs).
"""

from __future__ import annotations

import xlwings as xw

from unionxl.core.lookups import cap_yuan, dues_yuan, open_errors
from unionxl.contract.schema import FINDINGS_SHEET


@xw.func
def UNION_DUES(wage: float, rate: float = 0.005) -> float | str:  # noqa: N802 - Excel function name
    """=UNION_DUES(月工资基数[, 会费比例])：应缴月会费（元）。"""
    return dues_yuan(wage, rate)


@xw.func
def UNION_CAP(kind: str, province: str = "全国", year: int | None = None) -> float | str:  # noqa: N802
    """=UNION_CAP("生日慰问", 设置!B5)：该省现行的慰问标准（元）。"""
    return cap_yuan(kind, province, year)


@xw.func
def UNION_CHECK(caller: xw.Range) -> int:  # noqa: N802
    """=UNION_CHECK()：“校验结果”中尚未处理的错误条数（重新校验后更新）。"""
    book = caller.sheet.book
    if FINDINGS_SHEET.title not in [s.name for s in book.sheets]:
        return 0
    return open_errors(book.sheets[FINDINGS_SHEET.title]["A1"].options(ndim=2, expand="table").value)
