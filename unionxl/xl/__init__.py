"""The Excel front door: RunPython entry points for the workbook's buttons.

This is the only package that imports xlwings. Each entry point takes the calling book
(``xw.Book.caller()`` when pressed from Excel, an ``xw.Book`` in tests), reads every
input sheet with one range read, runs the same core as the CLI, and writes only the
sheets unionxl owns, one block per write. Failures reach the treasurer as a Chinese
message box, never a traceback. The entry points are the ``entry`` column of
``unionxl.contract.schema.MACRO_BUTTONS``.
"""

from unionxl.xl.entry import *  # noqa: F403  (the buttons' entry points, named by MACRO_BUTTONS)
from unionxl.xl.entry import __all__  # noqa: F401
