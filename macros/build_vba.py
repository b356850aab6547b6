"""Build unionxl/data/vbaProject.bin from macros/unionxl.bas: `python macros/build_vba.py`.

The VBA project holds the workbook's document modules (ThisWorkbook, Sheet1…SheetN, one
per sheet the template writes) and the standard module of the buttons, stored as source
only, as MS-OVBA prescribes for writers (no compiled p-code: Excel compiles on open).
It is built with ms-ovba/ms-cfb; tests/test_xlsm.py rebuilds it and reads it back with
olevba. The template writer embeds the committed file in every .xlsm it writes.
"""

from __future__ import annotations

import contextlib
import os
import random
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from ms_ovba.Models.Entities.doc_module import DocModule
from ms_ovba.Models.Entities.reference import Reference
from ms_ovba.Models.Entities.reference_registered import ReferenceRegistered
from ms_ovba.Models.Entities.std_module import StdModule
from ms_ovba.Models.Fields.libid_reference import LibidReference
from ms_ovba.Views.project_ole_file import ProjectOleFile
from ms_ovba.vbaProject import VbaProject
from ms_ovba_compression.ms_ovba import MsOvba

HERE = Path(__file__).resolve().parent
BAS = HERE / "unionxl.bas"
OUTPUT = HERE.parent / "unionxl" / "data" / "vbaProject.bin"
#: fixed so that the same source gives the same bytes
PROJECT_ID = "{6A3C1F52-5E0B-4C7A-9D2E-2B7F0C1D4E85}"
#: the class GUIDs Excel gives a workbook's and a worksheet's document module
WORKBOOK_GUID, WORKSHEET_GUID = "0002081900000000C000000000000046", "0002082000000000C000000000000046"
STDOLE = LibidReference(uuid.UUID("0002043000000000C000000000000046"), "2.0", "0",
                        "C:\\Windows\\System32\\stdole2.tlb", "OLE Automation")
_DOCUMENT = """VERSION 1.0 CLASS
BEGIN
  MultiUse = -1  'True
END
Attribute VB_Name = "{name}"
Attribute VB_GlobalNameSpace = False
Attribute VB_Creatable = False
Attribute VB_PredeclaredId = True
Attribute VB_Exposed = True
"""


def _copytoken_help(difference: int) -> dict:
    """MS-OVBA 2.4.1.3.19.1 CopyToken Help, with MaximumLength = (0xFFFF >> BitCount) + 3.

    ms-ovba-compression 1.0.1 computes ``0xFFFF << BitCount + 3``, so long matches
    overflow the length bits and the module text decompresses corrupted (olevba shows it).
    """
    bit_count = max((difference - 1).bit_length(), 4)
    length_mask = 0xFFFF >> bit_count
    return {"lengthMask": length_mask, "offsetMask": ~length_mask & 0xFFFF, "bitCount": bit_count,
            "maxLength": length_mask + 3}


MsOvba.copytoken_help = staticmethod(_copytoken_help)


@contextlib.contextmanager
def _isolated() -> Iterator[None]:
    """A scratch working directory and a fixed `random` seed, both undone afterwards.

    ms-ovba writes its intermediate files into the working directory, and ms-ovba-crypto
    draws the PROJECT stream's CMG/DPB/GC seeds from `random`: fixing them makes the
    bytes repeat.
    """
    before, state = Path.cwd(), random.getstate()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        random.seed(PROJECT_ID)
        try:
            yield
        finally:
            os.chdir(before)
            random.setstate(state)


def build(bas: Path = BAS, sheets: int = 8) -> bytes:
    """The vbaProject.bin bytes for a workbook of *sheets* worksheets and the module in *bas*."""
    with _isolated():
        project = VbaProject()
        project.project_id = PROJECT_ID
        names = [("ThisWorkbook", WORKBOOK_GUID)] + [(f"Sheet{i}", WORKSHEET_GUID) for i in range(1, sheets + 1)]
        for name, guid in names:
            source = Path(f"{name}.cls")
            source.write_text(_DOCUMENT.format(name=name), encoding="ascii", newline="\r\n")
            module = DocModule(name)
            module.add_file(str(source))
            module.add_guid(uuid.UUID(guid))
            module.normalize_file()
            project.add_module(module)
        code = StdModule(bas.stem)
        local = Path(bas.name)
        local.write_text(bas.read_text(encoding="ascii"), encoding="ascii", newline="\r\n")
        code.add_file(str(local))
        code.normalize_file()
        project.add_module(code)
        project.add_reference(Reference(ReferenceRegistered(STDOLE), "stdole"))
        ProjectOleFile.write_file(project)
        return Path("vbaProject.bin").read_bytes()


if __name__ == "__main__":
    OUTPUT.write_bytes(build())
    print(OUTPUT)
