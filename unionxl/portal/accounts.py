"""Accounts: argon2 password hashes, the account commands, and rate-limited sign-in.

Used by the command line (``unionxl accounts …``) and by both of the web's doors (the
login form and HTTP Basic on the API), so a password is checked, and a failure counted,
the same way everywhere. Failures are rows in the database, so the limit holds across
every app process.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select

from unionxl.portal.db import ROLES, Account, Database, LoginAttempt, now

_hasher = PasswordHasher()
#: verified against when the login does not exist, so a wrong login costs the same time
_DUMMY_HASH = _hasher.hash("unionxl-no-such-account")
LOGIN_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")
MIN_PASSWORD = 8
#: failures of one login, or from one address, within the window that lock it out
WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_LOGIN = 5
MAX_FAILURES_PER_IP = 30


class AccountError(Exception):
    """A refused account command or sign-in; ``reason`` is Chinese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TooManyAttempts(AccountError):
    pass


@dataclass(frozen=True)
class Principal:
    """Who is signed in, detached from any database session."""

    id: int
    login: str
    name: str
    role: str
    epoch: int

    @property
    def is_bureau(self) -> bool:
        return self.role == "bureau"

    @property
    def role_name(self) -> str:
        return ROLES[self.role]


def _principal(account: Account) -> Principal:
    return Principal(account.id, account.login, account.name, account.role, account.epoch)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少 {MIN_PASSWORD} 个字符")


def add(db: Database, role: str, login: str, name: str, password: str) -> Principal:
    if role not in ROLES:
        raise AccountError(f"角色只能是 {'、'.join(ROLES)}（{'、'.join(ROLES.values())}）")
    if not LOGIN_PATTERN.match(login):
        raise AccountError("登录名只能由字母、数字和 . _ - 组成，2 到 64 个字符，以字母或数字开头")
    if not name.strip():
        raise AccountError("请填写名称（如 某某小学工会委员会）")
    _check_password(password)
    with db.session() as s:
        if s.execute(select(Account.id).where(Account.login == login)).first() is not None:
            raise AccountError(f"登录名“{login}”已存在")
        account = Account(role=role, login=login, name=name.strip(), password_hash=_hasher.hash(password))
        s.add(account)
        s.flush()
        return _principal(account)


def listing(db: Database) -> list[tuple[Account, int]]:
    """Every account with its number of submissions, bureau first."""
    from unionxl.portal.db import Submission

    with db.session() as s:
        counts = dict(s.execute(select(Submission.account_id, func.count()).group_by(Submission.account_id)).all())
        accounts = s.scalars(select(Account).order_by(Account.role, Account.login)).all()
        return [(a, counts.get(a.id, 0)) for a in accounts]



def _find(s, login: str) -> Account:
    account = s.execute(select(Account).where(Account.login == login)).scalar_one_or_none()
    if account is None:
        raise AccountError(f"没有登录名为“{login}”的账号")
    return account


def set_disabled(db: Database, login: str, disabled: bool) -> None:
    with db.session() as s:
        account = _find(s, login)
        account.disabled = disabled
        account.epoch += 1


def reset(db: Database, login: str, password: str) -> None:
    """A new password; every open session of the account ends and its lock-out is lifted."""
    _check_password(password)
    with db.session() as s:
        account = _find(s, login)
        account.password_hash = _hasher.hash(password)
        account.epoch += 1
        s.execute(delete(LoginAttempt).where(LoginAttempt.login == login))


def authenticate(db: Database, login: str, password: str, ip: str) -> Principal:
    """The account, or :class:`AccountError` (wrong or disabled) / :class:`TooManyAttempts`."""
    login = login.strip()[:64]
    since = now() - WINDOW
    with db.session() as s:
        by_login = s.scalar(select(func.count()).select_from(LoginAttempt)
                            .where(LoginAttempt.login == login, LoginAttempt.at > since))
        by_ip = s.scalar(select(func.count()).select_from(LoginAttempt)
                         .where(LoginAttempt.ip == ip, LoginAttempt.at > since))
        if by_login >= MAX_FAILURES_PER_LOGIN or by_ip >= MAX_FAILURES_PER_IP:
            raise TooManyAttempts(f"登录失败次数过多，请 {WINDOW.seconds // 60} 分钟后再试，或请教育工会重置密码")
        account = s.execute(select(Account).where(Account.login == login)).scalar_one_or_none()
    if not _verify(account.password_hash if account else _DUMMY_HASH, password) or account is None:
        with db.session() as s:
            s.add(LoginAttempt(login=login, ip=ip[:64]))
            s.execute(delete(LoginAttempt).where(LoginAttempt.at < since))
        raise AccountError("登录名或密码不正确")
    if account.disabled:
        raise AccountError("该账号已停用，请联系教育工会")
    with db.session() as s:
        s.execute(delete(LoginAttempt).where(LoginAttempt.login == login))
        if _hasher.check_needs_rehash(account.password_hash):
            s.get(Account, account.id).password_hash = _hasher.hash(password)
    return _principal(account)


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def current(db: Database, account_id: int, epoch: int) -> Principal | None:
    """The session's account, if it still exists, is enabled and its epoch has not moved."""
    with db.session() as s:
        account = s.get(Account, account_id)
        if account is None or account.disabled or account.epoch != epoch:
            return None
        return _principal(account)
