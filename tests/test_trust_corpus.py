"""Every case of the trust corpus: its outcome, no byte of an existing file changed, and
nothing left behind but the outputs the case allows (no temp file, no partial file)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.test_cli_texts import LIBRARY_ENGLISH
from tests.trust_corpus import CASES, TrustCase
from unionxl.cli import app

runner = CliRunner()
_CJK = re.compile(r"[\u4e00-\u9fff]")


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every path under *folder* (hidden ones too, links not followed): file bytes, or None for a folder."""
    out: dict[str, bytes | None] = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        out[key] = None if path.is_dir() and not path.is_symlink() else (
            path.read_bytes() if path.is_file() and not path.is_symlink() else b"->" + str(path.readlink()).encode())
    return out


def test_the_corpus_names_are_unique_and_cover_every_class() -> None:
    names = [c.name for c in CASES]
    assert len(names) == len(set(names))
    for prefix in ("disk-full-", "read-only-", "pack-", "option-", "changed-while-read-", "markup-", "long-name-",
                   "output-is-folder", "year-"):
        assert any(n.startswith(prefix) for n in names), prefix


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_trust_case(case: TrustCase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args = case.build(tmp_path)
    before = snapshot(tmp_path)
    if case.fault is not None:
        case.fault(monkeypatch, tmp_path)
    result = runner.invoke(app, args)
    monkeypatch.undo()
    assert "Traceback" not in result.output and "内部错误" not in result.stderr, result.stderr
    assert result.exit_code in case.exit_codes, (result.exit_code, result.stdout[-800:], result.stderr)
    after = snapshot(tmp_path)
    for key, data in before.items():  # nothing that existed changed, not one byte
        if key not in case.changed_by_others:
            assert after.get(key, b"<gone>") == data, key
    added = {Path(k).name for k in after} - {Path(k).name for k in before}
    assert added <= set(case.writes), added  # no temp file, no partial output, no stray folder
    for name in case.writes:
        assert any(Path(k).name == name for k in after), name
    if result.exit_code == 2:
        line = result.stderr.strip()
        assert "\n" not in line, line
        assert _CJK.search(line) and len(line) < 600, line
        assert not [w for w in LIBRARY_ENGLISH if w in line], line
        text = line
    else:
        assert result.stderr.strip() == "" or "注意" in result.stderr, result.stderr  # no library warning
        text = result.stdout
        assert max(map(len, text.splitlines()), default=0) < 2_000  # a 100,000-character name is shortened
    for words in case.says:
        assert words in text, (words, text[-1500:])
