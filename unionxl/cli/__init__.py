"""The headless front door: ``unionxl <command>`` (typer + rich).

Every command reads the master workbook without writing to it, writes reports to new
files atomically, and ends with exit code 0 (no error), 1 (errors found) or 2 (the file
cannot be used), explained in one Chinese line on stderr, never a traceback. ``app``
holds the shared plumbing; each module beside it registers one group of commands.
"""

from unionxl.cli import audit, bureau, package, portal, reports, setup, workbook, year  # noqa: F401  (register the commands)
from unionxl.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
