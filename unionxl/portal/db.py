"""The portal's database: accounts, submissions with their results, login attempts, and
the cookie-signing secret (SQLAlchemy 2; SQLite by default, PostgreSQL through psycopg).

Every piece of state several app processes must agree on lives here or in the data
folder: the signing secret is created once and read by every process, and the login rate
limit counts rows, not an in-memory counter.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    create_engine,
    event,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, sessionmaker

ROLES = {"bureau": "教育工会", "school": "学校"}
PENDING, REJECTED, FLAGGED, ACCEPTED = "pending", "rejected", "flagged", "accepted"
STATUS_NAMES = {PENDING: "处理中", REJECTED: "已退回", FLAGGED: "审核有问题", ACCEPTED: "已通过"}
#: a school's state on the dashboard when it has no submission for the year (never stored)
MISSING = "missing"
STATE_NAMES = {**STATUS_NAMES, MISSING: "未提交"}
COUNTED_STATUSES = (FLAGGED, ACCEPTED)


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    #: bumped by a password reset or disable: every session signed before it stops working
    epoch: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)

    submissions: Mapped[list[Submission]] = relationship(back_populates="account")

    @property
    def role_name(self) -> str:
        return ROLES[self.role]


class Submission(Base):
    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    status: Mapped[str] = mapped_column(String(16), default=PENDING, index=True)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    union_name: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    #: engine.analyse's dict: findings, counts, audit, figures, school_row, reports
    result: Mapped[dict | None] = mapped_column(JSON, nullable=True)

    account: Mapped[Account] = relationship(back_populates="submissions")


class LoginAttempt(Base):
    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login: Mapped[str] = mapped_column(String(64), index=True)
    ip: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, index=True)


class Meta(Base):
    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Database:
    """One engine and session factory per process; the schema is created on first use."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = _engine(url)
        Base.metadata.create_all(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    def secret(self) -> str:
        """The cookie-signing key, made by whichever process asks first and shared by all."""
        with self.session() as s:
            row = s.get(Meta, "secret")
            if row is not None:
                return row.value
        try:
            with self.session() as s:
                s.add(Meta(key="secret", value=secrets.token_urlsafe(48)))
        except IntegrityError:  # another process won the race: use its key
            pass
        with self.session() as s:
            return s.execute(select(Meta.value).where(Meta.key == "secret")).scalar_one()

    def dispose(self) -> None:
        self.engine.dispose()


def _engine(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(connection, _record) -> None:
        connection.isolation_level = None  # SQLAlchemy's "begin" below opens each transaction
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        # IMMEDIATE takes the write lock up front, so two processes never deadlock upgrading
        # a read transaction (SQLite would fail one at once, busy_timeout notwithstanding)
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
