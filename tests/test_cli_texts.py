"""The command line's own texts are Chinese: every help page and every usage error.

The commands are read from the app itself, so a new command is covered the day it is
registered; the forbidden words are what typer and click print in English.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from unionxl.cli import app

runner = CliRunner()

#: what typer/click would print in English (help pages, error boxes, type names)
LIBRARY_ENGLISH = (
    "Usage", "Options", "Commands", "Arguments", "Show this message", "[required]", "required", "Error",
    "Missing", "No such", "Invalid value", "Try ", "for help", "<bool>", "<int", "<path>", "<str>", "<list",
    "<datetime", "int range", "default:", "Possible options", "Did you mean", "Got unexpected", "does not take",
    "requires an argument", "Aborted", "TEXT", "INTEGER", "PATH", "BOOLEAN", "env var", "Traceback", "1<=x",
    "Input should",
)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _commands() -> dict[str, object]:
    return dict(typer.main.get_command(app).commands)


def _assert_chinese(text: str) -> None:
    assert _CJK.search(text), text
    found = [w for w in LIBRARY_ENGLISH if w in text]
    assert not found, f"library English {found} in:\n{text}"


def test_the_app_has_the_commands_the_readme_lists() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for name in _commands():
        assert f"`unionxl {name}" in readme, name


def test_top_level_help_is_chinese_and_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    _assert_chinese(result.stdout)
    assert result.stdout.startswith("用法：unionxl 命令")
    for name, command in _commands().items():
        assert re.search(rf"^  {re.escape(name)} +{re.escape(command.help.splitlines()[0][:10])}", result.stdout, re.M)


def test_no_arguments_shows_the_chinese_help() -> None:
    result = runner.invoke(app, [])
    assert result.exit_code == 2
    _assert_chinese(result.stdout)
    assert "命令：" in result.stdout


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_command_help_is_chinese_and_names_every_option(name: str) -> None:
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0, result.output
    _assert_chinese(result.stdout)
    assert result.stdout.startswith(f"用法：unionxl {name} ")
    assert "显示本帮助并退出" in result.stdout
    command = _commands()[name]
    for param in command.params:
        if param.param_type_name == "option":
            assert param.opts[0] in result.stdout, param.opts
            assert param.help and param.help in result.stdout, param.name
    if any(p.param_type_name == "argument" for p in command.params):
        assert "参数：" in result.stdout


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_command_refuses_an_unknown_flag_in_chinese(name: str) -> None:
    result = runner.invoke(app, [name, "--no-such-flag"])
    assert result.exit_code == 2
    assert result.stdout == ""
    line = result.stderr.strip()
    assert "\n" not in line
    _assert_chinese(line)
    assert line.startswith("命令行有误：") and "--no-such-flag" in line and f"unionxl {name} --help" in line


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_required_argument_is_asked_for_in_chinese(name: str) -> None:
    required = [p for p in _commands()[name].params if p.required]
    result = runner.invoke(app, [name])
    if not required:  # demo, rules: nothing to ask for; they run
        return
    assert result.exit_code == 2
    line = result.stderr.strip()
    _assert_chinese(line)
    assert "\n" not in line and "缺少" in line


def _usage(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    line = result.stderr.strip()
    assert "\n" not in line, line
    _assert_chinese(line)
    return line


@pytest.mark.parametrize(("args", "expected"), [
    (["todo", "{book}", "--month", "13"], ("选项 --month 的值“13”无效", "1 到 12 之间的整数")),
    (["todo", "{book}", "--month=0"], ("选项 --month 的值“0”无效", "1 到 12 之间的整数")),
    (["todo", "{book}", "--today", "2026-02-30"], ("选项 --today 的值“2026-02-30”无效", "真实存在的日期")),
    (["todo", "{book}", "--today", "三月八日"], ("选项 --today 的值“三月八日”无效",)),
    (["generate-schools", "{folder}", "--count", "-1"], ("选项 --count 的值“-1”无效", "1 到 10000 之间的整数")),
    (["generate-schools", "{folder}", "--count", "abc"], ("选项 --count 的值“abc”无效", "整数")),
    (["generate-schools", "{folder}", "--mistakes-every", "-3"], ("--mistakes-every", "不小于 0 的整数")),
    (["new", "{folder}/x.xlsx", "--year", "1800"], ("选项 --year 的值“1800”无效", "2000 到 2100 之间的整数")),
    (["new", "{folder}/x.xlsx", "--year", "99999"], ("“99999”", "2000 到 2100")),
    (["rules", "--year", "-5"], ("选项 --year 的值“-5”无效", "2000 到 2100")),
    (["validate", "{book}", "--bogus"], ("没有选项 --bogus",)),
    (["validate", "{book}", "--repor", "x.xlsx"], ("没有选项 --repor", "--report")),
    (["validate", "{book}", "--report"], ("选项 --report 后面缺少值",)),
    (["validate", "{book}", "--json=1"], ("选项 --json 是开关，后面不带值",)),
    (["validate"], ("缺少主工作簿",)),
    (["validate", "{book}", "{book}"], ("多余的参数",)),
    (["rollover", "{book}"], ("缺少必填的选项 --out",)),
    (["valdate", "{book}"], ("没有命令“valdate”", "validate")),
    (["frobnicate"], ("没有命令“frobnicate”", "可用的命令")),
    (["check-budget", "{book}", "--rules"], ("选项 --rules 后面缺少值",)),
])
def test_usage_errors_are_one_chinese_line_exit_two(args: list[str], expected: tuple[str, ...], tmp_path: Path) -> None:
    book = tmp_path / "主工作簿.xlsx"
    book.write_bytes(b"never read")
    args = [a.format(book=book, folder=tmp_path) for a in args]
    line = _usage(args)
    assert line.startswith("命令行有误："), line
    for text in expected:
        assert text in line, (text, line)
    assert "查看用法" in line
    assert book.read_bytes() == b"never read"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["主工作簿.xlsx"]  # nothing written


def test_markup_in_a_usage_error_prints_literally() -> None:
    line = _usage(["validate", "x.xlsx", "--[bold]x[/]"])
    assert "--[bold]x[/]" in line
