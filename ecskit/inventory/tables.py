"""Tables of records for notebooks: an HTML table, rows for pandas, lookup by key or name."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from html import escape
from typing import Generic, TypeVar

from .records import Record

R = TypeVar("R", bound=Record)

# A notebook table longer than this is cut, saying how many rows are hidden.
HTML_ROWS = 50


class Table(Generic[R]):
    """The records of one kind, in snapshot order.

    >>> import pandas; pandas.DataFrame(inventory.services.rows)   # doctest: +SKIP
    """

    def __init__(self, title: str, records: Iterable[R] = ()) -> None:
        self.title = title
        self._records: dict[str, R] = {}
        for record in records:
            self.add(record)

    def add(self, record: R) -> R:
        self._records.setdefault(record.key, record)
        return self._records[record.key]

    def get(self, key: str) -> R | None:
        """The record whose key (ARN or id) or name is `key`, or None."""
        found = self._records.get(key)
        if found is not None:
            return found
        for record in self._records.values():
            if getattr(record, "name", None) == key:
                return record
        return None

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __getitem__(self, index: int | str) -> R:
        if isinstance(index, int):
            return list(self._records.values())[index]
        found = self.get(index)
        if found is None:
            raise KeyError(f"no {self.title} named {index!r}")
        return found

    def __iter__(self) -> Iterator[R]:
        return iter(list(self._records.values()))

    def __len__(self) -> int:
        return len(self._records)

    def keys(self) -> list[str]:
        return list(self._records)

    @property
    def rows(self) -> list[dict[str, object]]:
        """The records as dicts (`pandas.DataFrame(table.rows)` if pandas is installed)."""
        return [record.row() for record in self._records.values()]

    def to_rows(self) -> list[dict[str, object]]:
        return self.rows

    def __repr__(self) -> str:
        return f"<{len(self)} {self.title}>"

    def _repr_html_(self) -> str:
        rows = self.rows
        if not rows:
            return f"<p><b>{escape(self.title)}</b>: none</p>"
        columns = list(rows[0])
        head = "".join(f"<th>{escape(c)}</th>" for c in columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(_cell(row[c]))}</td>" for c in columns) + "</tr>"
            for row in rows[:HTML_ROWS]
        )
        more = f"<p>… and {len(rows) - HTML_ROWS} more</p>" if len(rows) > HTML_ROWS else ""
        return (
            f'<div class="ecskit-table"><b>{escape(self.title)}</b> ({len(rows)})'
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}</div>"
        )


def _cell(value: object) -> str:
    return "" if value is None else str(value)
