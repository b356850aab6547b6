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
    _load_dated,
    _short,
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
    """生成下一年度的主工作簿：保留会员和预算科目，结转上年结余，清空会费与流水；原文件不变。"""
    from unionxl.core.year.rollover import rollover as roll
    from unionxl.master.template import write_master

    _claim([target], [book], force, suffixes=(".xlsx", ".xlsm"))
    loaded = _load_dated(book, "结转")
    rolled = roll(loaded)
    write_master(target, rolled.settings, rolled.rows)
    out.print(f"已生成 {loaded.year + 1} 年度工作簿：{target}；上年结余 {rolled.settings['opening_balance']:,.2f} 元。")
    if rolled.dropped:
        out.print(f"未转入的离会会员（{len(rolled.dropped)} 人）：{_short('、'.join(rolled.dropped), 400)}")
    return EXIT_OK
