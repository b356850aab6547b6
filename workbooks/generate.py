"""Regenerate the committed workbooks: `python workbooks/generate.py`.

tests/test_artifacts.py fails when these files differ from what the generators make
today, so run this after changing the schema, the template writer or the demo.
"""

from __future__ import annotations

from pathlib import Path

from unionxl.files.ownership import claim
from unionxl.master.demo import write_demo
from unionxl.core.year.plan import plan_rows
from unionxl.master.template import write_master

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "unionxl-template.xlsx"
DEMO = HERE / "demo-master.xlsx"
MASTER = HERE / "unionxl-master.xlsm"
TEMPLATE_SETTINGS = {"union_name": "", "year": 2026, "province": "全国"}


def generate(folder: Path = HERE) -> tuple[Path, Path, Path]:
    """The template, the demo, and the template with buttons (the VBA project in unionxl/data)."""
    template, demo, master = folder / TEMPLATE.name, folder / DEMO.name, folder / MASTER.name
    plan = {"calendar": plan_rows(TEMPLATE_SETTINGS["year"])}
    with claim([template, demo, master], force=True):  # the committed workbooks are this script's to replace
        write_master(template, TEMPLATE_SETTINGS, plan)
        write_master(master, TEMPLATE_SETTINGS, plan)
        write_demo(demo)
    return template, demo, master


if __name__ == "__main__":
    for path in generate():
        print(path)
