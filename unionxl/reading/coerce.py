"""Typing raw cell values by the schema, with a finding for every cell that does not fit.

Numbers, dates and blanks are handled column-wise with pandas; only the few cells typed
as text where a number or date belongs go through Python parsing. Safe, common slips
(“2026年3月8日”, full-width digits, “1,200.00元”) are accepted with a warning that names
the cell, so the treasurer can tidy them without losing the figure.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable

import numpy as np
import pandas as pd

from unionxl.reading.book import Book, Settings, Table
from unionxl.reading.text import INVISIBLE, blank_mask, needs_normalising, normal, normalise, plain_text, tidy
from unionxl.contract.findings import ERROR, INFO, WARNING, Finding
from unionxl.contract.money import format_yuan, yuan_to_fen
from unionxl.contract.schema import FORMULA_READERS, MATCHED_COLUMNS, PROVINCES, SETTING_ITEMS, SETTINGS, YEAR_FIRST, YEAR_LAST, Column, Kind

#: Excel serial day 0; serials below 61 are off by the 1900 leap-year bug, which is moot here.
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_SERIAL_RANGE = (1, 73_415)  # 1900-01-01 … 2100-12-31, as DATE_RANGE

_DATE_TEXT = re.compile(r"^\s*(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?\s*$")
_NUMBER_TEXT = re.compile(r"^[\s¥￥]*(-?[\d,]*\.?\d+)\s*(元|年度|年|月|人次|人|次|%|‰)?\s*$")
#: the units a number typed as text may carry, by the column's kind, and what they scale by
_UNITS: dict[Kind, dict[str, float]] = {
    Kind.MONEY: {"": 1, "元": 1},
    Kind.INT: {"": 1, "年": 1, "年度": 1, "月": 1, "人": 1, "人次": 1, "次": 1},
    Kind.RATE: {"": 1, "%": 0.01, "‰": 0.001},
}


def _normalise_text(value: str) -> str:
    """Full-width digits and punctuation to ASCII (NFKC), invisible characters removed, trimmed."""
    return unicodedata.normalize("NFKC", INVISIBLE.sub("", value)).strip()


def parse_date_text(value: str) -> dt.date | None:
    m = _DATE_TEXT.match(_normalise_text(value))
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def parse_number_text(value: str, kind: Kind = Kind.MONEY) -> float | None:
    """A number typed as text (“1,200.00元”, “１０００”, “2026年”, “0.5%”), with the units *kind* allows."""
    m = _NUMBER_TEXT.match(_normalise_text(value))
    scale = _UNITS.get(kind, _UNITS[Kind.MONEY]).get(m.group(2) or "") if m else None
    if scale is None:
        return None
    try:
        return float(m.group(1).replace(",", "")) * scale
    except ValueError:
        return None


#: numbers at or beyond this (and inf/nan) are refused: no union books a trillion 元
MAX_NUMBER = 1e12
#: dates outside this range are typing slips (and beyond what datetime64 holds)
DATE_RANGE = (dt.date(1900, 1, 1), dt.date(2100, 12, 31))

_NUMBER_KINDS = ("floating", "integer", "mixed-integer-float", "decimal")
_DATE_KINDS = ("date", "datetime", "datetime64")


def _classify(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Masks: blank, number, date, other text.

    A column of one kind (the usual case) is recognised by pandas' C-level type inference;
    only mixed columns are classified cell by cell.
    """
    cells = values.to_numpy(dtype=object)
    present = ~pd.isna(cells)
    present[present] = cells[present] != ""
    kind = pd.api.types.infer_dtype(cells[present], skipna=True)
    none = np.zeros(len(cells), dtype=bool)
    if kind == "empty":
        return ~present, none, none, none
    if kind in _NUMBER_KINDS:
        return ~present, present, none, none
    if kind in _DATE_KINDS:
        return ~present, none, present, none
    if kind == "string":
        blank = blank_mask(values).to_numpy()
        return blank, none, none, ~blank
    types = values.map(type)
    blank = blank_mask(values).to_numpy()
    number = types.isin((int, float, np.float64, np.int64)).to_numpy() & present
    date = types.isin((dt.date, dt.datetime, pd.Timestamp)).to_numpy()
    text = ~(blank | number | date)
    return blank, number, date, text


def formula_note(sheet_key: str, column_key: str) -> str:
    """What a cell unionxl read from text means for the workbook's own formulas that read it."""
    labels = FORMULA_READERS.get((sheet_key, column_key))
    if not labels:
        return ""
    return f"；但工作簿中引用这一格的公式（{'、'.join(labels)}）不把文字当作数值，结果可能与 unionxl 不同或显示错误值"


Converter = Callable[[Table, Column, pd.Series], tuple[pd.Series, list[Finding]]]


def _finding(table: Table, column: Column, row: int, rule: str, severity: str, message: str, hint: str = "") -> Finding:
    return Finding(rule, severity, table.sheet.title, table.cell(column.key, row), message, hint)


def _to_text(table: Table, column: Column, values: pd.Series) -> tuple[pd.Series, list[Finding]]:
    joined = plain_text(values)
    if joined is not None:  # the usual column: strings to read as they are
        out = values.astype(object)
        if column.key not in MATCHED_COLUMNS.get(table.sheet.key, ()) or not needs_normalising(joined):
            return out, []
        out, literal = normalise(out)
        if len(literal):
            table.lookalikes[column.key] = literal
        return out, []
    blank, number, date, text = _classify(values)
    out = values.astype(object).where(~blank, "")
    if number.any():
        nums = values[number].astype(float)
        out[number] = [str(int(v)) if v.is_integer() else str(v) for v in nums]
    if date.any():
        out[date] = [v.isoformat()[:10] for v in values[date]]
    if text.any():
        out[text] = [str(v) for v in values[text]]
    out = out.astype(object)
    if column.key not in MATCHED_COLUMNS.get(table.sheet.key, ()):
        return tidy(out), []
    out, literal = normalise(out)
    if len(literal):
        table.lookalikes[column.key] = literal
    return out, []


def _to_choice(table: Table, column: Column, values: pd.Series) -> tuple[pd.Series, list[Finding]]:
    out, findings = _to_text(table, column, values)
    if column.choices:
        bad = out.ne("") & ~out.isin(column.choices)
        listed = "、".join(column.choices)
        findings += [
            _finding(table, column, row, "choice-invalid", ERROR,
                     f"“{column.title}”的值“{out[row]}”不在下拉列表中", f"可选：{listed}")
            for row in out.index[bad]
        ]
    return out, findings


def _to_number(table: Table, column: Column, values: pd.Series, what: str) -> tuple[pd.Series, list[Finding]]:
    """Float values, accepting numeric text with a warning."""
    blank, number, date, text = _classify(values)
    floats = np.full(len(values), np.nan)
    floats[number] = values.to_numpy(dtype=object)[number].astype(float)
    findings: list[Finding] = []
    absurd = ~np.isnan(floats) & ~(np.abs(floats) < MAX_NUMBER)
    for row in values.index[absurd]:
        findings.append(_finding(table, column, row, f"type-{what}", ERROR,
                                 f"“{column.title}”的数值 {values[row]} 不是有效数字或大得不合理", "请核对该单元格"))
    floats[absurd] = np.nan
    out = pd.Series(floats, index=values.index, dtype="float64")
    note = formula_note(table.sheet.key, column.key)
    for row in values.index[text]:
        parsed = parse_number_text(str(values[row]), column.kind)
        if parsed is None:
            findings.append(_finding(table, column, row, f"type-{what}", ERROR,
                                     f"“{column.title}”应为数字，实际为文字“{values[row]}”", "请只填写数字，不要带单位或说明"))
        else:
            out[row] = parsed
            findings.append(_finding(table, column, row, "number-as-text", WARNING,
                                     f"“{column.title}”填的是文字“{values[row]}”，已按 {parsed:.12g} 读取{note}",
                                     "请改为数字格式的单元格，去掉“元”、逗号等"))
    for row in values.index[date]:
        findings.append(_finding(table, column, row, f"type-{what}", ERROR,
                                 f"“{column.title}”应为数字，实际为日期", "请检查是否填错了列"))
    return out, findings


def _to_money(table: Table, column: Column, values: pd.Series) -> tuple[pd.Series, list[Finding]]:
    floats, findings = _to_number(table, column, values, "money")
    fen, over_precise = yuan_to_fen(floats)
    for row in floats.index[over_precise]:
        findings.append(_finding(table, column, row, "money-precision", ERROR,
                                 f"“{column.title}”最多保留两位小数（到分），实际为 {floats[row]:.12g}",
                                 "请核对金额，四舍五入到分"))
    for row in fen.index[fen.fillna(0).lt(0)]:
        findings.append(_finding(table, column, row, "money-negative", ERROR,
                                 f"“{column.title}”不能为负数，实际为 {floats[row]:.12g}",
                                 "金额一律填正数；收入或支出由“收支”列区分，冲销请另起一行说明"))
    return fen, findings


def _to_int(table: Table, column: Column, values: pd.Series) -> tuple[pd.Series, list[Finding]]:
    floats, findings = _to_number(table, column, values, "int")
    fractional = floats.notna() & (floats != np.floor(floats.fillna(0)))
    for row in floats.index[fractional]:
        findings.append(_finding(table, column, row, "type-int", ERROR,
                                 f"“{column.title}”应为整数，实际为 {floats[row]:.12g}"))
    return floats.where(~fractional).round().astype("Int64"), findings


def _to_rate(table: Table, column: Column, values: pd.Series) -> tuple[pd.Series, list[Finding]]:
    return _to_number(table, column, values, "number")


def _to_date(table: Table, column: Column, values: pd.Series) -> tuple[pd.Series, list[Finding]]:
    blank, number, date, text = _classify(values)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    findings: list[Finding] = []
    if date.any():
        low, high = (pd.Timestamp(d) for d in DATE_RANGE)
        # each cell's day (a datetime's date part), at a resolution that holds years 1–9999
        days = pd.DatetimeIndex(values.to_numpy(dtype=object)[date]).normalize()
        plausible = np.asarray((days >= low) & (days <= high))
        rows = values.index[date]
        for row in rows[~plausible]:
            findings.append(_finding(table, column, row, "type-date", ERROR,
                                     f"“{column.title}”的日期 {values[row]} 不在 1900–2100 年之间", "请核对年份"))
        if plausible.any():
            stamps = out.to_numpy(copy=True)
            stamps[np.flatnonzero(date)[plausible]] = days[plausible].as_unit("ns").to_numpy()
            out = pd.Series(stamps, index=values.index, dtype="datetime64[ns]")
    serials = values[number].astype(float)
    in_range = serials.between(*_SERIAL_RANGE)
    if in_range.any():
        out[in_range.index[in_range]] = _EXCEL_EPOCH + pd.to_timedelta(np.floor(serials[in_range]), unit="D")
    for row in serials.index[in_range]:
        findings.append(_finding(table, column, row, "date-as-number", WARNING,
                                 f"“{column.title}”是数字 {serials[row]:.12g}，已按 Excel 日期 {out[row]:%Y-%m-%d} 读取",
                                 "请把单元格格式设为日期"))
    for row in serials.index[~in_range]:
        findings.append(_finding(table, column, row, "type-date", ERROR,
                                 f"“{column.title}”应为日期，实际为数字 {serials[row]:.12g}", "日期格式：2026-03-08"))
    for row in values.index[text]:
        parsed = parse_date_text(str(values[row]))
        if parsed is not None and not DATE_RANGE[0] <= parsed <= DATE_RANGE[1]:
            parsed = None
        if parsed is None:
            findings.append(_finding(table, column, row, "type-date", ERROR,
                                     f"“{column.title}”应为日期，实际为文字“{values[row]}”", "日期格式：2026-03-08"))
        else:
            out[row] = pd.Timestamp(parsed)
            findings.append(_finding(table, column, row, "date-as-text", WARNING,
                                     f"“{column.title}”填的是文字“{values[row]}”，已按 {parsed:%Y-%m-%d} 读取"
                                     + formula_note(table.sheet.key, column.key),
                                     "请改为日期格式的单元格"))
    return out, findings


CONVERTERS: dict[Kind, Converter] = {
    Kind.TEXT: _to_text,
    Kind.CHOICE: _to_choice,
    Kind.MONEY: _to_money,
    Kind.INT: _to_int,
    Kind.RATE: _to_rate,
    Kind.DATE: _to_date,
}

_MISSING = {Kind.TEXT: "", Kind.CHOICE: ""}


def coerce_table(table: Table) -> list[Finding]:
    """Fill ``table.data`` from ``table.raw``; return the cell findings."""
    findings: list[Finding] = []
    data: dict[str, pd.Series] = {}
    for column in table.sheet.input_columns:
        if column.key not in table.raw.columns:
            continue
        values, problems = CONVERTERS[column.kind](table, column, table.raw[column.key])
        data[column.key] = values
        findings += problems
        if column.required:
            missing = values.eq("") if column.kind in _MISSING else values.isna()
            findings += [
                _finding(table, column, row, "required-missing", ERROR, f"“{column.title}”必须填写")
                for row in values.index[missing.fillna(True).astype(bool)]
            ]
    table.data = pd.DataFrame(data, index=table.raw.index)
    return findings


def coerce_settings(table: Table) -> tuple[Settings, list[Finding]]:
    """Typed 设置 values keyed by setting key; defaults for optional items left out."""
    findings: list[Finding] = []
    items = table.data.get("item", pd.Series(dtype=object))
    values: dict[str, object] = {}
    cells: dict[str, str] = {}
    value_col = SETTINGS.col("value")
    for setting in SETTING_ITEMS:
        rows = items.index[items.eq(setting.title)]
        if len(rows) == 0:
            if setting.required:
                findings.append(Finding("setting-missing", ERROR, SETTINGS.title, SETTINGS.title,
                                        f"“{SETTINGS.title}”缺少项目“{setting.title}”", f"请在“项目”列加上“{setting.title}”并填写其值"))
            values[setting.key] = None if setting.required else setting.default
            continue
        row = int(rows[0])
        cells[setting.key] = table.cell("value", row)
        column = Column(value_col.key, setting.title, setting.kind, setting.required, setting.choices)
        raw = table.raw.loc[[row], "value"]
        if setting.key == "province":
            raw, problems = _province(raw, cells[setting.key])
            findings += problems
        typed, problems = CONVERTERS[setting.kind](table, column, raw)
        value = typed[row]
        findings += [_relabel(f, setting, value) for f in problems]
        if value is pd.NA or value is pd.NaT or value == "" or (isinstance(value, float) and np.isnan(value)):
            value = None
        values[setting.key] = value
    findings += _check_settings(values, cells)
    return Settings(values, cells), findings


def _relabel(finding: Finding, setting, value: object) -> Finding:
    """A value cell's finding in the words of its setting: a choice is a setting-invalid, a
    number typed as text names the formulas that read it, a rate says what to type."""
    rule, message, hint = finding.rule, finding.message, finding.hint
    if rule == "choice-invalid":
        rule = "setting-invalid"
        if setting.key == "province":
            message += "；经费审核无法加载本省的标准，只能按全国总工会的规定进行"
    if rule == "number-as-text":
        message += formula_note(SETTINGS.key, setting.key)
    if rule == "type-number" and setting.key == "dues_rate":
        hint = "请填数字 0.005（即千分之五；可把单元格设为百分比格式，显示为 0.5%）"
    severity = finding.severity
    if rule == "money-negative" and setting.key == "opening_balance":
        # A deficit carried from last year is a true figure (rollover writes it): it is kept
        # and counted, and said as what it is rather than as a typing mistake.
        severity = WARNING
        message = f"“{setting.title}”为负数（{format_yuan(value)} 元），即上年度超支"
        hint = "请核对上年度决算；工会经费不得列赤字预算，本年度预算应安排弥补"
    return Finding(rule, severity, finding.sheet, finding.cell, message, hint)


#: the official names of the regions whose name is not the short name + 省
_PROVINCE_FULL_NAMES = {
    "北京": "北京市", "天津": "天津市", "上海": "上海市", "重庆": "重庆市", "内蒙古": "内蒙古自治区",
    "广西": "广西壮族自治区", "西藏": "西藏自治区", "宁夏": "宁夏回族自治区", "新疆": "新疆维吾尔自治区",
}
_NATIONAL_NAMES = ("中华全国总工会", "全国总工会", "全总")


def _province_spellings() -> dict[str, str]:
    """Every tolerable spelling of a 省份 (湖北, 湖北省, 湖北省总工会, 中华全国总工会…) → its list entry."""
    out = {name: PROVINCES[0] for name in _NATIONAL_NAMES}
    for province in PROVINCES:
        for name in {province, _PROVINCE_FULL_NAMES.get(province, province + "省")}:
            out[name] = out[name + "总工会"] = province
    return out


PROVINCE_SPELLINGS = _province_spellings()


def _province(raw: pd.Series, cell: str) -> tuple[pd.Series, list[Finding]]:
    """省份 in a tolerable spelling becomes its list entry, with a note naming the cell; blank
    is read as 全国 with a note; anything else is left for the dropdown check (an error)."""
    value = raw.iloc[0]
    text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    key = re.sub(r"\s+", "", normal(text))
    if not key:
        return pd.Series([PROVINCES[0]], index=raw.index, dtype=object), [Finding(
            "setting-normalised", INFO, SETTINGS.title, cell,
            f"“省份”未填写，按“{PROVINCES[0]}”读取：经费审核只按全国总工会的规定进行",
            "请从下拉列表选择本单位所在的省份")]
    province = PROVINCE_SPELLINGS.get(key)
    if province is None or province == text:
        return raw, []
    return pd.Series([province], index=raw.index, dtype=object), [Finding(
        "setting-normalised", INFO, SETTINGS.title, cell, f"“省份”填的是“{text}”，已按“{province}”读取",
        "请从下拉列表选择省份")]


def _check_settings(values: dict[str, object], cells: dict[str, str]) -> list[Finding]:
    findings = []
    year = values.get("year")
    if "year" in cells and (year is None or not YEAR_FIRST <= int(year) <= YEAR_LAST):
        values["year"] = None
        findings.append(Finding("setting-invalid", ERROR, SETTINGS.title, cells["year"],
                                "“年度”应为四位年份，例如 2026", "按年度的检查已跳过，请先填好年度"))
    rate = values.get("dues_rate")
    if "dues_rate" in cells and (rate is None or not 0 < float(rate) <= 0.05):
        values["dues_rate"] = None
        findings.append(Finding("setting-invalid", ERROR, SETTINGS.title, cells["dues_rate"],
                                "“会费比例”应为 0 到 5% 之间的小数，章程规定为 0.005（千分之五）", "请填 0.005"))
    if "union_name" in cells and not values.get("union_name"):
        findings.append(Finding("required-missing", ERROR, SETTINGS.title, cells["union_name"], "“工会名称”必须填写"))
    return findings


def coerce_book(book: Book) -> Book:
    """Type every table of a raw book (in place) and collect the cell findings."""
    for table in book.tables.values():
        book.findings += coerce_table(table)
    if "settings" in book.tables:
        book.settings, problems = coerce_settings(book.tables["settings"])
        book.findings += problems
    return book
