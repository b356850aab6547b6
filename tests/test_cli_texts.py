"""The command line's own texts are Chinese: every help page and every usage error.

The commands are read from the app itself, so a new command is covered the day it is
registered; the forbidden words are what typer and click print in English. Bad option
values (--month 13, --today 2026-02-30, --count -1 ...) are cases of tests/trust_corpus.py,
checked against the same list there.
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
        assert re.search(rf"^  {re.escape(name)} +{re.escape(command.help.splitlines()[0][:10])}", result.stdout, re.MULTILINE)


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
    assert "默认：）" not in result.stdout and "默认：；" not in result.stdout  # an empty default says nothing
    # the app adds “（可多次使用）”, ranges and defaults to an option's help: never said twice
    assert not re.search(r"（([^（）]+)）.*（\1）|可多次使用.*可多次使用", result.stdout), result.stdout
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
    if not required:  # demo, rules, serve: nothing to ask for; they would run (serve would start serving)
        return
    result = runner.invoke(app, [name])
    assert result.exit_code == 2
    line = result.stderr.strip()
    _assert_chinese(line)
    assert "\n" not in line and "缺少" in line


def test_a_port_out_of_range_is_a_usage_error() -> None:
    """Not a server that fails to bind with the socket library's English."""
    result = runner.invoke(app, ["serve", "--port", "70000"])
    assert result.exit_code == 2
    _assert_chinese(result.stderr)
    assert "1 到 65535" in result.stderr


def test_no_command_prints_rich_markup() -> None:
    """The consoles print with markup off (user text like "[/]" stays literal), so a style
    written as markup would show its brackets: styles go through rich Text instead."""
    markup = re.compile(r"\[/\]|\[(?:bold|green|yellow|red|dim|cyan|blue|magenta)\b")
    for path in sorted((Path(__file__).resolve().parent.parent / "unionxl" / "cli").glob("*.py")):
        found = [line for line in path.read_text(encoding="utf-8").splitlines()
                 if markup.search(line) and not line.lstrip().startswith("#") and "MARKUP" not in line]
        assert not found, (path.name, found)
