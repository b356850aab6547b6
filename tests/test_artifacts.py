"""The committed workbooks are exactly what the generators make today."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from tests.conftest import ROOT
from tests.fingerprint import fingerprint


def _generator():
    spec = importlib.util.spec_from_file_location("generate", ROOT / "workbooks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_committed_workbooks_match_generators(tmp_path: Path) -> None:
    for fresh in _generator().generate(tmp_path):
        committed = ROOT / "workbooks" / fresh.name
        assert fingerprint(committed) == fingerprint(fresh), f"{committed.name} is stale: run python workbooks/generate.py"
