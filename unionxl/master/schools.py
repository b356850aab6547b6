"""Synthetic school workbooks for the bureau's consolidation: demos, tests and the benchmark."""

from __future__ import annotations

import random
from pathlib import Path

from unionxl.master.demo import build_demo
from unionxl.master.template import write_master

_SCHOOL_KINDS = ("实验小学", "中心小学", "第一中学", "第二中学", "幼儿园", "职业中学", "外国语学校", "第三小学")


def school_paths(folder: Path, count: int) -> list[Path]:
    """The files :func:`write_schools` writes (the CLI decides them all before writing any)."""
    return [folder / f"school-{i:03d}.xlsx" for i in range(1, count + 1)]


def write_schools(folder: Path, count: int, seed: int = 1, with_mistakes_every: int = 0) -> list[Path]:
    """N synthetic school workbooks (seeded): sizes 40–200, every Nth with the demo's mistakes."""
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
