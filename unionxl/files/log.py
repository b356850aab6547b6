"""The failure log: what a treasurer sends the maintainer when something unexpected broke.

A button must never show a traceback, yet the maintainer needs one. Each unexpected
failure is written to its own small file under the user's local log folder
(``platformdirs.user_log_dir("unionxl")``: ``%LOCALAPPDATA%\\unionxl\\Logs`` on Windows,
``~/.local/state/unionxl/log`` on Linux); ``UNIONXL_LOG_DIR`` overrides it. The message
the treasurer sees names the file.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
import tempfile
import traceback
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import platformdirs

ENV = "UNIONXL_LOG_DIR"
#: the packages whose versions help most to reproduce a failure
_PACKAGES = ("unionxl", "xlwings", "pandas", "numpy", "python-calamine", "openpyxl", "xlsxwriter", "pywin32")


def log_dir() -> Path:
    """Where failure logs go: ``$UNIONXL_LOG_DIR``, else the platform's per-user log folder."""
    override = os.environ.get(ENV, "").strip()
    return Path(override) if override else Path(platformdirs.user_log_dir("unionxl", appauthor=False))


def _versions() -> list[str]:
    lines = [f"Python {sys.version.split()[0]} ({sys.executable})", f"platform {platform.platform()}"]
    for name in _PACKAGES:
        try:
            lines.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            pass
    return lines


def write_failure_log(exc: BaseException, what: str, workbook: str = "") -> Path | None:
    """Write *exc*'s traceback with versions and the workbook's name; the file, or None.

    Falls back to the temp folder when the log folder cannot be written, and to None when
    nothing can: logging must never turn one failure into two.
    """
    now = dt.datetime.now()
    text = "\n".join([
        f"unionxl failure log, {now.isoformat(timespec='seconds')}",
        f"action: {what}",
        f"workbook: {workbook or '(unknown)'}",
        *_versions(),
        "",
        "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
    ])
    name = f"unionxl-{now:%Y%m%d-%H%M%S}-{os.getpid()}.log"
    for folder in (log_dir(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / name
            target.write_text(text, encoding="utf-8")
            return target
        except OSError:
            continue
    return None
