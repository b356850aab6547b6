"""The look of everything unionxl writes, defined once: fonts, colours, number formats, page setup.

The report renderers and the master template take their constants from here, so a report
and the workbook it came from print alike. The base size is 10.5 pt, 五号, the body size
of Chinese forms and the one the master workbook has always used.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from unionxl.reports.model import BAD, DATE, GOOD, INFO, INT, MONEY, PCT, WARN

if TYPE_CHECKING:  # the terminal and Excel-door renderers share these styles without the workbook writer
    from xlsxwriter.worksheet import Worksheet

FONT = "等线"
FONT_SIZE = 10.5
TITLE_SIZE = 16
SECTION_SIZE = 12
#: a stamp (“本表不得作为审核依据”): large enough that nobody signs past it
STAMP_SIZE = 14
#: the printed page header's title (list sheets, the master's input sheets)
PAGE_HEADER_SIZE = 14

HEADER_FILL = "#DDEBF7"
FORMULA_FILL = "#EDEDED"
TOTAL_FILL = "#F2F2F2"
NOTE_COLOR = "#595959"
#: the text of a form line left blank (基层工会不填)
MUTED_COLOR = "#808080"
STAMP_COLOR = "#C00000"
TONE_FILLS = {GOOD: "#C6EFCE", WARN: "#FFE699", BAD: "#F8CBAD", INFO: "#DDEBF7"}
#: the terminal's colour per tone (rich markup)
TONE_STYLES = {GOOD: "green", WARN: "yellow", BAD: "bold red", INFO: "cyan"}

NUMBER_FORMATS = {INT: "#,##0", MONEY: "#,##0.00", PCT: "0.0%", DATE: "yyyy-mm-dd"}

#: row heights in points
TITLE_HEIGHT = 28
SIGN_OFF_HEIGHT = 24
SIGN_OFF_BLANKS = "签字：______________________      日期：________年____月____日"
#: a sign-off line of a block that carries its own date line
SIGN_BLANK = "签字：______________________"
#: the date line of a sign-off block to fill in by hand
DATE_BLANKS = "________年____月____日"

#: paper: A4 (xlsxwriter's paper code 9, 210 × 297 mm in points), margins in inches, page numbers in the footer
A4 = 9
A4_POINTS = (595.3, 841.9)
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.6}
FOOTER = "&C第 &P 页，共 &N 页"

#: chart size in pixels, and the rows it takes below its anchor: 16 rows of the default 20 pixels
#: (15 pt) hold it, so that a note right under a chart is not covered by it
CHART_SIZE = {"width": 760, "height": 310}
CHART_ROWS = 16

#: the fixed creation date of every file unionxl writes, so that the same input gives the same bytes
DOC_DATE = dt.datetime(2026, 1, 1)

BASE = {"font_name": FONT, "font_size": FONT_SIZE}


def header_text(text: str) -> str:
    """Text for a printed page header/footer, where & is a control character."""
    return text.replace("&", "&&")


def setup_page(ws: Worksheet, landscape: bool, title: str | None = None, fit_width: bool = True) -> None:
    """A4, narrow margins, page numbers, optionally the title in the page header."""
    ws.set_paper(A4)
    if landscape:
        ws.set_landscape()
    if fit_width:
        ws.fit_to_pages(1, 0)
    ws.set_margins(**MARGINS)
    if title:
        ws.set_header(f"&C&\"{FONT},Bold\"&{PAGE_HEADER_SIZE}{header_text(title)}")
    ws.set_footer(FOOTER)
