"""Cross-sheet checks: each is a small function from a typed :class:`Book` to findings.

Like beancount plugins, a check knows one rule family, touches no file and no Excel
object, and reports every problem with the exact cell. Cell-level type problems are
found while typing (``unionxl.reading.coerce``); these run after it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from unionxl.contract.findings import Finding
from unionxl.core.checks import entries, ledger, members, text, visits
from unionxl.reading.book import Book

Check = Callable[[Book], Iterable[Finding]]

CHECKS: tuple[Check, ...] = (
    entries.dates_in_year,
    entries.calendar_months,
    entries.budget_categories,
    entries.category_references,
    entries.formulas_kept,
    text.lookalike_text,
    members.duplicate_ids,
    members.member_records,
    members.dues_payments,
    visits.visits_against_members,
    ledger.vouchers_match,
    ledger.dues_match_journal,
)
