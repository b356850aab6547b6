"""The submission portal's commands: serve, and accounts add/list/disable/enable/reset/demo.

The portal's libraries (FastAPI, SQLAlchemy, argon2…) are the ``[portal]`` extra and are
imported inside the commands only, so ``unionxl --help`` and every other command start
without them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table as RichTable

from unionxl.cli.app import EXIT_OK, _App, _Group, _guarded, app, err, out
from unionxl.contract.errors import UnusableWorkbook

accounts_app = _App(name="accounts", cls=_Group, help="管理提交平台的账号（教育工会、学校）", no_args_is_help=True)
app.add_typer(accounts_app, name="accounts")

DataOption = Annotated[Path, typer.Option("--data", help="平台数据目录（存放提交的文件、报告和默认的 SQLite 数据库）")]
DbOption = Annotated[str | None, typer.Option("--db", help="数据库地址，默认是数据目录中的 SQLite；多进程部署用 postgresql://…")]
LoginOption = Annotated[str, typer.Option("--login", help="登录名")]
StdinOption = Annotated[bool, typer.Option("--password-stdin", help="从标准输入读取密码（一行）")]

#: the demo's bureau account; its schools are named after the demo workbooks they get
DEMO_BUREAU = ("bureau", "演示区教育工会", "demo-bureau")
DEMO_SCHOOL_PASSWORD = "demo-school"
DEMO_SCHOOLS = 3


def _portal_import():
    try:
        import argon2  # noqa: F401
        import sqlalchemy  # noqa: F401
    except ImportError as exc:
        raise UnusableWorkbook(f"提交平台需要附加组件，请先安装：pip install \"unionxl[portal]\"（缺少 {exc.name}）") from exc
    from unionxl.portal import accounts
    from unionxl.portal.config import PortalConfig
    from unionxl.portal.db import Database

    return accounts, PortalConfig, Database


def _database(data: Path, db: str | None):
    accounts, config_cls, database = _portal_import()
    config = config_cls(data=data, db=db or "")
    data.mkdir(parents=True, exist_ok=True)
    return accounts, database(config.db_url)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码")


def _account_errors(run):
    from unionxl.portal.accounts import AccountError

    try:
        return run()
    except AccountError as exc:
        raise UnusableWorkbook(exc.reason) from exc


@accounts_app.command("add")
@_guarded
def accounts_add(
    role: Annotated[str, typer.Option("--role", help="bureau（教育工会）或 school（学校）")],
    login: LoginOption,
    name: Annotated[str, typer.Option("--name", help="名称，如 某某小学工会委员会")],
    data: DataOption = Path("unionxl-portal"),
    db: DbOption = None,
    password_stdin: StdinOption = False,
) -> int:
    """新建账号。"""
    accounts, database = _database(data, db)
    password = _password(password_stdin)
    made = _account_errors(lambda: accounts.add(database, role, login, name, password))
    out.print(f"已建立{made.role_name}账号：{made.login}（{made.name}）")
    return EXIT_OK


@accounts_app.command("list")
@_guarded
def accounts_list(data: DataOption = Path("unionxl-portal"), db: DbOption = None) -> int:
    """列出全部账号。"""
    accounts, database = _database(data, db)
    table = RichTable(header_style="bold")
    for header in ("登录名", "名称", "角色", "状态", "提交次数", "建立时间"):
        table.add_column(header, overflow="fold")
    from unionxl.portal.service import local_time

    for account, count in accounts.listing(database):
        table.add_row(account.login, account.name, account.role_name, "已停用" if account.disabled else "正常",
                      str(count), local_time(account.created_at))
    out.print(table)
    return EXIT_OK


@accounts_app.command("disable")
@_guarded
def accounts_disable(login: LoginOption, data: DataOption = Path("unionxl-portal"), db: DbOption = None) -> int:
    """停用账号（已登录的会话立即失效，提交记录保留）。"""
    return _set_disabled(data, db, login, True)


@accounts_app.command("enable")
@_guarded
def accounts_enable(login: LoginOption, data: DataOption = Path("unionxl-portal"), db: DbOption = None) -> int:
    """重新启用已停用的账号。"""
    return _set_disabled(data, db, login, False)


def _set_disabled(data: Path, db: str | None, login: str, disabled: bool) -> int:
    accounts, database = _database(data, db)
    _account_errors(lambda: accounts.set_disabled(database, login, disabled))
    out.print(f"已{'停用' if disabled else '启用'}账号：{login}")
    return EXIT_OK


@accounts_app.command("reset")
@_guarded
def accounts_reset(login: LoginOption, data: DataOption = Path("unionxl-portal"), db: DbOption = None,
                   password_stdin: StdinOption = False) -> int:
    """重置密码（已登录的会话立即失效，解除登录失败锁定）。"""
    accounts, database = _database(data, db)
    password = _password(password_stdin)
    _account_errors(lambda: accounts.reset(database, login, password))
    out.print(f"已重置账号 {login} 的密码")
    return EXIT_OK


@accounts_app.command("demo")
@_guarded
def accounts_demo(data: DataOption = Path("unionxl-portal"), db: DbOption = None) -> int:
    """建立演示账号（一个教育工会、三所学校）并生成演示工作簿，供试用。"""
    _demo(data, db)
    return EXIT_OK


def _demo(data: Path, db: str | None) -> None:
    accounts, database = _database(data, db)
    from unionxl.portal import engine

    books = engine.write_demo_workbooks(data / "演示工作簿", DEMO_SCHOOLS - 1)
    wanted = [("bureau", *DEMO_BUREAU)] + [("school", f"school{i:02d}", name, DEMO_SCHOOL_PASSWORD)
                                          for i, (_, name) in enumerate(books, 1)]
    existing = {a.login for a, _ in accounts.listing(database)}
    out.print("演示账号（仅供试用，正式使用前请停用）：")
    for role, login, name, password in wanted:
        if login not in existing:
            _account_errors(lambda r=role, lg=login, n=name, pw=password: accounts.add(database, r, lg, n, pw))
        out.print(f"  {name}：登录名 {login}，密码 {password}")
    out.print("演示工作簿（学校账号依次对应）：")
    for path, name in books:
        out.print(f"  {path}  {name}")


@app.command()
@_guarded
def serve(
    data: DataOption = Path("unionxl-portal"),
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="监听地址（部署在反向代理后面时保持 127.0.0.1）")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="端口")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, help="应用进程数")] = 1,
    max_upload_mb: Annotated[int, typer.Option("--max-upload-mb", min=1, help="单个文件的大小上限（MB）")] = 20,
    jobs: Annotated[int, typer.Option("--jobs", min=0, help="每个应用进程同时校验的文件数（默认等于 CPU 核数）")] = 0,
    worker_seconds: Annotated[float, typer.Option("--worker-seconds", help="校验一个文件的时间上限（秒）")] = 240.0,
    worker_memory_mb: Annotated[int, typer.Option("--worker-memory-mb", help="校验一个文件的内存上限（MB）")] = 3072,
    https: Annotated[bool, typer.Option("--https", help="经 HTTPS 反向代理访问时加上：Cookie 只经 HTTPS 发送")] = False,
    forwarded_allow_ips: Annotated[str, typer.Option("--forwarded-allow-ips",
                                                     help="信任其 X-Forwarded-For 的反向代理地址")] = "127.0.0.1",
    demo: Annotated[bool, typer.Option("--demo", help="先建立演示账号和演示工作簿")] = False,
) -> int:
    """启动提交平台（网页和 JSON 接口）。"""
    _portal_import()
    try:
        import uvicorn
    except ImportError as exc:
        raise UnusableWorkbook("提交平台需要附加组件，请先安装：pip install \"unionxl[portal]\"") from exc
    import os

    from unionxl.portal.config import PortalConfig

    if demo:
        _demo(data, db)
    config = PortalConfig(data=data.resolve(), db=db or "", max_upload_mb=max_upload_mb, https=https,
                          worker_seconds=worker_seconds, worker_memory_mb=worker_memory_mb,
                          **({"jobs": jobs} if jobs else {}))
    os.environ.update(config.to_env())
    from unionxl.portal.db import Database

    config.data.mkdir(parents=True, exist_ok=True)  # the default SQLite database lives in it
    Database(config.db_url).dispose()  # the schema exists before the workers race to make it
    err.print(f"提交平台已启动：http://{host}:{port}/ （数据目录 {config.data}；按 Ctrl+C 停止）")
    uvicorn.run("unionxl.portal.app:create_app_from_env", factory=True, host=host, port=port, workers=workers,
                proxy_headers=True, forwarded_allow_ips=forwarded_allow_ips, log_level="info")
    return EXIT_OK
