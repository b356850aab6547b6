"""Every malformed input gives findings at exact cells, or exit 2 with one Chinese line.

Never a traceback, never an internal error, and the input file is never written.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from tests.corpus import CASES, Case
from unionxl.cli import app
from unionxl.contract.findings import RULE_TITLES

runner = CliRunner()


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_outcome(case: Case, tmp_path: Path) -> None:
    path = tmp_path / f"{case.name}.xlsx"
    case.build(path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    report = tmp_path / "out" / "report.xlsx"
    result = runner.invoke(app, ["validate", str(path), "--json", "--report", str(report)])
    assert "Traceback" not in result.output and "内部错误" not in result.stderr, result.stderr
    assert result.exit_code == case.exit_code, (result.stdout[:500], result.stderr)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    if case.exit_code == 2:
        line = result.stderr.strip()
        assert "\n" not in line and case.reason in line, line
        return
    payload = json.loads(result.stdout)
    found = {(f["rule"], f["cell"]) for f in payload["findings"]}
    assert case.findings <= found, found
    # every rule that fired has its Chinese title, and the report shows that title, never the id
    assert {rule for rule, _ in found} <= set(RULE_TITLES), {rule for rule, _ in found} - set(RULE_TITLES)
    if not case.findings:
        assert payload["counts"]["error"] == payload["counts"]["warning"] == 0, found
    # whatever the workbook held, the report holds it as text, never as a formula
    ws = openpyxl.load_workbook(report)["校验结果"]
    assert all(cell.data_type != "f" for row in ws.iter_rows() for cell in row)
    assert not {cell.value for row in ws.iter_rows() for cell in row} & {rule for rule, _ in found}
