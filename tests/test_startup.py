"""Start-up imports only what the command uses: `unionxl --help` and `unionxl new` never load the
data stack (pandas, numpy, python-calamine, openpyxl). Checked by module, not by time (the
times are in bench/run.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("pandas", "numpy", "python_calamine", "openpyxl")


def _loaded_after(argv: list[str], cwd: Path) -> set[str]:
    """The heavy modules loaded once the command line *argv* has run, in a fresh interpreter."""
    code = ("import sys, json\nfrom unionxl.cli import main\nsys.argv = ['unionxl', *json.loads(sys.argv[1])]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code, json.dumps(argv)], capture_output=True, text=True, cwd=cwd,
                          check=True)
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("argv", [["--help"], ["validate", "--help"], ["consolidate", "--help"]])
def test_help_loads_no_data_stack(tmp_path: Path, argv: list[str]) -> None:
    assert _loaded_after(argv, tmp_path) == set()


def test_new_writes_a_master_without_the_data_stack(tmp_path: Path) -> None:
    assert _loaded_after(["new", "m.xlsx", "--name", "测试小学工会委员会", "--year", "2026"], tmp_path) == set()
    assert (tmp_path / "m.xlsx").stat().st_size > 0


def test_validate_does_load_it(tmp_path: Path) -> None:
    """The probe is real: a command that reads a book does import pandas."""
    _loaded_after(["new", "m.xlsx", "--name", "测试小学工会委员会", "--year", "2026"], tmp_path)
    assert {"pandas", "python_calamine"} <= _loaded_after(["validate", "m.xlsx"], tmp_path)


def test_a_button_press_loads_only_its_own_part_of_the_core() -> None:
    """RunPython starts a fresh interpreter per press: importing the entry points loads validation,
    not the rule packs, the summary or the to-do (each button imports those when pressed)."""
    code = ("import json, sys\nimport unionxl.xl.entry\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith('unionxl.'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "unionxl.core.validate" in loaded
    assert not loaded & {"unionxl.core.audit", "unionxl.core.rules", "unionxl.core.summary", "unionxl.core.year.todo",
                         "unionxl.core.narrative", "unionxl.reports.audit", "unionxl.reports.summary"}
