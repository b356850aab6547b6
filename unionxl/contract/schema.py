"""The workbook contract: the single source of every sheet, column, dropdown and formula.

Internally every table is addressed by English keys (``"members"``, ``"member_id"``);
the Chinese titles the treasurer sees live only here. Readers, validators, the template
writer and the report writers all derive their names, types and formulas from this
module, so renaming a column is a one-line change.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple


class Kind(str, Enum):
    """Cell types of the contract; ``FORMULA`` columns are computed by the template."""

    TEXT = "text"
    DATE = "date"
    MONEY = "money"
    INT = "int"
    RATE = "rate"
    CHOICE = "choice"


# --- domain vocabularies (dropdown lists) -------------------------------------------

GENDERS = ("男", "女")
MEMBER_STATUSES = ("在职", "退休", "调离", "去世")
STATUS_ACTIVE, STATUS_RETIRED, STATUS_TRANSFERRED, STATUS_DECEASED = MEMBER_STATUSES
#: statuses after which a member may no longer be visited or pay dues
LEFT_STATUSES = (STATUS_TRANSFERRED, STATUS_DECEASED)

ACTIVITY_STATUSES = ("计划", "已完成", "取消")
ACT_PLANNED, ACT_DONE, ACT_CANCELLED = ACTIVITY_STATUSES
ACTIVITY_CATEGORIES = (
    "节日慰问", "文体活动", "职工教育", "宣传活动", "民主管理",
    "健康体检", "送温暖", "培训会议", "评先表彰", "其他",
)

VISIT_TYPES = (
    "生病住院", "结婚", "生育", "退休", "本人去世", "直系亲属去世",
    "困难帮扶", "节日慰问", "生日慰问", "其他",
)
(VISIT_ILL, VISIT_WEDDING, VISIT_BIRTH, VISIT_RETIRE, VISIT_OWN_DEATH, VISIT_KIN_DEATH,
 VISIT_HARDSHIP, VISIT_FESTIVAL, VISIT_BIRTHDAY, VISIT_OTHER) = VISIT_TYPES
#: visit types that may legitimately be dated after the member's death
AFTER_LEAVING_VISIT_TYPES = (VISIT_OWN_DEATH, VISIT_KIN_DEATH)
VISIT_FORMS = ("慰问金", "慰问品", "走访")

DIRECTIONS = ("收入", "支出")
INCOME, EXPENSE = DIRECTIONS

PROVINCES = (
    "全国", "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海",
    "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东",
    "广西", "海南", "重庆", "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海",
    "宁夏", "新疆",
)

MONTHS = tuple(range(1, 13))


# --- column and sheet specifications -------------------------------------------------

@dataclass(frozen=True)
class Column:
    """One column of an input sheet.

    ``formula`` is a template: ``{key}`` is this row's cell of column *key*,
    ``{sheet.key}`` the whole column *key* of another sheet, ``{@setting}`` the
    defined name of a 设置 item. ``choices_from`` names a column of another sheet whose
    values form the dropdown (the budget categories); ``joins`` a column of another sheet
    that unionxl matches this one against (a visit's 会员编号 against the ledger's).
    """

    key: str
    title: str
    kind: Kind
    required: bool = False
    choices: tuple[str, ...] = ()
    choices_from: str = ""
    formula: str = ""
    width: float = 12
    number_format: str = ""
    #: a later addition to the contract: older workbooks without it stay usable
    optional: bool = False
    joins: str = ""


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str
    columns: tuple[Column, ...]
    #: severity of dates outside 设置!年度 ("" = not checked)
    year_dates: str = ""
    #: data rows the template prepares (formulas, formats, dropdowns): Excel rows 2 … capacity + 1
    capacity: int = 1000
    by_key: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_key", {c.key: c for c in self.columns})

    def col(self, key: str) -> Column:
        return self.by_key[key]

    def index(self, key: str) -> int:
        """0-based position of *key* in the template's column order."""
        return [c.key for c in self.columns].index(key)

    @property
    def last_row(self) -> int:
        """Excel row number of the last data row the template prepares."""
        return self.capacity + 1

    @property
    def input_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.formula)

    @property
    def formula_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.formula)


def _money(key: str, title: str, **kw) -> Column:
    return Column(key, title, Kind.MONEY, width=kw.pop("width", 12), **kw)


def _text(key: str, title: str, **kw) -> Column:
    return Column(key, title, Kind.TEXT, width=kw.pop("width", 12), **kw)


def _date(key: str, title: str, **kw) -> Column:
    return Column(key, title, Kind.DATE, width=kw.pop("width", 12), **kw)


def _choice(key: str, title: str, choices: tuple[str, ...] = (), **kw) -> Column:
    return Column(key, title, Kind.CHOICE, choices=choices, width=kw.pop("width", 11), **kw)


MONTH_KEYS = tuple(f"m{m}" for m in MONTHS)

#: The dues rule (会费 = 0.5% of the monthly base wage, the part under 10 元 not
#: counted): base rounded down to whole 10 元, times 设置!会费比例, rounded to the fen.
DUES_FORMULA = '=IF({wage}="","",ROUND(INT({wage}/10)*10*{@dues_rate},2))'

#: Months a member owes dues in the workbook's year: from the join month (or January)
#: to the month of the status change for anyone no longer 在职 (or December).
_DUE_FROM = 'IF({join_date}="",1,IF(YEAR({join_date})<{@year},1,IF(YEAR({join_date})>{@year},13,MONTH({join_date}))))'
_DUE_TO = ('IF(OR({status}="' + STATUS_ACTIVE + '",{status}="",{status_date}=""),12,'
           'IF(YEAR({status_date})<{@year},0,IF(YEAR({status_date})>{@year},12,MONTH({status_date}))))')
ARREARS_FORMULA = ('=IF({monthly_dues}="","",{monthly_dues}*MAX(0,' + _DUE_TO + "-" + _DUE_FROM
                   + "+1)-N({paid_total}))")  # N(): 全年实缴 is "" until a month is paid, and x-"" is #VALUE!

SETTINGS = Sheet(
    "settings", "设置",
    (
        _text("item", "项目", required=True, width=14),
        Column("value", "值", Kind.TEXT, width=30),
        _text("note", "说明", width=56),
    ),
)

CALENDAR = Sheet(
    "calendar", "活动日历",
    (
        Column("month", "月份", Kind.INT, required=True, width=7, number_format="0"),
        _date("date", "计划日期"),
        _text("activity", "活动名称", required=True, width=38),
        _choice("category", "活动类别", ACTIVITY_CATEGORIES, required=True),
        _text("owner", "负责人", width=10),
        _choice("budget_item", "预算科目", choices_from="budget.level2", width=16),
        _money("budget", "预算金额"),
        _money("actual", "实际金额"),
        Column("participants", "参与人数", Kind.INT, width=9, number_format="0"),
        _choice("status", "状态", ACTIVITY_STATUSES, required=True, width=8),
        _text("note", "备注", width=24),
    ),
    year_dates="warning",
)

MEMBERS = Sheet(
    "members", "会员台账",
    (
        _text("member_id", "会员编号", required=True, width=10),
        _text("name", "姓名", required=True, width=10),
        _choice("gender", "性别", GENDERS, width=6),
        _date("birth_date", "出生日期"),
        _text("group", "工会小组", width=12),
        _date("join_date", "入会日期", required=True),
        _choice("status", "会员状态", MEMBER_STATUSES, required=True, width=9),
        _date("status_date", "状态变更日期", width=13),
        _money("wage", "月工资基数"),
        _money("monthly_dues", "应缴月会费", formula=DUES_FORMULA, width=11),
        *(_money(k, f"{m}月", width=9) for k, m in zip(MONTH_KEYS, MONTHS)),
        _money("paid_total", "全年实缴",
               formula='=IF(COUNT({m1}:{m12})=0,"",SUM({m1}:{m12}))', width=11),
        _money("arrears", "欠缴", formula=ARREARS_FORMULA, width=10),
        _text("note", "备注", width=20),
    ),
    capacity=2000,
)

VISITS = Sheet(
    "visits", "慰问记录",
    (
        _date("date", "日期", required=True),
        _text("member_id", "会员编号", required=True, width=10, joins="members.member_id"),
        _text("name", "姓名", required=True, width=10, joins="members.name"),
        _choice("visit_type", "慰问类型", VISIT_TYPES, required=True, width=13),
        _text("reason", "事由", width=24),
        _money("amount", "金额", width=10),
        _choice("form", "形式", VISIT_FORMS, required=True, width=9),
        _text("handler", "经办人", width=10),
        _text("voucher", "凭证号", width=11, joins="journal.voucher"),
        _text("note", "备注", width=20),
    ),
    year_dates="error",
    capacity=3000,
)

JOURNAL = Sheet(
    "journal", "收支明细",
    (
        _date("date", "日期", required=True),
        _text("voucher", "凭证号", required=True, width=11),
        _text("summary", "摘要", required=True, width=30),
        _choice("direction", "收支", DIRECTIONS, required=True, width=7),
        _choice("category", "科目", choices_from="budget.level2", required=True, width=16),
        _money("amount", "金额", required=True),
        _text("handler", "经办人", width=10),
        _text("note", "备注", width=20),
    ),
    year_dates="error",
    capacity=3000,
)

BUDGET = Sheet(
    "budget", "经费预算",
    (
        _text("code", "科目编码", required=True, width=10),
        _choice("direction", "收支", DIRECTIONS, required=True, width=7),
        _text("level1", "一级科目", required=True, width=16),
        _text("level2", "二级科目", required=True, width=18),
        _money("budget", "预算金额"),
        _money("actual", "实际发生",
               formula="=SUMIFS({journal.amount},{journal.category},{level2},{journal.direction},{direction})"),
        _money("difference", "差额", formula='=IF({budget}="","",{budget}-{actual})'),
        Column("execution", "执行率", Kind.RATE, width=9, number_format="0.0%",
               formula='=IF(N({budget})=0,"",{actual}/{budget})'),
        _text("note", "说明", width=30),
        _money("prior_budget", "上年预算", optional=True),
        _money("prior_actual", "上年实际", optional=True),
    ),
    capacity=200,
)

#: The balance block the template writes beside the budget table: (label, key) lines
#: and the two value columns, 预算 and 实际. Rules point at these cells.
BALANCE_LINES = (("收入合计", "income"), ("上年结余", "opening"), ("支出合计", "expense"), ("年末结余", "closing"))
BALANCE_VALUES = (("预算", "budget"), ("实际", "actual"))
BALANCE_TOP_ROW = 1  # 0-based row of the block's header
BALANCE_LEFT_COL = len(BUDGET.columns) + 1  # 0-based column of the labels


def balance_cell(line: str, value: str) -> str:
    """``经费预算!M6``-style reference of a balance-block cell, e.g. ("closing", "budget")."""
    row = BALANCE_TOP_ROW + 1 + [k for _, k in BALANCE_LINES].index(line)
    col = BALANCE_LEFT_COL + 1 + [k for _, k in BALANCE_VALUES].index(value)
    return f"{BUDGET.title}!{column_letter(col)}{row + 1}"

#: The input sheets in workbook order.
INPUT_SHEETS: tuple[Sheet, ...] = (SETTINGS, CALENDAR, MEMBERS, VISITS, JOURNAL, BUDGET)
SHEETS: dict[str, Sheet] = {s.key: s for s in INPUT_SHEETS}
SHEET_ORDER: dict[str, int] = {s.title: i for i, s in enumerate(INPUT_SHEETS)}

#: Title of the guide sheet that the template puts first.
GUIDE_TITLE = "使用说明"

class Button(NamedTuple):
    """A button on the guide sheet of an .xlsm master."""

    caption: str
    #: the VBA Sub it runs (macros/unionxl.bas is generated from this table by macros/build_vba.py)
    macro: str
    #: the Python entry point of unionxl.xl the Sub calls through RunPython
    entry: str
    #: what the guide sheet says it does
    does: str


#: The buttons an .xlsm master carries on its guide sheet, in order.
MACRO_BUTTONS: tuple[Button, ...] = (
    Button("校验", "UnionxlValidate", "validate_book", "检查每一条记录，写入“校验结果”，标出有问题的单元格"),
    Button("经费审核", "UnionxlCheckBudget", "check_budget_book", "按全总和本省经费标准审核，写入“预算审核”"),
    Button("年度汇总", "UnionxlSummary", "summarize_book", "写入“年度汇总”和年度工作总结草稿"),
    Button("本月待办", "UnionxlTodo", "todo_book", "写入“本月待办”：生日、高龄慰问、活动、欠缴会费、缺凭证号"),
    Button("新年度", "UnionxlNewYear", "new_year_book", "在同一文件夹生成下一年度的工作簿，本工作簿不变"),
    Button("上报材料", "UnionxlPackage", "package_book",
           "在同一文件夹生成“上报材料”文件夹：决算表、经审审查报告、慰问签收表、年度汇总、预算审核、校验结果，本工作簿不变"),
)
#: The xlwings.conf sheet of an .xlsm master (key in A, value in B, from row 1). Only keys
#: with a value: a key left empty here would override the add-in's own setting with "".
XLWINGS_CONF_TITLE = "xlwings.conf"
XLWINGS_CONF: tuple[tuple[str, str], ...] = (("UDF Modules", "unionxl.xl.udfs"),)


# --- 设置 items ------------------------------------------------------------------------

@dataclass(frozen=True)
class Setting:
    key: str
    title: str
    kind: Kind
    default: object
    note: str
    required: bool = False
    choices: tuple[str, ...] = ()
    #: workbook-level defined name, so formulas survive rows being moved
    defined_name: str = ""


#: the years a master's 设置!年度 may hold (the reader, --year options and rollover all use these)
YEAR_FIRST, YEAR_LAST = 2000, 2100

SETTING_ITEMS: tuple[Setting, ...] = (
    Setting("union_name", "工会名称", Kind.TEXT, "", "本基层工会全称，例如：某某小学工会委员会", required=True),
    Setting("parent_union", "上级工会", Kind.TEXT, "", "例如：某某区教育工会"),
    Setting("year", "年度", Kind.INT, 2026, "本工作簿记录的年度（四位数字）", required=True,
            defined_name="UX_YEAR"),
    Setting("province", "省份", Kind.CHOICE, "全国", "选择省份以加载该省的经费使用标准；未列出时选“全国”",
            choices=PROVINCES),
    Setting("dues_rate", "会费比例", Kind.RATE, 0.005, "会费按月工资基数的千分之五（0.5%）缴纳，工资基数不足10元的部分不计",
            required=True, defined_name="UX_DUES_RATE"),
    Setting("opening_balance", "上年结余", Kind.MONEY, 0, "上年度经费结余，单位：元"),
    Setting("chair", "工会主席", Kind.TEXT, "", "预算审核签字"),
    Setting("auditor", "经审负责人", Kind.TEXT, "", "经费审查委员会负责人"),
    Setting("clerk", "经办人", Kind.TEXT, "", "工会财务/经办人"),
)
SETTINGS_BY_KEY: dict[str, Setting] = {s.key: s for s in SETTING_ITEMS}
SETTINGS_BY_TITLE: dict[str, Setting] = {s.title: s for s in SETTING_ITEMS}


# --- the budget category tree (2021 工会会计制度, codes of our own) -----------------

@dataclass(frozen=True)
class Category:
    code: str
    direction: str
    level1: str
    level2: str
    note: str = ""


def _tree(direction: str, rows: tuple[tuple[str, str, tuple[str, ...]], ...]) -> tuple[Category, ...]:
    out: list[Category] = []
    for code, level1, children in rows:
        if not children:
            out.append(Category(code, direction, level1, level1))
        for i, child in enumerate(children, 1):
            out.append(Category(f"{code}{i:02d}", direction, level1, child))
    return tuple(out)


BUDGET_TREE: tuple[Category, ...] = _tree(INCOME, (
    ("101", "会费收入", ()),
    ("102", "拨缴经费收入", ()),
    ("103", "上级工会补助收入", ()),
    ("104", "行政补助收入", ()),
    ("105", "事业收入", ()),
    ("106", "投资收益", ()),
    ("107", "其他收入", ()),
)) + _tree(EXPENSE, (
    ("201", "职工活动支出", ("职工教育", "文体活动", "宣传活动", "劳模职工疗休养", "会员活动", "其他活动")),
    ("202", "职工服务支出", ()),
    ("203", "维权支出", ("劳动关系协调费", "劳动保护费", "法律援助费", "困难职工帮扶费", "送温暖费", "其他维权支出")),
    ("204", "业务支出", ("培训费", "会议费", "专项业务费", "其他业务支出")),
    ("205", "资本性支出", ()),
    ("206", "事业支出", ()),
    ("207", "其他支出", ()),
))
CATEGORIES: dict[str, Category] = {c.level2: c for c in BUDGET_TREE}
#: the journal category whose income is the members' dues
DUES_INCOME_CATEGORY = "会费收入"
CATEGORY_CODE_NOTE = "科目编码为本系统自编的稳定代码（2021年工会会计制度的官方编码未公开查到）"


# --- sheets unionxl writes -------------------------------------------------------------

@dataclass(frozen=True)
class OutputSheet:
    key: str
    title: str
    headers: tuple[str, ...]
    widths: tuple[float, ...]


FINDINGS_SHEET = OutputSheet(
    "findings", "校验结果",
    ("级别", "规则", "表", "单元格", "说明", "建议"),
    (8, 24, 10, 14, 60, 40),
)
AUDIT_SHEET = OutputSheet(
    "audit", "预算审核",
    ("序号", "审核项目", "依据", "有效期", "结果", "实际", "限额", "差额", "审核意见"),
    (6, 32, 40, 14, 9, 13, 13, 13, 22),
)
SUMMARY_SHEET = OutputSheet("summary", "年度汇总", (), ())
CONSOLIDATION_SHEET = OutputSheet(
    "consolidation", "学校汇总",
    ("工会名称", "文件", "会员人数", "在职", "退休", "会费收缴率", "慰问人次", "慰问金额", "帮扶人数", "帮扶金额",
     "完成活动", "参与人次", "收入", "支出", "年末结余", "错误数", "经费审核"),
    (24, 14, 7, 6, 6, 8, 7, 11, 7, 10, 7, 7, 12, 12, 12, 6, 12),
)
PROBLEMS_SHEET = OutputSheet("problems", "问题工作簿", ("文件", "工会名称", "问题", "计入汇总", "说明"),
                             (30, 28, 10, 9, 80))
TODO_SHEET = OutputSheet(
    "todo", "本月待办",
    ("工会小组", "事项", "会员编号", "姓名/活动", "说明", "位置", "完成"),
    (10, 16, 9, 20, 44, 15, 5),
)
OUTPUT_SHEETS = (FINDINGS_SHEET, AUDIT_SHEET, SUMMARY_SHEET, CONSOLIDATION_SHEET, PROBLEMS_SHEET, TODO_SHEET)
SEVERITY_TITLES = {"error": "错误", "warning": "警告", "info": "提示"}


# --- helpers derived from the contract --------------------------------------------------

def column_letter(index: int) -> str:
    """Excel letters of a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def quote_sheet(title: str) -> str:
    return f"'{title}'"


_PLACEHOLDER = re.compile(r"\{(@?)([A-Za-z0-9_]+)(?:\.([A-Za-z0-9_]+))?\}")


def render_formula(sheet: Sheet, column: Column, row: int) -> str:
    """The template formula of *column* for Excel row *row* (1-based)."""
    return str(row).join(_formula_parts(sheet.key, column.key))


@functools.cache
def _formula_parts(sheet_key: str, column_key: str) -> tuple[str, ...]:
    """The formula split where its row number goes: rendering a row is one join."""
    sheet = SHEETS[sheet_key]
    column = sheet.col(column_key)
    row = "\x00"

    def sub(m: re.Match[str]) -> str:
        at, first, second = m.groups()
        if at:
            return SETTINGS_BY_KEY[first].defined_name
        if second:
            other = SHEETS[first]
            letter = column_letter(other.index(second))
            return f"{quote_sheet(other.title)}!${letter}:${letter}"
        return f"{column_letter(sheet.index(first))}{row}"

    return tuple(_PLACEHOLDER.sub(sub, column.formula).split(row))


def settings_value_cell(setting: Setting) -> tuple[int, int]:
    """(row, col) 0-based of a setting's 值 cell in the template."""
    return 1 + SETTING_ITEMS.index(setting), SETTINGS.index("value")


def choice_source(column: Column) -> tuple[Sheet, Column]:
    sheet_key, col_key = column.choices_from.split(".")
    sheet = SHEETS[sheet_key]
    return sheet, sheet.col(col_key)


def _matched() -> dict[str, frozenset[str]]:
    """Per sheet, the columns whose values unionxl matches against other values: dropdown
    choices, budget categories (both ends), and columns joined across sheets (both ends)."""
    out: dict[str, set[str]] = {s.key: set() for s in INPUT_SHEETS}
    for sheet in INPUT_SHEETS:
        for column in sheet.columns:
            if column.kind is Kind.CHOICE and (column.choices or column.choices_from):
                out[sheet.key].add(column.key)
            for target in (column.choices_from, column.joins):
                if target:
                    other, key = target.split(".")
                    out[sheet.key].add(column.key)
                    out[other].add(key)
    out[BUDGET.key].add("direction")
    out[SETTINGS.key].add("item")  # matched against the setting titles
    return {k: frozenset(v) for k, v in out.items()}


#: sheet key → keys of its matched columns (read in normal form, see unionxl.reading.text)
MATCHED_COLUMNS: dict[str, frozenset[str]] = _matched()

_RANGE = re.compile(r"\{([A-Za-z0-9_]+)\}:\{([A-Za-z0-9_]+)\}")
#: the label of the balance block beside 经费预算 (its SUMIFS read 收支, 预算金额 and 实际发生)
BALANCE_TITLE = "收支平衡"


def _formula_readers() -> dict[tuple[str, str], tuple[str, ...]]:
    """(sheet key, column key) → the template formulas that read the column, as labels."""
    out: dict[tuple[str, str], list[str]] = {}

    def add(sheet_key: str, key: str, label: str) -> None:
        labels = out.setdefault((sheet_key, key), [])
        if label not in labels:
            labels.append(label)

    for sheet in INPUT_SHEETS:
        for column in sheet.formula_columns:
            label = f"“{column.title}”" if sheet.key != BUDGET.key else f"“{sheet.title}”的“{column.title}”"
            for first, last in _RANGE.findall(column.formula):
                for c in sheet.columns[sheet.index(first):sheet.index(last) + 1]:
                    add(sheet.key, c.key, label)
            for at, first, second in _PLACEHOLDER.findall(column.formula):
                add(SETTINGS.key if at else first if second else sheet.key, first if at else second or first, label)
    for key in ("direction", *(k for _, k in BALANCE_VALUES)):
        add(BUDGET.key, key, f"“{BUDGET.title}”的“{BALANCE_TITLE}”")
    return {k: tuple(v) for k, v in out.items()}


#: (sheet key, column key) → labels of the workbook's formulas that read that column; for 设置,
#: (settings key, setting key) of the items the formulas read through their defined names
FORMULA_READERS: dict[tuple[str, str], tuple[str, ...]] = _formula_readers()
