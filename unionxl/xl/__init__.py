"""The Excel front door: RunPython entry points for the workbook's buttons.

This is the only package that imports xlwings. Each entry point takes the calling book
(``xw.Book.caller()`` when pressed from Excel, an ``xw.Book`` in tests), reads every
input sheet with one range read, runs the same core as the CLI, and writes only the
sheets unionxl owns, one block per write. Failures reach the treasurer as a Chinese
message box, never a traceback.
"""

from unionxl.xl.entry import check_budget_book, new_year_book, summarize_book, todo_book, validate_book

__all__ = ["validate_book", "check_budget_book", "summarize_book", "todo_book", "new_year_book"]
