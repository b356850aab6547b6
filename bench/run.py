"""Scale benchmark: `python bench/run.py [--sizes 1000 10000 100000] [--schools 50 150 300] [--jobs 1 2] [--bureau 2000]`.

Generates synthetic unions (12 months of dues per member, 2 condolence rows and 0.5
journal rows per member, a full calendar and budget) and times, each in a fresh process
(imports and setup outside the timing): the raw python-calamine read of every sheet (the
floor), unionxl's load + validate, and the summary; the three steps are run in turn
``--repeat`` times so that their ratios come from the same minutes of a shared machine, and
the medians are printed. Then ``consolidate`` over N generated schools with each ``--jobs``,
and the start-up time of ``unionxl --help``. ``--bureau N`` adds one consolidation of N
generated schools with every core (a province-sized bureau; 2,000 take about ten minutes
to generate and read on two cores, so it is off by default). Prints Markdown tables with
the machine and its load average. This is a benchmark, not a test: nothing here asserts a time.

Peak memory is each process's own high-water mark (VmHWM in /proc/self/status), read
inside the timed process: a child's ``ru_maxrss`` on Linux starts from its parent's peak,
so it would report the benchmark's own generator, not the step. Worker processes of
``consolidate --jobs`` are sampled from outside every 0.1 s (their VmHWM, the largest shown).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from unionxl.contract.schema import MONTH_KEYS, VISIT_TYPES
from unionxl.master.demo import build_demo
from unionxl.master.template import write_master

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


# --- one step in its own process ------------------------------------------------------------

#: the timed process reports [seconds, its own peak MiB]
CHILD = """\
import json, sys, time
def peak_mib():
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
    except OSError:
        import resource
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return rss / 2**20 if sys.platform == "darwin" else rss / 1024
PATH, JOBS = %r, %r
%s
t0 = time.perf_counter()
%s
print(json.dumps([time.perf_counter() - t0, peak_mib()]))
"""

#: step → (setup, timed code)
STEPS = {
    "raw": ("from python_calamine import CalamineWorkbook",
            ("wb = CalamineWorkbook.from_path(PATH)\ncells = sum(len(r) for n in wb.sheet_names"
             " for r in wb.get_sheet_by_name(n).to_python(skip_empty_area=False))")),
    "validate": ("from unionxl.core.validate import validate_path", "result = validate_path(PATH)"),
    "summary": ("from unionxl.reading.reader import load_book\nfrom unionxl.core.summary import summarize\nbook = load_book(PATH)",
                "summarize(book)"),
    "consolidate": ("from pathlib import Path\nfrom unionxl.core.consolidate import consolidate, expand",
                    "result = consolidate(expand([Path(PATH)]), jobs=JOBS)\nassert result.rows and not result.problems"),
}


def _status_kib(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            return next((int(line.split()[1]) for line in status if line.startswith(field + ":")), 0)
    except OSError:
        return 0


def _descendants(pid: int) -> list[int]:
    """The processes below *pid* (Linux /proc; none elsewhere)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        kids = parents.get(todo.pop(), [])
        out += kids
        todo += kids
    return out


def measure(step: str, path: Path, jobs: int = 1) -> tuple[float, float, float]:
    """(seconds, peak MiB of the step's process, largest peak MiB of its worker processes)."""
    setup, timed = STEPS[step]
    proc = subprocess.Popen([sys.executable, "-c", CHILD % (str(path), jobs, setup, timed)], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    workers: dict[int, int] = {}
    while True:
        try:
            stdout, stderr = proc.communicate(timeout=0.1)
            break
        except subprocess.TimeoutExpired:
            for pid in _descendants(proc.pid):
                workers[pid] = max(workers.get(pid, 0), _status_kib(pid, "VmHWM"))
    if proc.returncode:
        raise RuntimeError(f"{step} failed:\n{stderr}")
    seconds, peak = json.loads(stdout.strip().splitlines()[-1])
    return seconds, peak, max(workers.values(), default=0) / 1024


def median_runs(steps: list[str], path: Path, repeat: int) -> dict[str, tuple[float, float]]:
    """Each step *repeat* times, in turn (raw, validate, summary, raw, …): (median s, max peak MiB)."""
    runs: dict[str, list[tuple[float, float, float]]] = {s: [] for s in steps}
    for _ in range(repeat):
        for step in steps:
            runs[step].append(measure(step, path))
    return {s: (statistics.median(r[0] for r in rs), max(r[1] for r in rs)) for s, rs in runs.items()}


# --- start-up -------------------------------------------------------------------------------

def startup(repeat: int) -> list[tuple[str, float]]:
    """Median wall time of commands that should start fast (the whole process, imports included)."""
    script = shutil.which("unionxl", path=str(Path(sys.executable).parent)) or shutil.which("unionxl")
    base = [script] if script else [sys.executable, "-m", "unionxl.cli"]
    commands = [("unionxl --help", base + ["--help"]), ("unionxl new --help", base + ["new", "--help"]),
                ("import unionxl.xl.entry (a button press)", [sys.executable, "-c", "import unionxl.xl.entry"])]
    out = []
    for label, command in commands:
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True, cwd=ROOT)
            times.append(time.perf_counter() - started)
        out.append((label, statistics.median(times)))
    return out


# --- generated schools ---------------------------------------------------------------------

def _write_schools(folder: str, numbers: range) -> None:
    """Schools like ``unionxl generate-schools`` writes (40–200 members, seeded), numbered *numbers*."""
    import random

    for i in numbers:
        size = random.Random(i).randint(40, 200)
        name = f"基准测试区第{i:04d}学校工会委员会"
        demo = build_demo(seed=1000 + i, size=size, union_name=name, mistakes=False)
        write_master(Path(folder) / f"school-{i:04d}.xlsx", demo.settings, demo.rows)


def write_many_schools(folder: Path, count: int, jobs: int) -> float:
    """*count* generated schools in *folder*, written by *jobs* processes; returns the seconds taken."""
    started = time.perf_counter()
    folder.mkdir(parents=True)
    step = max(1, min(50, count // max(1, jobs)))
    with ProcessPoolExecutor(jobs) as pool:
        for future in [pool.submit(_write_schools, str(folder), range(first, min(first + step, count + 1)))
                       for first in range(1, count + 1, step)]:
            future.result()
    return time.perf_counter() - started


# --- the machine ----------------------------------------------------------------------------

def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal:"))
        memory = f", {kib / 2**20:.0f} GiB"
    except (OSError, StopIteration):
        pass
    return (f"{cpu}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def load() -> str:
    try:
        return "load average " + " / ".join(f"{x:.1f}" for x in os.getloadavg()) + " (1 / 5 / 15 min)"
    except OSError:
        return "load average unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 100000])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each step; medians are printed")
    parser.add_argument("--schools", type=int, nargs="*", default=[50, 150, 300])
    parser.add_argument("--jobs", type=int, nargs="*", default=sorted({1, os.cpu_count() or 1}))
    parser.add_argument("--startup", type=int, default=5, help="runs of each start-up command (0: skip)")
    parser.add_argument("--bureau", type=int, default=0,
                        help="also consolidate this many generated schools once, with every core (0: skip)")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"run: {dt.datetime.now():%Y-%m-%d %H:%M}, {load()}, medians of {args.repeat} runs")
    print()
    print("| members | file MB | raw calamine read s | validate s | summary s | validate ÷ raw | "
          "validate+summary ÷ raw | peak MiB (validate) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            path = Path(tmp) / f"union-{size}.xlsx"
            make_union(path, size)
            m = median_runs(["raw", "validate", "summary"], path, args.repeat)
            raw, validate, summary = m["raw"][0], m["validate"][0], m["summary"][0]
            print(f"| {size:,} | {path.stat().st_size / 2**20:.1f} | {raw:.2f} | {validate:.2f} | {summary:.2f} | "
                  f"{validate / raw:.2f} | {(validate + summary) / raw:.2f} | {m['validate'][1]:.0f} |", flush=True)
            path.unlink()
        runs = [(count, jobs) for count in args.schools for jobs in args.jobs]
        runs += [(args.bureau, os.cpu_count() or 1)] if args.bureau else []
        if runs:
            print()
            print("| schools | jobs | consolidate s | ms per school | peak MiB (main process) | "
                  "peak MiB (largest worker) | generated in s |")
            print("|---:|---:|---:|---:|---:|---:|---:|")
        for count in dict.fromkeys(count for count, _ in runs):
            folder = Path(tmp) / f"schools-{count}"
            made = write_many_schools(folder, count, os.cpu_count() or 1)
            for jobs in [j for c, j in runs if c == count]:
                seconds, peak, worker = measure("consolidate", folder, jobs)
                print(f"| {count:,} | {jobs} | {seconds:.1f} | {seconds / count * 1000:.0f} | {peak:.0f} | "
                      f"{f'{worker:.0f}' if worker else '–'} | {made:.0f} |", flush=True)
            shutil.rmtree(folder)
    if args.startup:
        print()
        print("| start-up (whole process) | s |")
        print("|---|---:|")
        for label, seconds in startup(args.startup):
            print(f"| `{label}` | {seconds:.2f} |")
    print()
    print(f"end: {dt.datetime.now():%Y-%m-%d %H:%M}, {load()}")


if __name__ == "__main__":
    main()
