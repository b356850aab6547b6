"""The portal's settings: where the data lives and the limits on uploads and workers.

Several app processes (``unionxl serve --workers N``, or several machines behind a
reverse proxy) share nothing but the database and the data folder, so the settings travel
to each process through environment variables (:meth:`PortalConfig.to_env`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

DEFAULT_DATA = Path("unionxl-portal")
_PREFIX = "UNIONXL_PORTAL_"


@dataclass(frozen=True)
class PortalConfig:
    data: Path = DEFAULT_DATA
    #: SQLAlchemy URL; empty means SQLite in the data folder
    db: str = ""
    max_upload_mb: int = 20
    worker_seconds: float = 240.0
    worker_memory_mb: int = 3072
    #: analyses running at once in one app process (each in its own child)
    jobs: int = max(1, (os.cpu_count() or 1))
    #: set when the portal is reached over HTTPS (behind the reverse proxy): cookies get Secure
    https: bool = False
    session_hours: int = 12

    @property
    def db_url(self) -> str:
        return self.db or f"sqlite:///{(self.data / 'portal.sqlite3').resolve()}"

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 2**20

    def to_env(self) -> dict[str, str]:
        return {_PREFIX + f.name.upper(): str(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> PortalConfig:
        env = os.environ if env is None else env
        config = cls()
        for f in fields(cls):
            raw = env.get(_PREFIX + f.name.upper())
            if raw is None:
                continue
            kind = type(getattr(config, f.name))
            value: object = raw == "True" if kind is bool else kind(raw)
            config = replace(config, **{f.name: value})
        return config
