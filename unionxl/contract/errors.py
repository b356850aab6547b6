"""The one exception the front doors turn into exit code 2 and a one-line Chinese reason."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from unionxl.contract.findings import Finding


class UnusableWorkbook(Exception):
    """The file cannot be used at all (missing, not xlsx, encrypted, a required sheet absent).

    ``findings`` holds the problems with their cells when the reader found them (a sheet or
    header missing, a setting unusable), so the Excel door can list them all in 校验结果
    while its message box stays short.
    """

    def __init__(self, reason: str, findings: Sequence["Finding"] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.findings = list(findings)


class WriteRefused(UnusableWorkbook):
    """An output unionxl will not write (it would replace a file unionxl did not write, or the
    disk refused it); the input is untouched and nothing partial is left behind."""
