"""Small helpers shared by the checks."""

from __future__ import annotations

from collections.abc import Iterator

from unionxl.reading.book import Table


def repeats(table: Table, key: str) -> Iterator[tuple[int, int, str]]:
    """(row, first row, value) for every non-blank value of *key* seen on an earlier row."""
    values = table.data[key]
    repeated = values.ne("") & values.duplicated(keep="first")
    first_row = values.reset_index().drop_duplicates(key).set_index(key)["index"]
    for row in values.index[repeated]:
        yield int(row), int(first_row[values[row]]), values[row]
