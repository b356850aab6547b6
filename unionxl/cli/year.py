"""The year-end command: rollover into next year's workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from unionxl.cli.app import (
    EXIT_OK,
    Force,
    _claim,
    _guarded,
    _load,
    _short,
    _warn_errors,
    app,
    out,
)


@app.command()
@_guarded
def rollover(
    book: Annotated[Path, typer.Argument(help="本年度主工作簿（.xlsx）")],
    target: Annotated[Path, typer.Option("--out", help="下一年度工作簿（新文件）")],
    force: Force = False,
) -> int:
    """生成下一年度的主工作簿：带入设置、会员、活动日历和预算科目（含备注和自行添加的列），结转上年结余，清空会费与流水；原文件不变。"""
    from unionxl.core.validate import validate_book
    from unionxl.core.year.rollover import rollover as roll
    from unionxl.master.template import write_master
    from unionxl.reading.load import ROLLOVER

    _claim([target], [book], force, suffixes=(".xlsx", ".xlsm"))
    loaded = _load(book, ROLLOVER)  # a usable book with a year, or the load policy's one line
    checked = validate_book(loaded)
    rolled = roll(loaded, checked)
    write_master(target, rolled.settings, rolled.rows, guide_extra=rolled.guide, extra_columns=rolled.extra_columns)
    out.print(f"已生成 {loaded.year + 1} 年度工作簿：{target}；上年结余 {rolled.settings['opening_balance']:,.2f} 元。")
    if rolled.dropped:
        out.print(f"未转入的离会会员（{len(rolled.dropped)} 人）：{_short('、'.join(rolled.dropped), 400)}")
    if rolled.not_carried:
        out.print("未照原样带入的内容：")
    for line in rolled.not_carried:
        out.print(f"  · {_short(line, 400)}")
    if rolled.as_typed:
        out.print(_short(f"按原文字带入（不是有效的数字或日期，请在新工作簿中改正）：{len(rolled.as_typed)} 个单元格，"
                         + "、".join(rolled.as_typed[:5]) + ("等" if len(rolled.as_typed) > 5 else ""), 600))
    _warn_errors(checked, "已照原样结转", subject="本年度工作簿")
    return EXIT_OK
