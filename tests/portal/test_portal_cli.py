"""The portal's commands: accounts add/list/disable/enable/reset/demo, and the lazy import that
keeps ``unionxl --help`` free of the web libraries."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from unionxl.cli import app
from unionxl.portal import accounts
from unionxl.portal.accounts import AccountError
from unionxl.portal.config import PortalConfig
from unionxl.portal.db import Database

runner = CliRunner()


def run(*args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), input=stdin)


def test_help_does_not_import_the_web_stack():
    code = ("import sys; from unionxl.cli import app; from typer.testing import CliRunner; "
            "r = CliRunner().invoke(app, ['--help']); assert r.exit_code == 0, r.output; "
            "assert 'serve' in r.output and 'accounts' in r.output; "
            "print(sorted(m for m in ('fastapi', 'starlette', 'uvicorn', 'sqlalchemy', 'argon2', 'jinja2') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_accounts_commands(tmp_path):
    data = str(tmp_path / "portal")
    made = run("accounts", "add", "--data", data, "--role", "school", "--login", "yx01", "--name", "育新小学工会委员会",
               "--password-stdin", stdin="correct-horse\n")
    assert made.exit_code == 0 and "已建立学校账号：yx01（育新小学工会委员会）" in made.output
    run("accounts", "add", "--data", data, "--role", "bureau", "--login", "jyj", "--name", "某区教育工会",
        "--password-stdin", stdin="bureau-secret\n")
    db = Database(PortalConfig(data=tmp_path / "portal").db_url)
    assert accounts.authenticate(db, "yx01", "correct-horse", "127.0.0.1").name == "育新小学工会委员会"

    listed = run("accounts", "list", "--data", data)
    assert listed.exit_code == 0
    lines = [line for line in listed.output.splitlines() if "yx01" in line or "jyj" in line]
    assert "教育工会" in lines[0] and "正常" in lines[0] and "学校" in lines[1]

    assert run("accounts", "disable", "--data", data, "--login", "yx01").exit_code == 0
    assert "已停用" in run("accounts", "list", "--data", data).output
    try:
        accounts.authenticate(db, "yx01", "correct-horse", "127.0.0.1")
    except AccountError as exc:
        assert exc.reason == "该账号已停用，请联系教育工会"
    else:
        raise AssertionError("a disabled account signed in")
    assert run("accounts", "enable", "--data", data, "--login", "yx01").exit_code == 0

    reset = run("accounts", "reset", "--data", data, "--login", "yx01", "--password-stdin", stdin="new-password-1\n")
    assert reset.exit_code == 0 and "已重置账号 yx01 的密码" in reset.output
    assert accounts.authenticate(db, "yx01", "new-password-1", "127.0.0.1").login == "yx01"


def test_accounts_refusals_are_chinese(tmp_path):
    data = str(tmp_path / "portal")
    cases = [
        (("--role", "school", "--login", "a1", "--name", "某校"), "short\n", "密码至少 8 个字符"),
        (("--role", "teacher", "--login", "a1", "--name", "某校"), "long-enough\n", "角色只能是 bureau、school"),
        (("--role", "school", "--login", "张三", "--name", "某校"), "long-enough\n", "登录名只能由字母、数字"),
        (("--role", "school", "--login", "a1", "--name", " "), "long-enough\n", "请填写名称"),
    ]
    for options, password, reason in cases:
        result = run("accounts", "add", "--data", data, *options, "--password-stdin", stdin=password)
        assert result.exit_code == 2 and reason in result.output, result.output
    run("accounts", "add", "--data", data, "--role", "school", "--login", "a1", "--name", "某校",
        "--password-stdin", stdin="long-enough\n")
    again = run("accounts", "add", "--data", data, "--role", "school", "--login", "a1", "--name", "某校",
                "--password-stdin", stdin="long-enough\n")
    assert again.exit_code == 2 and "登录名“a1”已存在" in again.output
    missing = run("accounts", "disable", "--data", data, "--login", "nobody")
    assert missing.exit_code == 2 and "没有登录名为“nobody”的账号" in missing.output


def test_accounts_demo_makes_a_bureau_and_schools_with_their_workbooks(tmp_path):
    data = tmp_path / "portal"
    result = run("accounts", "demo", "--data", str(data))
    assert result.exit_code == 0, result.output
    assert "演示区教育工会：登录名 bureau，密码 demo-bureau" in result.output
    assert "演示市实验小学工会委员会：登录名 school01，密码 demo-school" in result.output
    db = Database(PortalConfig(data=data).db_url)
    names = {a.login: a.name for a, _ in accounts.listing(db)}
    assert names == {"bureau": "演示区教育工会", "school01": "演示市实验小学工会委员会",
                     "school02": "演示区中心小学（001）工会委员会", "school03": "演示区第一中学（002）工会委员会"}
    books = sorted(p.name for p in (data / "演示工作簿").glob("*.xlsx"))
    assert books == ["demo-master.xlsx", "school-001.xlsx", "school-002.xlsx"]
    assert run("accounts", "demo", "--data", str(data)).exit_code == 0  # a second run changes nothing
    assert len(accounts.listing(db)) == 4
