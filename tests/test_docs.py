"""Every rule id the code can emit is explained to the treasurer in docs/findings.md."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def _emitted_rules() -> set[str]:
    ids: set[str] = set()
    for path in (ROOT / "unionxl").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        ids |= set(re.findall(r'(?:Finding|_finding)\([^"]*?"([a-z]+(?:-[a-z]+)+)"', text))
        ids |= {f"type-{what}" for what in re.findall(r'_to_number\(table, column, values, "([a-z]+)"\)', text)}
    return ids


def test_every_rule_is_documented() -> None:
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", (ROOT / "docs" / "findings.md").read_text(encoding="utf-8"), re.M))
    emitted = _emitted_rules()
    assert len(emitted) > 30
    assert emitted <= documented, emitted - documented


def test_every_rule_has_a_chinese_title() -> None:
    """What 校验结果 and the terminal show in the 规则 column: one catalogue, for every id the code emits."""
    from unionxl.contract.findings import RULE_TITLES

    documented = set(re.findall(r"^\| `([a-z-]+)` \|", (ROOT / "docs" / "findings.md").read_text(encoding="utf-8"), re.M))
    assert _emitted_rules() | documented <= set(RULE_TITLES), (_emitted_rules() | documented) - set(RULE_TITLES)
    assert set(RULE_TITLES) <= _emitted_rules(), set(RULE_TITLES) - _emitted_rules()  # no title of a rule gone
    assert all(re.fullmatch(r"[\u4e00-\u9fff（）、]+", title) for title in RULE_TITLES.values())
    assert len(set(RULE_TITLES.values())) == len(RULE_TITLES)  # two rules never read alike


def test_findings_md_names_each_rule_as_the_reports_do() -> None:
    """A treasurer looks up the name she read in 校验结果: docs/findings.md gives it beside each id."""
    from unionxl.contract.findings import RULE_TITLES

    rows = re.findall(r"^\| `([a-z-]+)` \| ([^|]+) \|", (ROOT / "docs" / "findings.md").read_text(encoding="utf-8"), re.M)
    assert dict(rows) == RULE_TITLES
