"""Shared fixtures: the demo workbook, fresh templates, and the LibreOffice gate."""

from __future__ import annotations

import os
from pathlib import Path

# xlwings decides at import time whether its PRO engines (the JSON book) are unlocked, so
# the test-only noncommercial key is set here, before anything imports xlwings. The
# product itself never needs a key. UNIONXL_SKIP_XLWINGS=1 switches those tests off.
if os.environ.get("UNIONXL_SKIP_XLWINGS") != "1":
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import pytest

from unionxl.master.demo import Demo, write_demo
from unionxl.files.office import find_soffice
from unionxl.master.template import write_master

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def demo_book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Demo]:
    path = tmp_path_factory.mktemp("demo") / "demo-master.xlsx"
    return path, write_demo(path)


@pytest.fixture()
def template(tmp_path: Path) -> Path:
    path = tmp_path / "master.xlsx"
    write_master(path, {"union_name": "测试小学工会委员会", "year": 2026, "province": "湖北"})
    return path


@pytest.fixture(scope="session")
def soffice() -> str:
    """The soffice binary; skips without it, fails when UNIONXL_REQUIRE_SOFFICE=1 (CI)."""
    found = find_soffice()
    if found is None:
        if os.environ.get("UNIONXL_REQUIRE_SOFFICE") == "1":
            pytest.fail("UNIONXL_REQUIRE_SOFFICE=1 but soffice is not installed")
        pytest.skip("LibreOffice (soffice) not installed; CI runs this test")
    return found
