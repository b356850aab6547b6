"""大写 amounts against the cases of docs/year-end-package.md (PBOC 附一 and 会计基础工作规范 第五十二条).

Each case lists the form unionxl writes first, then every other form the rules accept; the
helper must write the first, and the first must be among the accepted ones. A parser written
here from the same tables reads every 大写 back into the amount it came from.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unionxl.contract.money import UPPER_DIGITS, upper_amount

#: (¥, the form unionxl writes, other accepted forms) — "人民币" left off
CASES = [
    ("1,409.50", "壹仟肆佰零玖元伍角", ["壹仟肆佰零玖元伍角整"]),
    ("6,007.14", "陆仟零柒元壹角肆分", []),
    ("1,680.32", "壹仟陆佰捌拾元叁角贰分", ["壹仟陆佰捌拾元零叁角贰分"]),
    ("107,000.53", "壹拾万柒仟元伍角叁分", ["壹拾万柒仟元零伍角叁分", "壹拾万零柒仟元伍角叁分"]),
    ("16,409.02", "壹万陆仟肆佰零玖元零贰分", []),
    ("325.04", "叁佰贰拾伍元零肆分", []),
    ("1,005.00", "壹仟零伍元整", []),
    ("1,000.50", "壹仟元伍角", ["壹仟元伍角整", "壹仟元零伍角"]),
    ("0.05", "伍分", ["零元零伍分"]),
    ("10.30", "壹拾元叁角", ["壹拾元叁角整", "壹拾元零叁角"]),
    ("1,200.00", "壹仟贰佰元整", ["壹仟贰佰元正"]),
    ("0.00", "零元整", []),
    ("0.50", "伍角", ["伍角整"]),
    ("0.42", "肆角贰分", []),
    ("1.00", "壹元整", []),
    ("10.00", "壹拾元整", []),
    ("15.00", "壹拾伍元整", []),
    ("20.00", "贰拾元整", []),
    ("100.05", "壹佰元零伍分", []),
    ("100.10", "壹佰元壹角", ["壹佰元零壹角", "壹佰元壹角整", "壹佰元零壹角整"]),
    ("1,000.05", "壹仟元零伍分", []),
    ("1,001.01", "壹仟零壹元零壹分", []),
    ("1,010.10", "壹仟零壹拾元壹角", ["壹仟零壹拾元零壹角"]),
    ("10,005.00", "壹万零伍元整", []),
    ("10,100.00", "壹万零壹佰元整", []),
    ("100,500.00", "壹拾万零伍佰元整", []),
    ("105,000.00", "壹拾万伍仟元整", ["壹拾万零伍仟元整"]),
    ("110,000.00", "壹拾壹万元整", []),
    ("1,000,001.00", "壹佰万零壹元整", []),
    ("1,010,000.00", "壹佰零壹万元整", []),
    ("1,000,000.93", "壹佰万元玖角叁分", ["壹佰万元零玖角叁分"]),
    ("100,000,000.00", "壹亿元整", []),
    ("100,000,005.00", "壹亿零伍元整", []),
    ("100,010,000.00", "壹亿零壹万元整", []),
    ("12,345.67", "壹万贰仟叁佰肆拾伍元陆角柒分", []),
    ("1,234.06", "壹仟贰佰叁拾肆元零陆分", []),
    ("101.50", "壹佰零壹元伍角", ["壹佰零壹元伍角整"]),
    ("123,456,789.01", "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元零壹分", []),
    ("99,999.99", "玖万玖仟玖佰玖拾玖元玖角玖分", []),
    ("888.80", "捌佰捌拾捌元捌角", ["捌佰捌拾捌元捌角整"]),
    ("103,806.00", "壹拾万叁仟捌佰零陆元整", ["壹拾万零叁仟捌佰零陆元整"]),
    ("5.20", "伍元贰角", ["伍元贰角整"]),
    # a whole group of zeros keeps its 零, so the amount cannot be read as 壹亿伍仟万
    ("100,005,000.00", "壹亿零伍仟元整", []),
]

#: outputs of public converter pages that the rules make wrong
WRONG = [("1,005.00", "壹仟伍元整"), ("103,806.00", "壹拾零万叁仟捌佰零陆元整"), ("0.50", "零又五角"),
         ("5.20", "伍元零贰角")]


def fen(text: str) -> int:
    whole, _, cents = text.replace(",", "").partition(".")
    return int(whole) * 100 + int((cents + "00")[:2])


@pytest.mark.parametrize(("amount", "written", "others"), CASES)
def test_each_case_is_written_in_an_accepted_form(amount: str, written: str, others: list[str]) -> None:
    assert upper_amount(fen(amount)) == "人民币" + written
    assert parse(written) == fen(amount)
    for other in others:
        assert parse(other.replace("正", "整")) == fen(amount), other


@pytest.mark.parametrize(("amount", "wrong"), WRONG)
def test_the_wrong_forms_seen_on_converter_pages_are_never_written(amount: str, wrong: str) -> None:
    assert upper_amount(fen(amount)) != "人民币" + wrong


def test_zheng_after_jiao_is_the_accounting_rules_form() -> None:
    assert upper_amount(100050, zheng_after_jiao=True) == "人民币壹仟元伍角整"
    assert upper_amount(100000, zheng_after_jiao=True) == "人民币壹仟元整"
    assert upper_amount(100055, zheng_after_jiao=True) == "人民币壹仟元伍角伍分"  # never 整 after 分


def test_only_the_characters_of_the_rules() -> None:
    allowed = set(UPPER_DIGITS + "拾佰仟万亿元角分整人民币")
    for amount, _, _ in CASES:
        assert set(upper_amount(fen(amount))) <= allowed
        assert not set(upper_amount(fen(amount))) & set("一二两三四五六七八九十念毛另圆正")


def test_negative_and_too_large_amounts_are_refused() -> None:
    with pytest.raises(ValueError):
        upper_amount(-1)
    with pytest.raises(ValueError):
        upper_amount(10 ** 12 * 100)


@given(st.integers(min_value=0, max_value=10 ** 14 - 1))
def test_every_amount_reads_back(amount: int) -> None:
    text = upper_amount(amount)
    assert text.startswith("人民币") and " " not in text
    assert parse(text[3:]) == amount
    assert text.endswith("整") == (amount % 100 == 0)


def parse(text: str) -> int:
    """Read a 大写 amount (without 人民币) back into fen, independently of the writer."""
    text = text.removesuffix("整")
    whole_text, _, rest = text.rpartition("元") if "元" in text else ("", "", text)
    jiao = re.search(r"(.)角", rest)
    cents = re.search(r"(.)分", rest)
    yuan = _whole(whole_text)
    return yuan * 100 + (UPPER_DIGITS.index(jiao.group(1)) * 10 if jiao else 0) + (
        UPPER_DIGITS.index(cents.group(1)) if cents else 0)


def _whole(text: str) -> int:
    total, section, number = 0, 0, 0
    for ch in text:
        if ch in UPPER_DIGITS:
            number = UPPER_DIGITS.index(ch)
        elif ch in "拾佰仟":
            section += number * {"拾": 10, "佰": 100, "仟": 1000}[ch]
            number = 0
        elif ch == "万":
            total += (section + number) * 10_000
            section = number = 0
        elif ch == "亿":
            total = (total + section + number) * 10 ** 8
            section = number = 0
        else:
            raise ValueError(ch)
    return total + section + number
