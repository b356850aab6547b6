"""Shared plumbing of the command line: the typer app, the consoles, the guard that turns
every failure into exit 2 with one Chinese line, the claim on a command's outputs, the book
loaders the commands share, and the command line's own texts in Chinese.

typer and click print their help and usage errors in English ("Usage:", "Options",
"No such option" ...). This module replaces both in one place: every command is built
with :class:`_Command` (through :class:`_App`), whose help page is written here from the
command's own parameters and type hints, and :class:`_Group` catches click's usage errors
and says them in one Chinese line (exit 2). Nothing here depends on how a typer release
renders things; only on click's parameter objects, its exception classes and the
commands' annotations.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import functools
import json
import os
import re
import sys
import types
import typing
import warnings
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
import typer.core
import typer.models
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from unionxl.contract.errors import UnusableWorkbook, WriteRefused
from unionxl.files import ownership
from unionxl.files.ownership import shown
from unionxl.files.safeio import lock_file

if TYPE_CHECKING:  # the reader, the core and the report renderers pull in pandas: --help and `new` must not pay for it
    from unionxl.core.validate import ValidationResult
    from unionxl.reading.book import Book
    from unionxl.reading.load import Need
    from unionxl.reports.model import Document

#: click's own exception classes, found through the one typer re-exports (click or typer's copy of it)
_CLICK_ERRORS = sys.modules[typer.BadParameter.__module__]
_UsageError: type[Exception] = _CLICK_ERRORS.UsageError

#: a reason or message longer than this is shortened in the middle (one line stays one line)
_LINE = 400


class _Command(typer.core.TyperCommand):
    """A command whose help page is Chinese."""

    def format_help(self, ctx, formatter) -> None:
        formatter.write(_command_help(self, ctx))


class _Group(typer.core.TyperGroup):
    """The app: a Chinese help page, and click's usage errors as one Chinese line, exit 2."""

    def format_help(self, ctx, formatter) -> None:
        formatter.write(_group_help(self, ctx))

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,  # type: ignore[override]
             standalone_mode: bool = True, **extra: object) -> object:
        argv = list(sys.argv[1:] if args is None else args)
        try:
            code = super().main(args=argv, prog_name=prog_name or "unionxl", standalone_mode=False, **extra)
        except _UsageError as exc:
            code = _show_usage_error(exc, argv, self)
        except typer.Abort:
            err.print("已取消。")
            code = EXIT_ERRORS
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else EXIT_OK)


class _App(typer.Typer):
    """``app.command()`` builds :class:`_Command`s, so every command gets the Chinese help."""

    def command(self, name: str | None = None, *, cls: type[typer.core.TyperCommand] | None = None,
                **kwargs: object):
        return super().command(name, cls=cls or _Command, **kwargs)


app = _App(name="unionxl", cls=_Group, help="unionxl：基层工会财务工作簿的校验、汇总与经费审核工具",
           add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False)
#: a pipe or file gets wide tables instead of rich's 80-column default
_WIDTH = int(os.environ.get("COLUMNS", "0") or 0) or (None if sys.stdout.isatty() else 160)
#: markup off: user text ("[bold]x[/]" in a union name, a file name) always prints literally
out = Console(highlight=False, width=_WIDTH, markup=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE = 0, 1, 2

#: ``force: Force = False`` gives a writing command its --force
Force = Annotated[bool, typer.Option("--force", help="输出文件已存在且不是 unionxl 生成的（或已被修改）时仍然覆盖；"
                                                      "输入文件在任何情况下都不会被覆盖")]

#: the claims of the running command (see :func:`_claim`), closed when it ends
_CLAIMS: ContextVar[contextlib.ExitStack | None] = ContextVar("unionxl_cli_claims", default=None)


def _guarded(command: Callable[..., int | None]) -> Callable[..., None]:
    """Turn every failure into exit 2 with one Chinese line (UNIONXL_DEBUG=1 re-raises)."""

    @functools.wraps(command)
    def wrapper(*args: object, **kwargs: object) -> None:
        claims = contextlib.ExitStack()
        token = _CLAIMS.set(claims)
        try:
            with claims, warnings.catch_warnings():
                if os.environ.get("UNIONXL_DEBUG") != "1":  # a library's English warning is not for the treasurer
                    warnings.simplefilter("ignore")
                code = command(*args, **kwargs) or EXIT_OK
        except UnusableWorkbook as exc:
            title = "未写入：" if isinstance(exc, WriteRefused) else "无法使用："
            err.print(Text.assemble((title, "bold red"), _one_line(exc.reason)))
            code = EXIT_UNUSABLE
        except (typer.Exit, typer.Abort):
            raise
        except MemoryError:  # the reader lets it through: it is not a damaged file
            err.print(Text.assemble(("无法使用：", "bold red"), "内存不足，处理不了这个工作簿；请关闭其他程序后再试，"
                                    "或检查工作簿中是否有大量多余的行"))
            code = EXIT_UNUSABLE
        except Exception as exc:  # the user must never see a traceback
            if os.environ.get("UNIONXL_DEBUG") == "1":
                raise
            packs = [p for p in kwargs.get("rules") or [] if isinstance(p, Path)]
            if packs:  # a pack of the right shape but wrong types fails later, in a checker or a table
                err.print(Text.assemble(("无法使用：", "bold red"), _one_line(
                    f"规则包 {'、'.join(p.name for p in packs)} 中有写法或类型不对的值（例如该填数字或列表的地方填了文字），"
                    "请对照 docs/fund-rules.md 检查每一项；如果规则包没有问题，请把此信息报告给维护者")))
            else:
                err.print(Text.assemble(("unionxl 内部错误：", "bold red"),
                                        _one_line(f"{type(exc).__name__}: {exc}"), "（请把此信息报告给维护者）"))
            code = EXIT_UNUSABLE
        finally:
            _CLAIMS.reset(token)
        raise typer.Exit(code)

    return wrapper


def _one_line(text: str) -> str:
    return shown(" ".join(str(text).split()), _LINE)


def _short(text: object, limit: int = 200) -> str:
    """User text for the terminal: a 100,000-character name is shown by its two ends."""
    return shown(str(text), limit)


#: what a command's warning about a book with validation errors ends with
SEE_VALIDATE = "请运行 unionxl validate 查看全部并改正。"


def _warn_errors(checked, consequence: str, subject: str = "工作簿", tail: str = SEE_VALIDATE,
                 console: Console | None = None) -> None:
    """The yellow line a command prints when the book it used has validation errors: how many,
    what that means for its output (*consequence*), the first ones, then *tail*."""
    if checked.errors:
        (console or out).print(_short(f"注意：{subject}有 {len(checked.errors)} 个错误，{consequence}："
                                      f"{checked.digest()}。{tail}", 600), style="yellow")


def _claim(targets: Iterable[Path | None], inputs: Iterable[Path] = (), force: bool = False,
           suffixes: Sequence[str] = (".xlsx",)) -> None:
    """Decide the running command's outputs before anything is written (see files/ownership.py).

    Refuses, with one Chinese line, an output that is an input (whatever path leads to
    it), a folder, or an existing file unionxl did not write or that was edited since,
    unless *force*; the decision holds until the command ends.
    """
    claims = _CLAIMS.get()
    if claims is None:
        raise RuntimeError("_claim outside a guarded command")
    claims.enter_context(ownership.claim([t for t in targets if t is not None], inputs, force, suffixes=suffixes))


def rule_pack_reason(exc: Exception) -> str:
    """A rule pack's error in Chinese: the loader's own message, with the file system's or
    the TOML parser's English cause replaced by what it means."""
    cause = exc.__cause__
    name = getattr(cause, "filename", None)
    where = Path(name).name if name else ""
    message = str(exc)
    if isinstance(cause, FileNotFoundError):
        return f"找不到规则包“{where}”"
    if isinstance(cause, IsADirectoryError):
        return f"“{where}”是一个文件夹，不是规则包（.toml 文件）"
    if isinstance(cause, PermissionError):
        return f"没有权限读取规则包“{where}”"
    head = message.split("：", 1)[0]
    if isinstance(cause, OSError):
        return f"{head}：读取文件时出错（系统错误代码 {cause.errno}）"
    if isinstance(cause, UnicodeDecodeError):
        return f"{head}：文件不是 UTF-8 编码的文本，请用记事本等编辑器另存为 UTF-8 后再试"
    if type(cause).__name__ == "TOMLDecodeError":
        line = getattr(cause, "lineno", None)
        found = re.search(r"line (\d+), column (\d+)", str(cause))
        if line is None and found:
            line = int(found.group(1))
        at = f"第 {line} 行附近" if line else "文件末尾"
        return f"{head}：不是有效的 TOML，{at}写法有误（如缺少引号、括号或等号）"
    return message


def _read(book: Path) -> Book:
    """The book read from *book*, refused when the file changed while it was being read."""
    from unionxl.reading.reader import load_book

    if book.is_dir():
        raise UnusableWorkbook(f"“{shown(book)}”是一个文件夹，请指定主工作簿文件（.xlsx）")
    before = _identity(book)
    try:
        loaded = load_book(book)
    except Exception as exc:
        if _identity(book) != before:
            raise UnusableWorkbook(_changed(book)) from exc
        raise
    if _identity(book) != before:
        raise UnusableWorkbook(_changed(book))
    return loaded


def _identity(path: Path) -> tuple[int, ...] | None:
    try:
        s = os.stat(path)
    except OSError:
        return None
    return (s.st_dev, s.st_ino, s.st_size, s.st_mtime_ns)


def _changed(book: Path) -> str:
    return (f"“{shown(book)}”在读取过程中被修改或替换了（可能正被 Excel/WPS 或同步软件保存），"
            "请等文件保存完毕后再运行一次")


def _warn_if_open(book: Path) -> None:
    if lock_file(book).exists():
        err.print(Text.assemble(("注意：", "yellow"),
                                f"“{book.name}”正在 Excel/WPS 中打开，读取的是最后一次保存的内容；未保存的修改不会被校验。"))


def _load(book: Path, need: Need) -> Book:
    """The typed book read from *book*, or the load policy's refusal for *need* (reading/load.py)."""
    from unionxl.reading.load import require

    return require(_read(book), need)


def _finish(result: ValidationResult, as_json: bool, report: Document) -> int:
    """Print a validation (its JSON, or the 校验结果 *report*) and choose the exit code."""
    from unionxl.reports.terminal import print_document

    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    else:
        print_document(out, report)
    if not result.usable:
        err.print(Text.assemble(("无法使用：", "bold red"), _one_line(result.unusable_reason())))
        return EXIT_UNUSABLE
    return EXIT_ERRORS if result.errors else EXIT_OK


# --- the command line's own texts, in Chinese ---------------------------------------------

#: how a value of each Python type is named on the help page and in errors
_TYPE_NAMES: dict[type, str] = {int: "整数", float: "数字", str: "文字", Path: "路径",
                                 dt.datetime: "日期"}
_HELP_OPTION = "显示本帮助并退出"


def _annotation(command, param) -> tuple[type, typer.models.ParameterInfo | None]:
    """The Python type and typer info of *param*, read from the command's own type hints."""
    try:
        hints = typing.get_type_hints(command.callback, include_extras=True)
    except Exception:  # noqa: BLE001  (a callback without resolvable hints: described from click alone)
        hints = {}
    hint = hints.get(param.name, str)
    info = None
    if typing.get_origin(hint) is Annotated:
        hint, *extra = typing.get_args(hint)
        info = next((e for e in extra if isinstance(e, typer.models.ParameterInfo)), None)
    while typing.get_origin(hint) in (typing.Union, types.UnionType, list):
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
    return (hint if isinstance(hint, type) else str), info


def _expected(command, param) -> str:
    """What a value of *param* must be: "1 到 12 之间的整数", "路径" ..."""
    kind, info = _annotation(command, param)
    if kind is dt.datetime:
        return "真实存在的日期，写成 2026-03-08 的格式"
    name = _TYPE_NAMES.get(kind, "文字")
    low, high = getattr(info, "min", None), getattr(info, "max", None)
    if low is not None and high is not None:
        return f"{low} 到 {high} 之间的{name}"
    if low is not None:
        return f"不小于 {low} 的{name}"
    if high is not None:
        return f"不大于 {high} 的{name}"
    return name


def _spaced(text: str) -> str:
    return f" {text}" if text[:1].isdigit() else text


def _is_flag(param) -> bool:
    return bool(getattr(param, "is_flag", False)) or param.name == "help"


def _is_help(param, ctx) -> bool:
    return any(opt in ctx.help_option_names for opt in param.opts)


def _argument_name(param) -> str:
    """An argument's name on the help page: its help text up to the first bracket or comma."""
    text = re.split(r"[（(，,；;]", getattr(param, "help", None) or "", maxsplit=1)[0].strip()
    return text or "参数"


def _describe(command, param, ctx) -> tuple[str, str]:
    """The two columns of *param*'s line on the help page."""
    if param.param_type_name == "argument":
        help_text = getattr(param, "help", None) or ""
        many = "（可多个）" if (param.nargs != 1 or param.multiple) and "多个" not in help_text else ""
        return _argument_name(param), help_text + many + ("（必填）" if param.required else "")
    if _is_help(param, ctx):
        return " / ".join(param.opts), _HELP_OPTION
    left = " / ".join([*param.opts, *param.secondary_opts])
    extra = []
    if not _is_flag(param):
        kind, info = _annotation(command, param)
        left += f" {_TYPE_NAMES.get(kind, '文字')}"
        if getattr(info, "min", None) is not None or getattr(info, "max", None) is not None:
            extra.append(_expected(command, param))
        default = param.default
        if default not in (None, False, "", (), []) and not callable(default):
            extra.append(f"默认：{default}")
    if param.multiple:
        extra.append("可多次使用")
    if param.required:
        extra.append("必填")
    help_text = getattr(param, "help", None) or ""
    return left, help_text + (f"（{'；'.join(extra)}）" if extra else "")


def _rows(rows: list[tuple[str, str]]) -> list[str]:
    width = max((cell_len(left) for left, _ in rows), default=0) + 2
    return [f"  {left}{' ' * (width - cell_len(left))}{right}".rstrip() for left, right in rows]


def _command_help(command, ctx) -> str:
    params = [p for p in command.get_params(ctx) if not getattr(p, "hidden", False)]
    arguments = [p for p in params if p.param_type_name == "argument"]
    options = [p for p in params if p.param_type_name != "argument"]
    usage = " ".join([ctx.command_path, *(_argument_name(a) + ("…" if a.nargs != 1 else "") for a in arguments),
                      "[选项]"])
    lines = [f"用法：{usage}", ""]
    if command.help:
        lines += [command.help.strip(), ""]
    if arguments:
        lines += ["参数：", *_rows([_describe(command, a, ctx) for a in arguments]), ""]
    lines += ["选项：", *_rows([_describe(command, o, ctx) for o in options])]
    return "\n".join(lines) + "\n"


def _group_help(group, ctx) -> str:
    names = group.list_commands(ctx)
    commands = [(n, (group.get_command(ctx, n).help or "").strip().splitlines()[0]) for n in names]
    help_options = [p for p in group.get_params(ctx) if _is_help(p, ctx)]
    lines = [f"用法：{ctx.command_path} 命令 [参数和选项]", ""]
    if group.help:
        lines += [group.help.strip(), ""]
    lines += ["命令：", *_rows(commands), ""]
    lines += ["选项：", *_rows([(" / ".join(p.opts), _HELP_OPTION) for p in help_options]), ""]
    lines.append(f"运行“{ctx.command_path} 命令 --help”查看某个命令的用法。")
    return "\n".join(lines) + "\n"


def _option_value(param, argv: list[str]) -> str | None:
    """The value the user typed for *param* (its last occurrence), to quote it back."""
    found = None
    for i, token in enumerate(argv):
        for opt in param.opts:
            if token == opt and i + 1 < len(argv):
                found = argv[i + 1]
            elif token.startswith(opt + "="):
                found = token[len(opt) + 1:]
    return found


def _find_option(command, ctx, name: str):
    params = command.get_params(ctx) if command is not None and ctx is not None else []
    return next((p for p in params if name in p.opts or name in p.secondary_opts), None)


def _context(exc: Exception, argv: list[str], group):
    """The error's context; click leaves some errors without one, then the command *argv* names."""
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        return ctx
    with contextlib.suppress(Exception):
        ctx = group.make_context("unionxl", [], resilient_parsing=True)
        name = next((a for a in argv if a in group.list_commands(ctx)), None)
        if name is not None:
            ctx = group.get_command(ctx, name).make_context(name, [], parent=ctx, resilient_parsing=True)
    return ctx


def _usage_detail(exc: Exception, argv: list[str], ctx) -> str:
    """click's usage error *exc*, said in Chinese (never its English message)."""
    command = getattr(ctx, "command", None)
    param = getattr(exc, "param", None)
    if isinstance(exc, _CLICK_ERRORS.NoSuchOption):
        option = _one_line(exc.option_name)
        close = sorted(getattr(exc, "possibilities", None) or [])
        return f"没有选项 {option}" + (f"（是不是 {'、'.join(close)}？）" if close else "")
    if isinstance(exc, _CLICK_ERRORS.BadOptionUsage):
        option = _find_option(command, ctx, exc.option_name)
        if option is not None and _is_flag(option):
            return f"选项 {exc.option_name} 是开关，后面不带值"
        return f"选项 {exc.option_name} 后面缺少值"
    if isinstance(exc, _CLICK_ERRORS.MissingParameter) and param is not None:
        if param.param_type_name == "argument":
            return f"缺少{_argument_name(param)}（{getattr(param, 'help', '') or '必填参数'}）"
        return f"缺少必填的选项 {' / '.join(param.opts)}（{getattr(param, 'help', '') or ''}）"
    if isinstance(exc, _CLICK_ERRORS.BadParameter) and param is not None and command is not None:
        expected = _expected(command, param)
        if param.param_type_name == "argument":
            return f"{_argument_name(param)}的值无效，应为{_spaced(expected)}"
        value = _option_value(param, argv)
        quoted = f"“{_one_line(value)}”" if value is not None else ""
        return f"选项 {' / '.join(param.opts)} 的值{quoted}无效，应为{_spaced(expected)}"
    message = str(getattr(exc, "message", "") or "")
    if command is not None and hasattr(command, "list_commands"):
        names = command.list_commands(ctx)
        unknown = re.search(r"'([^']*)'", message)
        if message.startswith("No such command") and unknown:
            close = difflib.get_close_matches(unknown.group(1), names, n=3)
            hint = f"（是不是 {'、'.join(close)}？）" if close else f"，可用的命令：{'、'.join(names)}"
            return f"没有命令“{_one_line(unknown.group(1))}”{hint}"
        if message.startswith("Missing command"):
            return f"缺少命令，可用的命令：{'、'.join(names)}"
    extra = re.search(r"unexpected extra argument(?:\(s\)|s)? \((.*)\)", message)
    if extra:
        return f"多余的参数：{_one_line(extra.group(1))}"
    return "命令行的写法不对"


def _show_usage_error(exc: Exception, argv: list[str], group) -> int:
    ctx = _context(exc, argv, group)
    if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
        out.print(ctx.get_help(), soft_wrap=True)
        return EXIT_UNUSABLE
    path = getattr(ctx, "command_path", None) or "unionxl"
    err.print(Text.assemble(("命令行有误：", "bold red"), _usage_detail(exc, argv, ctx),
                            f"。运行“{path} --help”查看用法。"))
    return EXIT_UNUSABLE
