"""How many examples the property tests generate.

CI runs a fifth of the full counts so the suite stays well under 20 minutes on 2 cores;
``UNIONXL_FULL_PROPERTIES=1 python -m pytest tests/test_properties.py`` runs them all
(README, Testing). Every property test takes its count from :func:`examples`.
"""

from __future__ import annotations

import os

FULL = os.environ.get("UNIONXL_FULL_PROPERTIES") == "1"


def examples(full: int) -> int:
    """The full count when asked for, else a fifth of it (at least 10)."""
    return full if FULL else max(10, full // 5)
