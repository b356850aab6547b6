"""Checks on single sheets: dates in the year, months, categories, formulas kept."""

from __future__ import annotations

from collections.abc import Iterator

from unionxl.contract.findings import ERROR, WARNING, Finding
from unionxl.contract.schema import BUDGET, CALENDAR, INPUT_SHEETS, SHEETS, choice_source
from unionxl.core.checks.common import repeats
from unionxl.reading.book import Book


def dates_in_year(book: Book) -> Iterator[Finding]:
    """Entries of the year's sheets must be dated in 设置!年度."""
    year = book.year
    if year is None:
        return
    for sheet in INPUT_SHEETS:
        if not sheet.year_dates or sheet.key not in book.tables:
            continue
        table = book[sheet.key]
        if "date" not in table.data:
            continue
        dates = table.data["date"]
        outside = dates.notna() & dates.dt.year.ne(year)
        for row in dates.index[outside]:
            yield Finding("date-out-of-year", sheet.year_dates, sheet.title, table.cell("date", row),
                          f"日期 {dates[row]:%Y-%m-%d} 不在本工作簿的年度（{year}年）内",
                          "请核对年份；跨年的业务应记入对应年度的工作簿")


def calendar_months(book: Book) -> Iterator[Finding]:
    if CALENDAR.key not in book.tables:
        return
    table = book[CALENDAR.key]
    data = table.data
    month = data["month"]
    invalid = month.notna() & ~month.between(1, 12)
    for row in month.index[invalid.fillna(False)]:
        yield Finding("month-invalid", ERROR, CALENDAR.title, table.cell("month", row),
                      f"月份应为 1 到 12，实际为 {month[row]}")
    dated = month.notna() & data["date"].notna() & ~invalid.fillna(False)
    differs = dated & data["date"].dt.month.ne(month)
    for row in month.index[differs.fillna(False)]:
        yield Finding("calendar-month-mismatch", WARNING, CALENDAR.title, table.cell("month", row),
                      f"月份填的是 {month[row]} 月，计划日期 {data['date'][row]:%Y-%m-%d} 却在 {data['date'][row].month} 月",
                      "请使月份与计划日期一致")


def budget_categories(book: Book) -> Iterator[Finding]:
    """Each 二级科目 must be listed once, or SUMIFS counts its spending twice."""
    if BUDGET.key not in book.tables:
        return
    table = book[BUDGET.key]
    for row, first, name in repeats(table, "level2"):
        yield Finding("budget-duplicate-category", ERROR, BUDGET.title, table.cell("level2", row),
                      f"科目“{name}”重复（第 {first} 行已有）", "每个二级科目只能出现一次，否则实际发生会被重复统计")
    level2 = table.data["level2"]
    for row in level2.index[level2.str.contains(r"[*?~]|^[<>=]", regex=True)]:
        yield Finding("budget-category-pattern", WARNING, BUDGET.title, table.cell("level2", row),
                      f"科目“{level2[row]}”含有 *、?、~ 或以 <、>、= 开头：实际发生的公式（SUMIFS）会把它当作通配符"
                      "或比较条件，汇总进别的科目的流水，与 unionxl 按科目全名汇总的结果不同",
                      "请改用不含这些符号的科目名称（收支明细中的科目一并修改）")


def category_references(book: Book) -> Iterator[Finding]:
    """Columns whose dropdown comes from the budget must name one of its categories."""
    if BUDGET.key not in book.tables:
        return
    budget = book[BUDGET.key].data
    direction_of = dict(zip(budget["level2"], budget["direction"]))
    for sheet in INPUT_SHEETS:
        if sheet.key not in book.tables:
            continue
        table = book[sheet.key]
        for column in sheet.columns:
            if not column.choices_from or column.key not in table.data:
                continue
            source_sheet, source_col = choice_source(column)
            values = table.data[column.key]
            unknown = values.ne("") & ~values.isin(list(direction_of))
            for row in values.index[unknown]:
                yield Finding("choice-invalid", ERROR, sheet.title, table.cell(column.key, row),
                              f"“{column.title}”的值“{values[row]}”不是“{source_sheet.title}”中的{source_col.title}",
                              f"请从下拉列表中选择，或先在“{source_sheet.title}”中增加该科目")
            if "direction" in table.data:
                expected = values.map(direction_of)
                wrong = ~unknown & values.ne("") & table.data["direction"].ne("") & expected.ne(table.data["direction"])
                for row in values.index[wrong.fillna(False)]:
                    yield Finding("category-direction", ERROR, sheet.title, table.cell("direction", row),
                                  f"科目“{values[row]}”是{expected[row]}科目，这一行却记为{table.data['direction'][row]}",
                                  "请核对收支方向或科目")


def formulas_kept(book: Book) -> Iterator[Finding]:
    """Template formulas that were overwritten with a constant no longer recalculate."""
    for key, table in book.tables.items():
        if table.formulas is None:
            continue
        sheet = SHEETS[key]
        for column_key in table.formulas.columns:
            lost = ~table.formulas[column_key]
            title = sheet.col(column_key).title
            for row in table.formulas.index[lost]:
                yield Finding("formula-overwritten", WARNING, sheet.title, table.cell(column_key, row),
                              f"“{title}”的公式被改成了固定值，不会再自动计算",
                              "请从上一行复制公式恢复（灰色底纹的列都是公式）")
