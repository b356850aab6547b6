"""A year's master as a treasurer leaves it, for the rollover tests of both front doors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from unionxl.master.demo import build_demo
from unionxl.master.template import write_master


def treasurers_book(path: Path) -> None:
    """A year's book as a treasurer leaves it: added columns, 备注, text in number cells, rare CJK and emoji."""
    demo = build_demo(seed=5, size=30, mistakes=False, union_name="测试𠀋小学工会委员会")
    write_master(path, demo.settings, demo.rows)
    wb = openpyxl.load_workbook(path)

    def col(ws, title: str) -> int:
        return next(c.column for c in ws[1] if c.value == title)

    m = wb["会员台账"]
    phone, home = m.max_column + 1, m.max_column + 2
    m.cell(1, phone, "联系电话")
    m.cell(1, home, "家庭住址")
    m.cell(2, phone, 13800138000)
    m.cell(3, phone, "138-0013-8001")
    m.cell(2, home, "𡈽𡌛村🎉3号")
    m.cell(4, home, "=不是公式").data_type = "s"  # text that looks like a formula, as Excel stores it
    m.cell(5, home, dt.datetime(2019, 9, 1))
    m.cell(2, col(m, "备注"), "长期病假，慰问金已发放🎁")
    m.cell(3, col(m, "月工资基数"), "待定")
    m.cell(4, col(m, "月工资基数"), "1,200元")
    m.cell(5, col(m, "出生日期"), "1980年3月8日")
    m.cell(6, col(m, "出生日期"), "不详")
    m.cell(8, col(m, "出生日期"), dt.datetime(1900, 1, 1))  # a placeholder some treasurers type for "unknown"
    m.cell(7, col(m, "应缴月会费"), 25)  # a formula overwritten with a value
    m.cell(400, phone, "表格下方的备忘")  # on no member's row
    c = wb["活动日历"]
    place = c.max_column + 1
    c.cell(1, place, "地点")
    c.cell(2, place, "学校礼堂")
    c.cell(3, col(c, "备注"), "请提前两周报上级工会😊")
    c.cell(5, col(c, "预算金额"), "待定")
    b = wb["经费预算"]
    b.cell(1, 12, "经办说明")  # L, between the table and the balance block
    b.cell(3, 12, "由校办代管")
    b.cell(2, col(b, "说明"), "含慰问品🍎")
    b.cell(4, col(b, "预算金额"), "待定")
    b.cell(5, col(b, "上年预算"), 999)
    s = wb["设置"]
    s.cell(s.max_row + 1, 1, "联系电话").offset(0, 1).value = "0716-8888888"
    s.cell(1, 4, "备注")
    s.cell(2, 4, "全称以批文为准")
    j = wb["收支明细"]
    j.cell(1, j.max_column + 1, "发票号").offset(1, 0).value = "No.0012345"
    wb.create_sheet("通讯录")["A1"] = "张三 13800000000"
    wb.save(path)
