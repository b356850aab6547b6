"""Bureau consolidation: validate and summarise many school workbooks into one table.

A broken file never stops the run: it is listed with its reason. The per-school figures
are the same :func:`unionxl.core.summary.summarize` a school sees, so the bureau's totals are
exactly the sum of what each school reports.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from unionxl.contract.errors import UnusableWorkbook
from unionxl.core.summary import summarize
from unionxl.core.validate import validate_book
from unionxl.reading.reader import load_book

#: per-school columns: (key, kind) in CONSOLIDATION_SHEET order after 工会名称 and 文件
FIGURES = (
    ("members", "int"), ("active", "int"), ("retired", "int"), ("dues_rate", "pct"), ("visits", "int"),
    ("visit_fen", "money"), ("hardship_members", "int"), ("hardship_fen", "money"), ("activities", "int"),
    ("participants", "int"), ("income_fen", "money"), ("expense_fen", "money"), ("closing_fen", "money"),
    ("errors", "int"),
)
SUMMED = tuple(k for k, kind in FIGURES if kind != "pct") + ("dues_paid_fen", "dues_expected_fen")


@dataclass
class Problem:
    file: str
    union_name: str
    kind: str  # 无法读取 / 有错误
    detail: str


@dataclass
class Consolidation:
    rows: list[dict[str, object]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, object]:
        totals: dict[str, object] = {k: sum(int(r[k]) for r in self.rows) for k in SUMMED}
        expected = totals["dues_expected_fen"]
        totals["dues_rate"] = round(int(totals["dues_paid_fen"]) / int(expected), 4) if expected else None
        return totals

    def to_dict(self) -> dict[str, object]:
        return {"schools": self.rows, "totals": self.totals,
                "problems": [p.__dict__ for p in self.problems], "count": len(self.rows)}


def expand(paths: Iterable[Path]) -> list[Path]:
    """Folders become their .xlsx/.xlsm files (not Excel's ~$ lock files), in name order."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.iterdir() if p.suffix.lower() in (".xlsx", ".xlsm") and not p.name.startswith(("~$", ".")))
        else:
            out.append(path)
    return out


def school_row(path: Path) -> tuple[dict[str, object] | None, Problem | None]:
    try:
        book = load_book(path)
    except UnusableWorkbook as exc:
        return None, Problem(path.name, "", "无法读取", exc.reason)
    name = str(book.settings.get("union_name", "") or "")
    result = validate_book(book)
    if not result.usable:
        return None, Problem(path.name, name, "无法读取", result.unusable_reason())
    s = summarize(book)
    row = {
        "union_name": name, "file": path.name, "members": s.members["total"],
        "active": s.members["by_status"]["在职"], "retired": s.members["by_status"]["退休"],
        "dues_rate": s.dues["collection_rate"], "dues_paid_fen": s.dues["paid_fen"],
        "dues_expected_fen": s.dues["expected_fen"], "visits": s.condolences["visits"],
        "visit_fen": s.condolences["amount_fen"], "hardship_members": s.condolences["hardship_members"],
        "hardship_fen": s.condolences["hardship_fen"], "activities": s.activities["done"],
        "participants": s.activities["participants"], "income_fen": s.journal["income_fen"],
        "expense_fen": s.journal["expense_fen"], "closing_fen": s.balance["closing_fen"],
        "errors": len(result.errors),
    }
    problem = None
    if result.errors:
        first = "；".join(f"{f.cell} {f.message}" for f in result.errors[:3])
        more = f" 等 {len(result.errors)} 个错误" if len(result.errors) > 3 else ""
        problem = Problem(path.name, name, "有错误", first + more)
    return row, problem


def consolidate(paths: Iterable[Path], advance: Callable[[Path], None] | None = None) -> Consolidation:
    result = Consolidation()
    for path in paths:
        try:
            row, problem = school_row(path)
        except Exception as exc:  # one strange file must not stop a bureau's run
            row, problem = None, Problem(path.name, "", "无法读取", f"读取时出错：{type(exc).__name__}: {exc}")
        if row is not None:
            result.rows.append(row)
        if problem is not None:
            result.problems.append(problem)
        if advance is not None:
            advance(path)
    return result


_SCHOOL_KINDS = ("实验小学", "中心小学", "第一中学", "第二中学", "幼儿园", "职业中学", "外国语学校", "第三小学")


def school_paths(folder: Path, count: int) -> list[Path]:
    """The files :func:`write_schools` writes (the CLI decides them all before writing any)."""
    return [folder / f"school-{i:03d}.xlsx" for i in range(1, count + 1)]


def write_schools(folder: Path, count: int, seed: int = 1, with_mistakes_every: int = 0) -> list[Path]:
    """N synthetic school workbooks (seeded): sizes 40–200, every Nth with the demo's mistakes."""
    from unionxl.master.demo import build_demo
    from unionxl.master.template import write_master

    rng = random.Random(seed)
    paths = []
    for i, path in enumerate(school_paths(folder, count), 1):
        size = rng.randint(40, 200)
        name = f"演示区{_SCHOOL_KINDS[i % len(_SCHOOL_KINDS)]}（{i:03d}）工会委员会"
        mistakes = bool(with_mistakes_every) and i % with_mistakes_every == 0
        demo = build_demo(seed=seed * 1000 + i, size=size, union_name=name, mistakes=mistakes)
        write_master(path, demo.settings, demo.rows)
        paths.append(path)
    return paths
