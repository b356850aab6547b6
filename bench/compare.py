"""Same answers before and after a speed-up: `python bench/compare.py [--base main] [--big 10000]`.

Writes one set of input files (the bad-input corpora of tests/, the demo, generated schools
with mistakes, benchmark unions, a union with junk sprinkled over its cells, and some of
these saved again by LibreOffice), then loads every file with the code of git revision
``--base`` and with the working tree, each in its own process, and compares what each
gives: the reason a file is unusable, every finding in order, every table's raw and typed
frames (dtypes and values exactly) and formula flags, the settings, the summary and the
fund-rule audit. Prints each difference and exits 1 if there is any.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import math
import os
import pickle
import random
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: junk a treasurer's cells really hold, sprinkled over a generated union's data cells
JUNK = ["", " ", "\u3000", "无", "五十", "1,200.00元", "¥800", "１０００", "2026年3月8日", "2026.3.8", "2026/3/8",
        46089, 46089.5, -5, 0.001, 1e13, True, "GH001 ", "\u200bGH002", "在职 ", "慰问金", "=SUM(1)", "#N/A",
        dt.datetime(2026, 3, 8, 14, 30), dt.date(1899, 1, 1), dt.date(2101, 1, 1), "3", 3, 3.0, "0.5%"]


# --- inputs -----------------------------------------------------------------------------------

def write_inputs(folder: Path, big: int) -> list[Path]:
    sys.path.insert(0, str(ROOT))
    from bench.run import make_union
    from unionxl.master.schools import write_schools
    from unionxl.master.demo import write_demo
    from unionxl.master.template import write_master

    paths: list[Path] = []
    for module in ("tests.corpus", "tests.reading_corpus", "tests.trust_corpus"):
        try:
            corpus = importlib.import_module(module)
        except ImportError:
            continue
        if hasattr(corpus, "write_all"):
            paths += corpus.write_all(folder / module.split(".")[-1])
    write_demo(folder / "demo.xlsx")
    paths.append(folder / "demo.xlsx")
    paths += write_schools(folder / "schools", 12, seed=7, with_mistakes_every=2)
    for size in sorted({1000, big}):
        make_union(folder / f"union-{size}.xlsx", size)
        paths.append(folder / f"union-{size}.xlsx")
    paths.append(_junk_union(folder / "junk-union.xlsx", write_master))
    paths += _saved_by_libreoffice(folder / "libreoffice", [folder / "demo.xlsx", folder / "junk-union.xlsx"])
    return [p for p in paths if p.is_file()]


def _junk_union(path: Path, write_master) -> Path:
    """The demo generator's rows at 400 members with one cell in 30 replaced by junk."""
    from unionxl.master.demo import build_demo

    demo = build_demo(seed=3, size=400, union_name="杂项测试工会委员会", mistakes=True)
    rng = random.Random(5)
    rows = {}
    for key, sheet_rows in demo.rows.items():
        rows[key] = [{k: (rng.choice(JUNK) if rng.random() < 1 / 30 else v) for k, v in row.items()}
                     for row in sheet_rows]
    write_master(path, demo.settings, rows)
    return path


def _saved_by_libreoffice(folder: Path, paths: list[Path]) -> list[Path]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("(soffice not found: no LibreOffice-saved files)", file=sys.stderr)
        return []
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                        "xlsx:Calc MS Excel 2007 XML", "--outdir", str(folder), *map(str, paths)],
                       capture_output=True, timeout=600, check=False)
    return sorted(folder.glob("*.xlsx"))


# --- what one revision gives --------------------------------------------------------------------

def dump(paths: list[Path], out: Path) -> None:
    """Everything unionxl derives from each file (run with the revision's tree first on sys.path)."""
    from unionxl.contract.errors import UnusableWorkbook
    from unionxl.core.audit import audit_book
    from unionxl.core.summary import summarize
    from unionxl.core.validate import validate_book
    from unionxl.reading.reader import load_book

    results = {}
    for path in paths:
        try:
            book = load_book(path)
        except UnusableWorkbook as exc:
            results[str(path)] = {"unusable": exc.reason}
            continue
        got = {"findings": [f.to_dict() for f in validate_book(book).findings], "usable": book.usable,
               "settings": (book.settings.values, book.settings.cells),
               "tables": {k: (t.raw, t.data, t.formulas, t.positions, getattr(t, "extra", None),
                              getattr(t, "extra_titles", None), getattr(t, "lookalikes", None))
                          for k, t in book.tables.items()}}
        for name, step in (("summary", summarize), ("audit", audit_book)):
            try:
                value = step(book)
                got[name] = value.to_dict() if hasattr(value, "to_dict") else value
            except Exception as exc:  # noqa: BLE001  (the same failure on both sides is the same answer)
                got[name] = f"{type(exc).__name__}: {exc}"
        results[str(path)] = got
    out.write_bytes(pickle.dumps(results))


def run_dump(tree: Path, paths: list[Path], out: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree))
    listing = out.with_suffix(".txt")
    listing.write_text("\n".join(map(str, paths)), encoding="utf-8")
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--dump", str(listing), str(out)], env=env,
                          cwd=tree, capture_output=True, text=True, check=False)  # quiet: calamine's caught panic prints to stderr
    if done.returncode:
        raise RuntimeError(f"loading with {tree} failed:\n{done.stderr}")
    return pickle.loads(out.read_bytes())


# --- comparing ----------------------------------------------------------------------------------

def differences(before: object, after: object, where: str) -> list[str]:
    import pandas as pd
    import pandas.testing as pdt

    if isinstance(before, pd.DataFrame) or isinstance(after, pd.DataFrame):
        if not (isinstance(before, pd.DataFrame) and isinstance(after, pd.DataFrame)):
            return [f"{where}: {type(before).__name__} before, {type(after).__name__} after"]
        try:
            pdt.assert_frame_equal(before, after, check_exact=True)
        except AssertionError as exc:
            return [f"{where}: {' '.join(str(exc).split())[:600]}"]
        return []
    if isinstance(before, dict) and isinstance(after, dict):
        out = [f"{where}: key {k!r} only {'before' if k in before else 'after'}" for k in set(before) ^ set(after)]
        for key in before.keys() & after.keys():
            out += differences(before[key], after[key], f"{where}/{key}")
        return out
    if isinstance(before, (list, tuple)) and isinstance(after, (list, tuple)):
        if len(before) != len(after):
            return [f"{where}: {len(before)} items before, {len(after)} after"]
        return [d for i, (b, a) in enumerate(zip(before, after)) for d in differences(b, a, f"{where}[{i}]")]
    same = before == after
    if not isinstance(same, bool):
        same = bool(getattr(same, "all", lambda: False)())
    if not same and not (_is_nan(before) and _is_nan(after)):
        return [f"{where}: {before!r:.200} before, {after!r:.200} after"]
    return []


def _is_nan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="main", help="git revision to compare the working tree with")
    parser.add_argument("--big", type=int, default=10000, help="members of the largest generated union")
    parser.add_argument("--keep", type=Path, help="keep the inputs in this folder")
    parser.add_argument("--dump", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")  # print areas of saved files
    if args.dump:
        listing, out = args.dump
        dump([Path(p) for p in listing.read_text(encoding="utf-8").splitlines()], out)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        inputs = args.keep or work / "inputs"
        shutil.rmtree(inputs, ignore_errors=True)
        paths = write_inputs(inputs, args.big)
        base = work / "base"
        base.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.base], capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(base)], input=archive.stdout, check=True)
        before = run_dump(base, paths, work / "before.pickle")
        after = run_dump(ROOT, paths, work / "after.pickle")
    found = differences(before, after, "")
    for line in found:
        print(line)
    usable = sum("unusable" not in r for r in after.values())
    print(f"{len(paths)} files ({usable} usable): {len(found)} differences between {args.base} and the working tree")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
