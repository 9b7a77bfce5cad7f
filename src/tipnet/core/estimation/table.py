"""Capture tables: reading, validating and building them from records.

A capture table for multiple systems estimation (MSE) has one 0/1 column per list and a ``count``
column: the number of people seen on exactly that combination of lists. The all-zero pattern
(people on no list, the "dark figure") is what is estimated, so it may not appear in the table.
This is the layout of the data shipped with SparseMSE (Chan, Silverman & Vincent 2021) and
MultipleSystemsEstimation (Silverman, Chan & Vincent 2024).

Internally a table is stored as counts over every observable pattern, indexed by bitmask: list
``i`` (0-based, in column order) is bit ``i``, so cell ``w`` (``1 <= w < 2**k``) holds the count
of people seen on exactly the lists whose bits are set in ``w``. Patterns that are absent from the
file have count zero.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

import numpy as np

__all__ = ["MAX_LISTS", "CaptureTable", "TableError", "read_records", "read_table"]

#: More lists than this makes 2**k cells that no data set can fill; refuse rather than crawl.
MAX_LISTS = 12


#: Most people a table may count in all. Far more than live on Earth (a larger count is a typo,
#: not people), well inside int64 and inside the integers a float64 holds exactly (2**53), so
#: sums, the fits and the bootstrap's multinomial draws stay exact.
MAX_TOTAL = 10**12

#: Field separators recognised in a capture-table file, with their names for messages.
SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}


class TableError(ValueError):
    """The capture table (or the records it is built from) is not valid input for MSE.

    The message names the problem and, where it can, the row and column, so that a researcher can
    fix the file. Command-line front ends turn it into exit code 2. ``code`` and ``params`` name
    the problem for front ends that translate it (the research page); ``code`` is ``None`` for
    problems reported only in English.
    """

    def __init__(
        self, message: str, *, code: str | None = None, params: dict[str, object] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.params = dict(params or {})


@dataclass(frozen=True)
class CaptureTable:
    """Counts of people by the combination of lists they were seen on.

    Parameters
    ----------
    lists
        List (source) names, in column order.
    counts
        Integer array of length ``2**k``: ``counts[w]`` is the number of people seen on exactly the
        lists whose bits are set in ``w``. ``counts[0]`` (the unobserved cell) is always 0.

    Use :meth:`from_patterns`, :func:`read_table` or :meth:`from_records` rather than building the
    array by hand; they validate the input.
    """

    lists: tuple[str, ...]
    counts: np.ndarray = field(repr=False)

    def __post_init__(self) -> None:
        counts = np.asarray(self.counts, dtype=np.int64)
        counts.setflags(write=False)
        object.__setattr__(self, "counts", counts)
        k = len(self.lists)
        if counts.shape != (2**k,):
            raise TableError(f"internal: counts must have length 2**{k} = {2**k}")
        if counts[0] != 0:
            raise TableError("the all-zero pattern (people on no list) cannot be observed")

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_patterns(
        cls,
        lists: Sequence[str],
        patterns: Iterable[Sequence[int]],
        counts: Iterable[int],
    ) -> CaptureTable:
        """Build a table from explicit capture patterns (rows of 0/1) and their counts.

        Every pattern must be distinct and not all zero; counts must be non-negative integers.
        """
        names = tuple(str(name) for name in lists)
        _check_names(names)
        k = len(names)
        full = np.zeros(2**k, dtype=np.int64)
        seen: dict[int, int] = {}
        for row_number, (pattern, count) in enumerate(zip(patterns, counts, strict=True), start=1):
            bits = list(pattern)
            if len(bits) != k:
                raise TableError(f"row {row_number}: expected {k} list columns, found {len(bits)}")
            mask = 0
            for i, bit in enumerate(bits):
                if bit not in (0, 1):
                    raise TableError(
                        f"row {row_number}: column {names[i]!r} must be 0 or 1, found {bit!r}"
                    )
                mask |= int(bit) << i
            if mask == 0:
                raise TableError(
                    f"row {row_number}: all-zero pattern; people on no list cannot be counted "
                    "(that is the number being estimated)"
                )
            if mask in seen:
                raise TableError(
                    f"row {row_number}: pattern {_pattern_text(mask, k)} repeats row {seen[mask]}"
                )
            seen[mask] = row_number
            if not isinstance(count, (int, np.integer)) or isinstance(count, bool) or count < 0:
                raise TableError(
                    f"row {row_number}: count must be a non-negative whole number, found {count!r}"
                )
            if count > MAX_TOTAL:
                raise _too_many(f"row {row_number}: count {count} is")
            full[mask] = int(count)
        if not seen:
            raise TableError("the table has no rows")
        _check_total(full)
        return cls(names, full)

    @classmethod
    def from_counts(cls, lists: Sequence[str], counts: np.ndarray) -> CaptureTable:
        """Build a table from a full count vector indexed by bitmask (``counts[0]`` must be 0)."""
        names = tuple(str(name) for name in lists)
        _check_names(names)
        arr = np.asarray(counts)
        if arr.shape != (2 ** len(names),):
            raise TableError(f"counts must have length 2**k = {2 ** len(names)}")
        if np.any(arr < 0) or not np.all(np.equal(np.mod(arr, 1), 0)):
            raise TableError("counts must be non-negative whole numbers")
        if np.any(arr > MAX_TOTAL) or float(np.sum(arr, dtype=np.float64)) > MAX_TOTAL:
            raise _too_many("the counts are")
        return cls(names, arr.astype(np.int64))

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, object]],
        *,
        id_field: str = "person_id",
        source_field: str = "source",
        lists: Sequence[str] | None = None,
    ) -> CaptureTable:
        """Build a table from one row per record: a person identifier and the list that saw them.

        A person seen several times on the same list counts once on it. This is the step after
        record linkage: ``person_id`` is the linked identity, ``source`` the contributing list.

        Parameters
        ----------
        records
            Mappings with at least ``id_field`` and ``source_field``.
        lists
            Optional list order; by default lists are sorted by name. A source not in ``lists``
            is an error.
        """
        membership: dict[str, set[str]] = {}
        for row_number, record in enumerate(records, start=1):
            person = _clean_cell(record.get(id_field))
            source = _clean_cell(record.get(source_field))
            if not person:
                raise TableError(f"record {row_number}: {id_field!r} is empty")
            if not source:
                raise TableError(f"record {row_number}: {source_field!r} is empty")
            membership.setdefault(person, set()).add(source)
        if not membership:
            raise TableError("there are no records")
        sources = sorted({s for ss in membership.values() for s in ss})
        if lists is None:
            names = tuple(sources)
        else:
            names = tuple(lists)
            unknown = sorted(set(sources) - set(names))
            if unknown:
                raise TableError(f"sources not in the list order: {', '.join(unknown)}")
        _check_names(names)
        index = {name: i for i, name in enumerate(names)}
        full = np.zeros(2 ** len(names), dtype=np.int64)
        for seen_on in membership.values():
            mask = 0
            for source in seen_on:
                mask |= 1 << index[source]
            full[mask] += 1
        _check_total(full)
        return cls(names, full)

    # ------------------------------------------------------------------ properties
    @property
    def k_lists(self) -> int:
        """Number of lists."""
        return len(self.lists)

    @property
    def n_observed(self) -> int:
        """Number of distinct people seen on at least one list."""
        return int(self.counts.sum())

    @property
    def cell_counts(self) -> np.ndarray:
        """Counts of the ``2**k - 1`` observable cells, in bitmask order 1, 2, ..., 2**k - 1."""
        return self.counts[1:]

    def canonical_order(self) -> np.ndarray:
        """Cells ``1 .. 2**k - 1`` rearranged as if the lists were sorted by name.

        ``cell_counts[canonical_order()]`` is the same vector for the same data whatever the order
        of the list columns (a table file, or records, whose lists come sorted). The bootstrap draws
        its samples in this order so that the same data and seed give the same interval.
        """
        k = self.k_lists
        rank = sorted(range(k), key=lambda i: self.lists[i])  # canonical bit j is list rank[j]
        canon = np.arange(1, 2**k)
        original = np.zeros_like(canon)
        for j, i in enumerate(rank):
            original |= ((canon >> j) & 1) << i
        return original - 1

    def list_totals(self) -> dict[str, int]:
        """Number of people on each list (whether or not also on others)."""
        masks = np.arange(2**self.k_lists)
        return {
            name: int(self.counts[(masks >> i) & 1 == 1].sum()) for i, name in enumerate(self.lists)
        }

    def overlap(self, i: int, j: int) -> int:
        """Number of people seen on both list ``i`` and list ``j`` (0-based), whatever else."""
        term = (1 << i) | (1 << j)
        masks = np.arange(2**self.k_lists)
        return int(self.counts[(masks & term) == term].sum())

    def non_overlapping_pairs(self) -> tuple[str, ...]:
        """Pairs of lists with nobody in common, as ``"A:B"`` in list order.

        One definition for every method's results (issue 11: the latent JSON still carried an
        empty ``never_overlap`` list beside the log-linear ``non_overlapping_pairs``)."""
        return tuple(
            f"{self.lists[i]}:{self.lists[j]}"
            for i, j in combinations(range(self.k_lists), 2)
            if self.overlap(i, j) == 0
        )

    def rows(self) -> list[tuple[tuple[int, ...], int]]:
        """The observed patterns with positive counts, as ``(pattern, count)``, in bitmask order."""
        k = self.k_lists
        return [
            (tuple((w >> i) & 1 for i in range(k)), int(c))
            for w, c in enumerate(self.counts)
            if w and c
        ]

    def to_csv(self) -> str:
        """The table as CSV text in the shared layout (list columns, then ``count``)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([*self.lists, "count"])
        for pattern, count in self.rows():
            writer.writerow([*pattern, count])
        return out.getvalue()


# ---------------------------------------------------------------------- readers
def read_table(source: str | Path | io.TextIOBase) -> CaptureTable:
    """Read a capture table from CSV: one 0/1 column per list and a ``count`` column.

    Fields may be separated by commas, semicolons (Excel's CSV in many European locales) or tabs:
    the separator is the one that makes a ``count`` column of the header, and a file where no
    separator or more than one does is refused with a message naming what was found. An Excel
    workbook (.xlsx, recognised by its first bytes) is read from its first sheet.

    Raises
    ------
    TableError
        With a message naming the row and column for: a negative or fractional count, a list
        column that is not 0/1, a repeated pattern, fewer than two lists, an all-zero row, a
        missing ``count`` column, or an empty file.
    """
    text = _read_text(source)
    if not text.strip():
        raise TableError("the file is empty", code="empty_file")
    delimiter = _table_delimiter(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise TableError("the file is empty", code="empty_file") from None
    header = [h.strip() for h in header]
    lower = [h.lower() for h in header]
    if lower.count("count") > 1:
        raise TableError("more than one 'count' column")
    count_col = lower.index("count")
    list_cols = [i for i in range(len(header)) if i != count_col]
    names = [header[i] for i in list_cols]
    patterns: list[list[int]] = []
    counts: list[int] = []
    for row_number, row in enumerate(reader, start=1):
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise TableError(f"row {row_number}: expected {len(header)} fields, found {len(row)}")
        pattern = []
        for i in list_cols:
            cell = row[i].strip()
            if cell not in ("0", "1"):
                raise TableError(
                    f"row {row_number}: column {header[i]!r} must be 0 or 1, found {cell!r}"
                )
            pattern.append(int(cell))
        counts.append(_parse_count(row[count_col], row_number))
        patterns.append(pattern)
    return CaptureTable.from_patterns(names, patterns, counts)


def read_records(
    source: str | Path | io.TextIOBase,
    *,
    id_field: str = "person_id",
    source_field: str = "source",
) -> CaptureTable:
    """Read one row per record (CSV with ``person_id`` and ``source`` columns) into a table."""
    text = _read_text(source)
    rows = csv.reader(io.StringIO(text))
    try:
        fields = [f.strip() for f in next(rows)]
    except StopIteration:
        raise TableError("the file is empty", code="empty_file") from None
    for needed in (id_field, source_field):
        if needed not in fields:
            raise TableError(
                f"no {needed!r} column in the records file (columns found: "
                f"{', '.join(repr(f) for f in fields)})",
                code="records_column_missing",
                params={"column": needed},
            )

    def records() -> Iterable[dict[str, str]]:
        for number, row in enumerate(rows, start=1):
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) != len(fields):
                raise TableError(
                    f"record {number}: expected {len(fields)} fields, found {len(row)}; every row "
                    "needs the same columns as the header (check for a missing or extra separator)",
                    code="ragged_row",
                    params={"row": number, "expected": len(fields), "found": len(row)},
                )
            yield dict(zip(fields, row, strict=True))

    return CaptureTable.from_records(records(), id_field=id_field, source_field=source_field)


# ---------------------------------------------------------------------- helpers
def _read_text(source: str | Path | io.TextIOBase) -> str:
    """The file as CSV text: UTF-8 text as it is, an Excel workbook's first sheet converted."""
    if isinstance(source, io.TextIOBase):
        return source.read()
    try:
        data = Path(source).read_bytes()
    except FileNotFoundError:
        raise TableError(f"file not found: {source}") from None
    except IsADirectoryError:
        raise TableError(f"{source} is a folder, not a file") from None
    from .excel import excel_to_csv, is_excel  # imported here: excel.py imports this module

    if is_excel(str(source), data):
        return excel_to_csv(data)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableError(
            f"{source} is not UTF-8 text; save it as CSV (UTF-8) or Excel (.xlsx)",
            code="not_utf8",
        ) from None


def _table_delimiter(text: str) -> str:
    """The separator that makes a ``count`` column of the header (see :func:`read_table`)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    fitting = [
        sep
        for sep in SEPARATORS
        if "count" in [h.strip().lower() for h in next(csv.reader([first], delimiter=sep), [])]
    ]
    if len(fitting) == 1:
        return fitting[0]
    present = [name for sep, name in SEPARATORS.items() if sep in first]
    if len(fitting) > 1:
        names = ", ".join(SEPARATORS[sep] for sep in fitting)
        raise TableError(
            f"the header can be split at more than one separator ({names}); use commas only, "
            "with one 0/1 column per list and a 'count' column",
            code="ambiguous_separator",
            params={"separators": names},
        )
    found = f" (separators found in the header: {', '.join(present)})" if present else ""
    raise TableError(
        f"no 'count' column{found}; expected one 0/1 column per list and a 'count' column, "
        "separated by commas, semicolons or tabs",
        code="no_count_column",
        params={"separators": ", ".join(present)},
    )


def _too_many(what: str) -> TableError:
    return TableError(
        f"{what} more than {MAX_TOTAL:,}; no population of people is that large, so check the "
        "numbers (a typo, or a column that is not a count)",
        code="count_too_large",
        params={"limit": MAX_TOTAL},
    )


def _check_total(full: np.ndarray) -> None:
    # Summed in float64 so that an int64 overflow cannot hide a huge total (5e18 + 5e18 < 0).
    total = float(np.sum(full, dtype=np.float64))
    if total > MAX_TOTAL:
        raise _too_many("the counts add up to")
    if total == 0:
        raise TableError("the table has no observed people (all counts are zero)", code="no_people")


def _parse_count(cell: str, row_number: int) -> int:
    text = cell.strip()
    if re.fullmatch(r"[+-]?[0-9]+", text):  # exact, however long (float would round 10**17 + 1)
        whole = int(text)
        if whole < 0:
            raise TableError(f"row {row_number}: count must not be negative, found {text!r}")
        if whole > MAX_TOTAL:
            raise _too_many(f"row {row_number}: count {text} is")
        return whole
    try:
        value = float(text)
    except ValueError:
        raise TableError(f"row {row_number}: count {text!r} is not a number") from None
    if not math.isfinite(value) or value != int(value):
        raise TableError(f"row {row_number}: count must be a whole number, found {text!r}")
    if value < 0:
        raise TableError(f"row {row_number}: count must not be negative, found {text!r}")
    if value > MAX_TOTAL:
        raise _too_many(f"row {row_number}: count {text} is")
    return int(value)


def _check_names(names: tuple[str, ...]) -> None:
    if len(names) < 2:
        raise TableError(
            f"at least two lists are needed for multiple systems estimation, found {len(names)}"
        )
    if len(names) > MAX_LISTS:
        raise TableError(f"at most {MAX_LISTS} lists are supported, found {len(names)}")
    if any(not name for name in names):
        raise TableError("every list column needs a name")
    if len(set(names)) != len(names):
        raise TableError("list names must be distinct")
    if any(":" in name for name in names):
        raise TableError("list names must not contain ':' (used to name interactions)")


def _clean_cell(value: object) -> str:
    return "" if value is None else str(value).strip()


def _pattern_text(mask: int, k: int) -> str:
    return "".join(str((mask >> i) & 1) for i in range(k))
