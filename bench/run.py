"""Scale benchmark: `python bench/run.py [--sizes 1000 10000 100000] [--schools 300]`.

Generates synthetic unions (12 months of dues per member, 2 condolence rows and 0.5
journal rows per member, a full calendar and budget), then times, each in a fresh
process so peak memory is its own: the raw python-calamine read of every sheet (the
floor), unionxl's load + validate, and the summary; and `consolidate` over N schools.
Prints a Markdown table. This is a benchmark, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from unionxl.master.demo import build_demo  # noqa: E402
from unionxl.contract.schema import MONTH_KEYS, VISIT_TYPES  # noqa: E402
from unionxl.master.template import write_master  # noqa: E402

YEAR = 2025


def make_union(path: Path, members: int, seed: int = 1) -> None:
    """A union of *members* people with the benchmark's row ratios (vectorised where it matters)."""
    rng = np.random.default_rng(seed)
    base = build_demo(seed=seed, size=120, union_name=f"基准测试工会（{members}人）", mistakes=False)
    wages = rng.integers(3800, 9800, members).astype(float)
    dues = np.floor(wages / 10) * 10 * 0.005
    births = [dt.date(int(y), int(m), int(d)) for y, m, d in
              zip(rng.integers(1965, 2001, members), rng.integers(1, 13, members), rng.integers(1, 29, members))]
    member_rows = [{
        "member_id": f"M{i:06d}", "name": f"会员{i}", "gender": "女" if i % 3 else "男", "birth_date": births[i],
        "group": f"第{i % 20 + 1}小组", "join_date": dt.date(2010, 9, 1), "status": "在职", "wage": float(wages[i]),
        **{k: float(round(dues[i], 2)) for k in MONTH_KEYS},
    } for i in range(members)]
    kinds = [k for k in VISIT_TYPES if k not in ("生日慰问", "本人去世")]
    who = rng.integers(0, members, 2 * members)
    visit_rows = [{
        "date": dt.date(YEAR, int(rng.integers(1, 13)), int(rng.integers(1, 29))), "member_id": f"M{j:06d}",
        "name": f"会员{j}", "visit_type": kinds[n % len(kinds)], "reason": "慰问", "amount": 200.0, "form": "慰问品",
        "handler": "经办人",
    } for n, j in enumerate(who)]
    journal_rows = [{
        "date": dt.date(YEAR, n % 12 + 1, 15), "voucher": f"记-{n:06d}", "summary": "活动支出", "direction": "支出",
        "category": "文体活动", "amount": float(rng.integers(100, 5000)),
    } for n in range(members // 2)]
    journal_rows += [{"date": dt.date(YEAR, m, 25), "voucher": f"记-D{m:02d}", "summary": f"收{m}月会费",
                      "direction": "收入", "category": "会费收入", "amount": float(round(dues.round(2).sum(), 2))}
                     for m in range(1, 13)]
    rows = {"members": member_rows, "visits": visit_rows, "journal": journal_rows,
            "calendar": base.rows["calendar"], "budget": base.rows["budget"]}
    write_master(path, dict(base.settings, union_name=f"基准测试工会（{members}人）"), rows)


#: step → (setup, timed code); imports and setup are outside the timing
STEPS = {
    "raw": ("from python_calamine import CalamineWorkbook",
            "wb = CalamineWorkbook.from_path(PATH)\n"
            "cells = sum(len(r) for n in wb.sheet_names for r in wb.get_sheet_by_name(n).to_python(skip_empty_area=False))"),
    "validate": ("from unionxl.core.validate import validate_path", "result = validate_path(PATH)"),
    "summary": ("from unionxl.reading.reader import load_book\nfrom unionxl.core.summary import summarize\nbook = load_book(PATH)",
                "summarize(book)"),
    "consolidate": ("from unionxl.core.consolidate import consolidate, expand\nfrom pathlib import Path",
                    "result = consolidate(expand([Path(PATH)]))"),
}


def measure(step: str, path: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of one step, in its own process."""
    setup, timed = STEPS[step]
    code = ("import resource, time, json\nPATH = %r\n%s\nt0 = time.perf_counter()\n%s\n"
            "print(json.dumps([time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024]))"
            % (str(path), setup, timed))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    seconds, peak = json.loads(out.stdout.strip().splitlines()[-1])
    return seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 100000])
    parser.add_argument("--schools", type=int, default=300)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}")
    print()
    print("| members | file MB | raw calamine read s | validate s | summary s | validate+summary ÷ raw | peak MiB (validate) |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            path = Path(tmp) / f"union-{size}.xlsx"
            make_union(path, size)
            raw, _ = measure("raw", path)
            validate, peak = measure("validate", path)
            summary, _ = measure("summary", path)
            print(f"| {size:,} | {path.stat().st_size / 2**20:.1f} | {raw:.2f} | {validate:.2f} | {summary:.2f} | "
                  f"{(validate + summary) / raw:.2f} | {peak:.0f} |", flush=True)
        if args.schools:
            from unionxl.master.schools import write_schools

            folder = Path(tmp) / "schools"
            started = time.perf_counter()
            write_schools(folder, args.schools, seed=1)
            made = time.perf_counter() - started
            seconds, peak = measure("consolidate", folder)
            print()
            print(f"consolidate {args.schools} schools (40–200 members each; generated in {made:.0f} s): "
                  f"{seconds:.1f} s, {seconds / args.schools * 1000:.0f} ms per school, peak {peak:.0f} MiB")


if __name__ == "__main__":
    main()
