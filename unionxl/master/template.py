"""Writing a master workbook from the schema: headers, formats, dropdowns and live formulas.

The same writer makes the empty template (``unionxl new``) and the demo workbook (rows
given), so both always follow the contract. Cells are written by their Python type —
text always as text, never as a formula — so a deliberate mistake in the demo (text in a
money cell) is written just as a treasurer would have typed it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from unionxl.reports import styles
from unionxl.reports.layout import display_width, row_height
from unionxl.files.safeio import atomic_output
from unionxl.contract.schema import (
    BALANCE_LEFT_COL, BALANCE_LINES, BALANCE_TOP_ROW, BALANCE_VALUES, BUDGET, BUDGET_TREE, CATEGORY_CODE_NOTE,
    balance_cell, EXPENSE, GUIDE_TITLE, INCOME, INPUT_SHEETS, MACRO_BUTTONS, MEMBERS, XLWINGS_CONF, XLWINGS_CONF_TITLE,
    SETTING_ITEMS, SETTINGS, SETTINGS_BY_KEY, Column, Kind, Sheet, choice_source, column_letter, quote_sheet, render_formula,
    settings_value_cell,
)

Row = Mapping[str, object]
#: blank rows the print area of a sheet with prepared formula rows keeps under the rows written
PRINT_HEADROOM = 50

#: a column the contract does not know (a 电话 column the treasurer added): its header title and
#: one value per data row, written always as values — text as text, never as a formula
ExtraColumn = tuple[str, Sequence[object]]

#: The VBA project every .xlsm master embeds: built from macros/unionxl.bas by macros/build_vba.py.
VBA_PROJECT = Path(__file__).resolve().parents[1] / "data" / "vbaProject.bin"
#: Fixed document date, so the generator's output is byte-for-byte reproducible.
DOC_DATE = styles.DOC_DATE

_FORMATS = {
    Kind.DATE: {"num_format": styles.NUMBER_FORMATS["date"]},
    Kind.MONEY: {"num_format": styles.NUMBER_FORMATS["money"]},
    Kind.INT: {"num_format": "0"},  # a year or a member count, never “2,026”
    Kind.RATE: {"num_format": styles.NUMBER_FORMATS["pct"]},
}
_BASE = dict(styles.BASE, valign="vcenter")
_FORMULA_FILL = styles.FORMULA_FILL

_INPUT_VALIDATION = {
    Kind.DATE: {"validate": "date", "criteria": "between", "minimum": dt.date(1900, 1, 1),
                "maximum": dt.date(2100, 12, 31), "error_title": "日期格式",
                "error_message": "请输入日期，例如 2026-03-08", "error_type": "warning"},
    Kind.MONEY: {"validate": "decimal", "criteria": ">=", "value": 0, "error_title": "金额",
                 "error_message": "请输入不小于 0 的金额（元，最多两位小数）", "error_type": "warning"},
    Kind.INT: {"validate": "integer", "criteria": ">=", "value": 0, "error_title": "整数",
               "error_message": "请输入整数", "error_type": "warning"},
}

GUIDE_LINES: tuple[str, ...] = (
    "本工作簿是基层工会一年的工作台账，由 unionxl 生成。请按下列说明填写，填好后用 unionxl 校验、汇总。",
    "",
    "【各工作表】",
    "设置：工会名称、上级工会、年度、省份（决定适用的经费开支标准）、会费比例、上年结余、签字人。",
    "活动日历：按月登记全年活动（元旦、春节送温暖、三八、五一、教代会、教师节、重阳节、体检、文体活动、年终总结等），"
    "填写预算科目、预算金额、实际金额、参与人数和状态。新建的工作簿已按本年度日期排好常规工作"
    "（春节、端午、中秋、重阳按农历计算，备注中写明节日日期），请按本校实际增删改。",
    "会员台账：每位会员一行，1月至12月填写当月实缴会费（元）。会员编号不可重复；"
    "离退休、调离、去世请改“会员状态”并填“状态变更日期”。",
    "慰问记录：生病住院、结婚、生育、退休、去世、困难帮扶、节日、生日等慰问，一次一行，会员编号和姓名须与会员台账一致；"
    "有凭证的填写凭证号，金额须与收支明细中同一凭证号的支出一致。",
    "收支明细：工会经费的流水账，是金额的依据。金额一律填正数，收入/支出由“收支”列区分，科目从下拉列表选择。",
    "经费预算：已按工会会计制度列出收支科目，请填写“预算金额”；“实际发生”等列由公式从收支明细自动汇总。",
    "",
    "【填写规则】",
    "灰色底纹的列是公式（应缴月会费、全年实缴、欠缴、实际发生、差额、执行率），请勿覆盖；覆盖后 unionxl 会提示。",
    "会费：按月工资基数的千分之五（设置中的会费比例）计算，工资基数不足10元的部分不计，结果保留到分。",
    "金额以“元”为单位、最多两位小数；日期请用日期格式（例如 2026-03-08），不要写成文字。",
    "请不要改动工作表名称和第一行表头，可以在表格下方继续添加行。"
    f"会员台账的公式和下拉列表预留到第 {MEMBERS.last_row} 行，经费预算到第 {BUDGET.last_row} 行；"
    "超出时请选中最后一行的灰色公式单元格向下填充。",
    f"打印：会员台账和经费预算的打印区域是生成本文件时已填写的行及其下 {PRINT_HEADROOM} 行（预留的空公式行不打印）；"
    "添加的行超出打印区域时，请选中要打印的区域，在“页面布局 → 打印区域 → 设置打印区域”中重新设定。"
    "会员台账横向打印，左右两页宽，每页左侧都有会员编号和姓名。",
    "",
    "【校验与汇总】",
    "在命令行运行：unionxl validate 本文件.xlsx --report 校验结果.xlsx。unionxl 只读取本文件，不会修改它。",
    "校验结果列出每个问题所在的单元格（例如 会员台账!F12）、问题说明和修改建议。",
    "",
    CATEGORY_CODE_NOTE + "。",
)


_GUIDE_WIDTH = 78
#: the empty row under the guide's title that holds the buttons of an .xlsm master
BUTTON_ROW = 1


class _FormulaSheet(Worksheet):
    """A worksheet that stores the template's formulas as written.

    xlsxwriter rewrites every formula with some 30 regular expressions to prefix Excel 2010+
    functions (``_xlfn.``); the template uses none of them (only IF, ROUND, INT, SUMIFS, COUNT,
    SUM, MAX, OR, YEAR, MONTH, N), and those rewrites were nine tenths of the time of writing
    formulas over a sheet's whole capacity.
    """

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        return formula[1:] if formula.startswith("=") else formula


class _Formats:
    """xlsxwriter formats are per workbook; build each combination once."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self._cache: dict[tuple, object] = {}

    def get(self, kind: Kind | None = None, **extra: object):
        key = (kind, tuple(sorted(extra.items())))
        if key not in self._cache:
            props = dict(_BASE, **_FORMATS.get(kind, {}), **extra)  # type: ignore[arg-type]
            self._cache[key] = self.workbook.add_format(props)
        return self._cache[key]


def write_master(
    path: str | Path,
    settings: Mapping[str, object],
    rows: Mapping[str, Sequence[Row]] | None = None,
    guide_extra: Iterable[str] = (),
    extra_columns: Mapping[str, Sequence[ExtraColumn]] | None = None,
) -> None:
    """Write a master workbook atomically.

    ``settings`` maps setting keys to values (defaults fill the rest); ``rows`` maps a
    sheet key to its data rows, each a mapping of column key to value. The budget
    sheet defaults to the national category tree with no amounts; rows given for 设置
    are items beyond the contract's (``item``, ``value``, ``note``), written below them.
    ``extra_columns`` maps a sheet key to columns written after the contract's (on
    经费预算 after the balance block); their values follow the sheet's rows (on 设置:
    the contract's items, then the extra rows).
    """
    path = Path(path)
    macros = path.suffix.lower() == ".xlsm"
    rows = dict(rows or {})
    rows.setdefault(BUDGET.key, [
        {"code": c.code, "direction": c.direction, "level1": c.level1, "level2": c.level2} for c in BUDGET_TREE
    ])
    with atomic_output(path) as tmp:
        workbook = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False})
        workbook.set_properties({"title": "工会工作台账", "created": DOC_DATE, "comments": "unionxl"})
        workbook.set_calc_mode("auto")
        formats = _Formats(workbook)
        guide = _write_guide(workbook, formats, list(guide_extra) + (_button_lines() if macros else []))
        extras = extra_columns or {}
        ws = _write_settings(workbook, formats, settings)
        _write_rows_below(ws, formats, len(SETTING_ITEMS) + 1, rows.get(SETTINGS.key, ()))
        _write_extra_columns(ws, formats, SETTINGS, extras.get(SETTINGS.key, ()))
        for sheet in INPUT_SHEETS[1:]:
            ws = _write_sheet(workbook, formats, sheet, rows.get(sheet.key, ()))
            _write_extra_columns(ws, formats, sheet, extras.get(sheet.key, ()))
            _print_rows_in_use(ws, sheet, len(rows.get(sheet.key, ())), len(extras.get(sheet.key, ())))
        if macros:
            _add_macros(workbook, guide, formats)
        workbook.close()


def _add_macros(workbook: Workbook, guide: Worksheet, formats: _Formats) -> None:
    """The VBA project (built from macros/unionxl.bas), the buttons and the xlwings.conf sheet."""
    conf = workbook.add_worksheet(XLWINGS_CONF_TITLE)
    for r, (key, value) in enumerate(XLWINGS_CONF):
        conf.write_string(r, 0, key)
        conf.write_string(r, 1, value)
    conf.hide()
    workbook.add_vba_project(str(VBA_PROJECT))
    workbook.set_vba_name("ThisWorkbook")
    guide.set_row(BUTTON_ROW, 34)
    for i, button in enumerate(MACRO_BUTTONS):
        guide.insert_button(BUTTON_ROW, 0, {"macro": button.macro, "caption": button.caption, "width": 104, "height": 28,
                                            "x_offset": 4 + i * 116, "y_offset": 3})


def _button_lines() -> list[str]:
    lines = ["", "【按钮】（第 2 行；需要 Windows 版 Microsoft Excel；WPS 中不能使用）"]
    return lines + [f"{button.caption}：{button.does}。" for button in MACRO_BUTTONS] + [
        "第一次使用前，双击 unionxl 安装包中的“安装.bat”；按钮提示找不到 Python 时也这样修复。",
        "宏被阻止时（文件来自微信、邮件或网络）：关闭文件，右键 → 属性 → 勾选“解除锁定”。",
        "打开后顶部提示“宏已被禁用”时，点“启用内容”。",
        "按按钮前请先保存：按钮运行后，之前的修改不能再用 Ctrl+Z 撤销。",
        "结果的完整清单在“校验结果”等表中；其他提示的改法见用户指南第三节“常见问题”。",
    ]


def _setup_page(ws: Worksheet, title: str, landscape: bool = True) -> None:
    """A4 with the sheet's name in the page header; the grid prints (the ruled lines of a paper ledger)."""
    styles.setup_page(ws, landscape, title)
    ws.hide_gridlines(0)


def _split_members(ws: Worksheet) -> None:
    """会员台账 prints legibly: its 25 columns squeezed onto one page came out at about 6 pt.

    Landscape, fitted to two pages across (each app scales by its own measure of the columns:
    100 % in Excel, about 83 % in LibreOffice, whose CJK default font makes columns wider), with
    会员编号 and 姓名 repeated at the left of every page. Pages run down, then over.
    """
    ws.fit_to_pages(2, 0)
    ws.repeat_columns(0, 1)


def _write_guide(workbook: Workbook, formats: _Formats, extra: list[str]) -> Worksheet:
    ws = workbook.add_worksheet(GUIDE_TITLE)
    ws.set_column(0, 0, _GUIDE_WIDTH, formats.get(text_wrap=True))
    ws.write_string(0, 0, "工会工作台账 使用说明", formats.get(bold=True, font_size=16))
    for i, line in enumerate(list(GUIDE_LINES) + extra, start=2):
        bold = line.startswith("【")
        ws.write_string(i, 0, line, formats.get(bold=bold, text_wrap=True))
        ws.set_row(i, row_height([line], [_GUIDE_WIDTH]))
    styles.setup_page(ws, False, GUIDE_TITLE)
    ws.hide_gridlines(2)
    return ws


def _header(ws: Worksheet, formats: _Formats, sheet: Sheet) -> None:
    for i, column in enumerate(sheet.columns):
        fill = _FORMULA_FILL if column.formula else styles.HEADER_FILL
        ws.write_string(0, i, column.title, formats.get(bold=True, bg_color=fill, border=1, align="center", text_wrap=True))
        if column.formula:
            ws.write_comment(0, i, "此列为公式，自动计算，请勿覆盖", {"author": "unionxl"})
    ws.set_row(0, 22)
    ws.freeze_panes(1, 2 if sheet is MEMBERS else 0)
    ws.autofilter(0, 0, 0, len(sheet.columns) - 1)
    ws.repeat_rows(0)


def _column_format(formats: _Formats, column: Column):
    return formats.get(column.kind, bg_color=_FORMULA_FILL) if column.formula else formats.get(column.kind)


def _write_settings(workbook: Workbook, formats: _Formats, values: Mapping[str, object]) -> Worksheet:
    sheet = SETTINGS
    ws = workbook.add_worksheet(sheet.title)
    _header(ws, formats, sheet)
    for i, column in enumerate(sheet.columns):
        ws.set_column(i, i, column.width, formats.get())
    for setting in SETTING_ITEMS:
        row, col = settings_value_cell(setting)
        ws.write_string(row, 0, setting.title, formats.get(bold=True))
        _write_value(ws, formats, row, col, values.get(setting.key, setting.default), setting.kind)
        ws.write_string(row, 2, setting.note, formats.get(text_wrap=True))
        if setting.defined_name:
            workbook.define_name(setting.defined_name, f"={quote_sheet(sheet.title)}!${column_letter(col)}${row + 1}")
        if setting.choices:
            ws.data_validation(row, col, row, col, {"validate": "list", "source": list(setting.choices)})
    _setup_page(ws, sheet.title, landscape=False)
    return ws


def _write_rows_below(ws: Worksheet, formats: _Formats, first_row: int, rows: Sequence[Row]) -> None:
    """设置 items beyond the contract's (a 联系电话 line the treasurer added), as they were typed."""
    for r, row in enumerate(rows, start=first_row):
        for c, column in enumerate(SETTINGS.columns):
            _write_value(ws, formats, r, c, row.get(column.key), Kind.TEXT)


#: the header fill of a column the treasurer added (the contract's input columns are blue)
_EXTRA_FILL = "#FFF2CC"


def extra_column_start(sheet: Sheet) -> int:
    """0-based column of the first extra column: after the contract's, on 经费预算 after the balance block."""
    if sheet is BUDGET:
        return BALANCE_LEFT_COL + len(BALANCE_VALUES) + 2
    return len(sheet.columns)


def _write_extra_columns(ws: Worksheet, formats: _Formats, sheet: Sheet,
                         extras: Sequence[ExtraColumn]) -> None:
    head = formats.get(bold=True, bg_color=_EXTRA_FILL, border=1, align="center", text_wrap=True)
    for c, (title, values) in enumerate(extras, start=extra_column_start(sheet)):
        ws.write_string(0, c, title, head)
        ws.write_comment(0, c, "此列是自行添加的，unionxl 不读取也不校验，结转下一年度时原样带入", {"author": "unionxl"})
        for r, value in enumerate(values, start=1):
            _write_value(ws, formats, r, c, value, Kind.TEXT)
        widest = max([display_width(title)] + [display_width(str(v)) for v in values if v is not None])
        ws.set_column(c, c, min(40, max(8, widest + 2)))


_FIRST_DAY = dt.date(1900, 1, 1)


def _write_value(ws: Worksheet, formats: _Formats, row: int, col: int, value: object, kind: Kind, **extra) -> None:
    """Write by Python type: text is always a string cell, never parsed as a formula."""
    if value is None or value == "":
        ws.write_blank(row, col, None, formats.get(kind, **extra))
    elif isinstance(value, (dt.date, dt.datetime)):
        stamp = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        if stamp.date() == _FIRST_DAY:  # xlsxwriter takes 1900-01-01 for "a time only" and writes serial 0
            ws.write_number(row, col, 1 + (stamp - dt.datetime.combine(_FIRST_DAY, dt.time())) / dt.timedelta(days=1),
                            formats.get(Kind.DATE, **extra))
        else:
            ws.write_datetime(row, col, stamp, formats.get(Kind.DATE, **extra))
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, formats.get(kind, **extra))
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, formats.get(kind, **extra))
    else:
        ws.write_string(row, col, str(value), formats.get(kind, **extra))


def _write_sheet(workbook: Workbook, formats: _Formats, sheet: Sheet, rows: Sequence[Row]) -> Worksheet:
    ws = workbook.add_worksheet(sheet.title, worksheet_class=_FormulaSheet)
    _header(ws, formats, sheet)
    for i, column in enumerate(sheet.columns):
        ws.set_column(i, i, column.width, _column_format(formats, column))
    for r, row in enumerate(rows, start=1):
        for c, column in enumerate(sheet.columns):
            extra = {"bg_color": _FORMULA_FILL} if column.formula else {}
            if column.formula and column.key not in row:
                ws.write_formula(r, c, render_formula(sheet, column, r + 1), _column_format(formats, column), "")
            else:
                _write_value(ws, formats, r, c, row.get(column.key), column.kind, **extra)
    # every row the sheet is prepared for computes, not only the rows written now
    for r in range(len(rows) + 1, sheet.capacity + 1):
        for column in sheet.formula_columns:
            ws.write_formula(r, sheet.index(column.key), render_formula(sheet, column, r + 1),
                             _column_format(formats, column), "")
    last = max(sheet.capacity, len(rows))
    _add_validations(ws, sheet, last)
    if sheet is BUDGET:
        _write_budget_balance(ws, formats)
    if sheet is MEMBERS:
        _setup_page(ws, sheet.title)
        _split_members(ws)
    else:
        _setup_page(ws, sheet.title)
    return ws


def _print_rows_in_use(ws: Worksheet, sheet: Sheet, written: int, extra_columns: int) -> None:
    """A fixed print area over the rows written and :data:`PRINT_HEADROOM` blank rows, so that the
    formula rows prepared down to the sheet's capacity do not print as pages of empty grey rows.

    Fixed, because LibreOffice (and so WPS files that pass through it) ignores a print area
    defined by a formula (OFFSET … COUNTA) and printed all 2,000 prepared rows (31 pages for
    the empty template); Excel and LibreOffice both print a fixed area. Rows added beyond it
    print after 页面布局 → 打印区域 is set again (使用说明 says so).
    """
    if not sheet.formula_columns:
        return
    last_row, last_col = written + PRINT_HEADROOM, len(sheet.columns) - 1
    if sheet is BUDGET:  # the balance block beside the table
        last_row = max(last_row, BALANCE_TOP_ROW + len(BALANCE_LINES) + 1)
        last_col = BALANCE_LEFT_COL + len(BALANCE_VALUES)
    if extra_columns:
        last_col = extra_column_start(sheet) + extra_columns - 1
    ws.print_area(0, 0, min(last_row, sheet.capacity), last_col)


def _add_validations(ws: Worksheet, sheet: Sheet, last_row: int) -> None:
    for c, column in enumerate(sheet.columns):
        if column.formula:
            continue
        if column.choices:
            rule = {"validate": "list", "source": list(column.choices), "error_title": column.title,
                    "error_message": "请从下拉列表中选择：" + "、".join(column.choices)}
        elif column.choices_from:
            other, source = choice_source(column)
            letter = column_letter(other.index(source.key))
            rule = {"validate": "list", "source": f"={quote_sheet(other.title)}!${letter}$2:${letter}${other.last_row}",
                    "error_title": column.title, "error_message": f"请从“{other.title}”的“{source.title}”中选择",
                    "error_type": "warning"}
        elif column.kind in _INPUT_VALIDATION:
            rule = dict(_INPUT_VALIDATION[column.kind])
        else:
            continue
        ws.data_validation(1, c, last_row, c, rule)


def _write_budget_balance(ws: Worksheet, formats: _Formats) -> None:
    """A balance block beside the budget: income, carried balance, expenditure, closing balance."""
    top, left = BALANCE_TOP_ROW, BALANCE_LEFT_COL
    direction_col = column_letter(BUDGET.index("direction"))
    row_opening, col_opening = settings_value_cell(SETTINGS_BY_KEY["opening_balance"])
    opening_ref = f"{quote_sheet(SETTINGS.title)}!${column_letter(col_opening)}${row_opening + 1}"
    head = formats.get(bold=True, bg_color=styles.HEADER_FILL, border=1, align="center")
    money = formats.get(Kind.MONEY, border=1, bg_color=_FORMULA_FILL)
    ws.write_string(top, left, "收支平衡", head)
    for j, (title, key) in enumerate(BALANCE_VALUES, start=1):
        ws.write_string(top, left + j, title, head)
        source = column_letter(BUDGET.index(key))
        cells = {line: balance_cell(line, key).split("!")[1] for _, line in BALANCE_LINES}
        formulas = {
            "income": f'=SUMIFS(${source}:${source},${direction_col}:${direction_col},"{INCOME}")',
            "opening": f"=N({opening_ref})",
            "expense": f'=SUMIFS(${source}:${source},${direction_col}:${direction_col},"{EXPENSE}")',
            "closing": f"={cells['income']}+{cells['opening']}-{cells['expense']}",
        }
        for i, (label, line) in enumerate(BALANCE_LINES, start=1):
            ws.write_string(top + i, left, label, formats.get(border=1))
            ws.write_formula(top + i, left + j, formulas[line], money, "")
    ws.write_string(top + len(BALANCE_LINES) + 1, left, "年末结余不得为负（预算不得赤字）",
                    formats.get(italic=True, font_color="#7F7F7F"))
    ws.set_column(left, left, 12)
    ws.set_column(left + 1, left + len(BALANCE_VALUES), 14)
