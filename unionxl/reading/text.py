"""Text that looks equal but is not: the normal form unionxl reads and how it differs.

A treasurer cannot see a trailing space, a full-width space, a zero-width space pasted from
a web page, a BOM, full-width letters (ＧＨ００１) or a Kangxi radical that looks exactly like
the ideograph (⽉ for 月). Excel's formulas compare such text as it is; unionxl reads the
*normal form* of every value that is matched against another (dropdown choices, budget
categories, member ids and vouchers joined across sheets) and reports each cell whose
literal text differs from it, so a difference is never silent.

The normal form: invisible characters (Unicode's default-ignorable code points: zero-width
space, joiners, BOM, soft hyphen, bidi marks, variation selectors) removed, full-width ASCII
letters and digits made half-width, CJK compatibility ideographs and radicals made the
unified ideograph (NFKC, on those characters only), and white space (including the
full-width space U+3000 and NBSP) trimmed from both ends. Full-width Chinese punctuation
(，：（）) is kept: it is how Chinese is written, not a lookalike.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

#: Unicode's Default_Ignorable_Code_Point set (DerivedCoreProperties.txt): rendered as nothing
INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]")
#: full-width ASCII letters and digits, Kangxi radicals, CJK radicals and compatibility ideographs
_LOOKALIKE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u2e80-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]")
#: a cell of only white space and invisible characters is empty, as a treasurer sees it
_BLANK = re.compile(r"[\s" + INVISIBLE.pattern[1:-1] + r"]*")

_NAMES = {" ": "空格", "\u3000": "全角空格", "\u00a0": "不间断空格", "\t": "制表符", "\n": "换行", "\r": "换行",
          "\u200b": "零宽空格", "\ufeff": "不可见字符（U+FEFF）", "\u00ad": "软连字符", "\u200c": "零宽非连接符",
          "\u200d": "零宽连接符", "\u2060": "零宽不换行符"}


def normal(text: str) -> str:
    """The normal form of one value (see the module docstring)."""
    text = INVISIBLE.sub("", text)
    if _LOOKALIKE.search(text):
        text = _LOOKALIKE.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return text.strip()


def tidy(values: pd.Series) -> pd.Series:
    """Free text as shown (a column of strings): white space trimmed, invisible characters removed.

    Nothing matches or sums free text (备注, 摘要, 事由), so this changes no figure and needs no note.
    """
    out = values.str.strip()
    if INVISIBLE.search("\x00".join(out)):
        out = out.str.replace(INVISIBLE, "", regex=True).str.strip()
    return out.astype(object)


def is_blank(text: str) -> bool:
    return _BLANK.fullmatch(text) is not None


def is_blank_value(value: object) -> bool:
    """An empty cell as the treasurer sees it: nothing, NaN, or only white space and invisible marks."""
    if value is None or value == "":
        return True
    if type(value) is str:
        return _BLANK.fullmatch(value) is not None
    return value != value  # NaN


#: a blank-looking cell in a NUL-joined column
_BLANK_CELL = re.compile(r"(?:^|\x00)[\s" + INVISIBLE.pattern[1:-1] + r"]+(?=\x00|$)")


def blank_mask(values: pd.Series) -> pd.Series:
    """True where a cell is empty or holds only white space and invisible characters.

    Column-wise: a column of numbers or dates, or of strings none of which is blank-looking
    (checked with one regex over the joined column), costs no per-cell Python.
    """
    missing = values.isna() | values.isin(_EMPTY)
    rest = values[~missing]
    kind = pd.api.types.infer_dtype(rest, skipna=True)
    if kind == "string":
        if not _BLANK_CELL.search("\x00".join(rest)):
            return missing
    elif kind in _NO_STRINGS:
        return missing
    blank = rest.map(lambda v: isinstance(v, str) and is_blank(v)).astype(bool)
    return missing | blank.reindex(values.index, fill_value=False)


_EMPTY = ("", " ", "  ", "\u3000")
#: pandas' inferred kinds of a column that holds no string at all
_NO_STRINGS = frozenset({"empty", "floating", "integer", "mixed-integer-float", "decimal", "complex", "boolean",
                         "datetime64", "datetime", "date", "timedelta64", "timedelta", "time", "period", "interval"})


def _name(ch: str) -> str:
    return _NAMES.get(ch) or ("空格" if ch.isspace() else f"不可见字符 U+{ord(ch):04X}")


def difference(literal: str, normalised: str) -> str:
    """What makes *literal* differ from its normal form, in the treasurer's words."""
    parts: list[str] = []
    bare = INVISIBLE.sub("", literal)
    stripped = bare.strip()
    if bare[: len(bare) - len(bare.lstrip())]:
        parts.append(f"开头有{_name(bare[0])}")
    if bare[len(bare.rstrip()):]:
        parts.append(f"末尾有{_name(bare[-1])}")
    hidden = sorted({_name(ch) for ch in INVISIBLE.findall(literal)})
    if hidden:
        parts.append("含" + "、".join(hidden))
    wide = [ch for ch in stripped if _LOOKALIKE.match(ch)]
    if any("\uff10" <= ch <= "\uff5a" for ch in wide):
        parts.append("含全角字母或数字")
    if any(not "\uff10" <= ch <= "\uff5a" for ch in wide):
        parts.append("含与常用汉字外形相同的部首或兼容汉字")
    return "，".join(parts) or f"与“{normalised}”不是同一串字符"


def plain_text(values: pd.Series) -> str | None:
    """The column's distinct cells joined by NUL (and NUL at both ends), when every cell is a
    string (an empty cell "") with no white space at either end and no invisible character: a
    column that trimming, blank detection and :func:`tidy` would leave as it is. None otherwise.

    One search of the distinct cells stands for those per-cell passes, so reading the usual
    text column costs a hash of its cells and a regex over a few kilobytes.
    """
    try:
        joined = "\x00" + "\x00".join(pd.unique(values.to_numpy(dtype=object)).tolist()) + "\x00"
    except TypeError:  # a number, a date or a missing value among the strings
        return None
    if _SPACE_OR_INVISIBLE.search(joined) and (INVISIBLE.search(joined) or _EDGE_SPACE.search(joined)):
        return None
    return joined


def needs_normalising(joined: str) -> bool:
    """Whether a column, its cells joined by NUL (and NUL at both ends), has a cell not in normal form.

    One search for any character that could make it so (white space, invisible, lookalike) settles
    the usual column; only a column that has one is searched for each kind of difference.
    """
    if not _SUSPECT.search(joined):
        return False
    return bool(INVISIBLE.search(joined) or _LOOKALIKE.search(joined) or _EDGE_SPACE.search(joined))


def normalise(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(normal forms, the literal text of the cells that changed) of a column of strings.

    One regex over the joined column finds the usual case, a column already in normal form.
    """
    if not needs_normalising("\x00" + "\x00".join(values) + "\x00"):
        return values, values.iloc[:0]
    changed = values.map(lambda v: normal(v) != v).astype(bool)
    literal = values[changed]
    out = values.copy()
    out[changed] = [normal(v) for v in literal]
    return out, literal


#: white space at the start or end of a cell in a NUL-joined column
_EDGE_SPACE = re.compile(r"\x00\s|\s\x00")
#: white space or an invisible character anywhere
_SPACE_OR_INVISIBLE = re.compile(r"[\s" + INVISIBLE.pattern[1:-1] + "]")
#: any character that may keep a cell from its normal form
_SUSPECT = re.compile(r"[\s" + INVISIBLE.pattern[1:-1] + _LOOKALIKE.pattern[1:-1] + "]")
