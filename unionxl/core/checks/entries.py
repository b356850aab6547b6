"""Checks on single sheets: dates in the year, months, categories, formulas kept."""

from __future__ import annotations

from collections.abc import Iterator

from unionxl.contract.findings import ERROR, WARNING, Finding
from unionxl.contract.schema import BUDGET, CALENDAR, INPUT_SHEETS, SHEETS, choice_source
from unionxl.core.checks.common import repeats
from unionxl.reading.book import Book
from unionxl.reading.text import blank_mask


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
    """Every data row's formula cells must still hold the template's formula.

    A constant where a formula belongs (overwritten) no longer recalculates; an empty cell
    (the formula deleted, or a row past the rows the template prepared) computes nothing.
    Empty formula cells on unused rows are fine: those rows are not read at all.
    """
    for key, table in book.tables.items():
        if table.formulas is None or table.formulas.empty:
            continue
        sheet = SHEETS[key]
        beyond: list[str] = []
        for column_key in table.formulas.columns:
            title = sheet.col(column_key).title
            lost = ~table.formulas[column_key]
            empty = blank_mask(table.raw.loc[lost[lost].index, column_key]).reindex(lost.index, fill_value=False)
            for row in lost.index[lost & ~empty]:
                yield Finding("formula-overwritten", WARNING, sheet.title, table.cell(column_key, row),
                              f"“{title}”的公式被改成了固定值，不会再自动计算",
                              "请从上一行复制公式恢复（灰色底纹的列都是公式）")
            missing = lost & empty
            inside = missing & (missing.index <= sheet.last_row)
            for first, last in _runs(table.formulas.index, inside):
                rows = f"第 {first} 行" if first == last else f"第 {first}–{last} 行"
                yield Finding("formula-missing", WARNING, sheet.title, table.cell(column_key, first),
                              f"“{title}”{rows}没有公式（单元格是空的），Excel 不会计算；unionxl 仍按规则计算",
                              "请从有公式的一行复制公式填到这些单元格（灰色底纹的列都是公式）")
            if (missing & ~inside).any():
                beyond.append(column_key)
        if beyond:
            rows = table.formulas.index[table.formulas.index > sheet.last_row]
            missing_rows = [r for r in rows if not table.formulas.loc[r, beyond].all()]
            titles = "、".join(f"“{sheet.col(k).title}”" for k in beyond)
            yield Finding("formula-area-exceeded", WARNING, sheet.title, table.cell(beyond[0], missing_rows[0]),
                          f"第 {missing_rows[0]} 行起有 {len(missing_rows)} 行数据超出了模板预留公式的范围"
                          f"（第 2–{sheet.last_row} 行），这些行的{titles}没有公式，Excel 不会计算；"
                          "unionxl 仍按规则计算",
                          f"请选中第 {sheet.last_row} 行的灰色公式单元格，向下填充到最后一行数据"
                          "（下拉列表也只预留到这一行）")


def _runs(index, mask) -> Iterator[tuple[int, int]]:
    """(first, last) row of each run of consecutive data rows where *mask* is True."""
    first = previous = None
    for row, flagged in zip(index, mask):
        if flagged and first is None:
            first = row
        if not flagged and first is not None:
            yield first, previous
            first = None
        previous = row
    if first is not None:
        yield first, previous
