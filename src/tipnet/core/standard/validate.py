"""Validation of one HTCDS record: every problem, by field, with a stable code.

A record is a mapping from HTCDS field names to values. Two shapes are read:

- **typed** (JSON): text as ``str``, numbers as ``int``/``float``, checkboxes as ``bool``, dates as
  ``"YYYY-MM-DD"``, multi-select picklists as a list of value names;
- **text** (CSV, spreadsheets, KoboToolbox): every value a string, ``""`` for missing, a
  multi-select as value names separated by ``;`` (Salesforce's and the HTCDS Excel template's
  habit) or by spaces (ODK's), a checkbox as true/false/yes/no/1/0.

:func:`validate_record` never raises on any input (tested with Hypothesis); it returns the cleaned,
typed record only when there is no problem. Problem codes are part of the API (docs/api.md) and
never change meaning:

``not_an_object``, ``unknown_field``, ``missing_required``, ``wrong_type``, ``not_allowed``,
``bad_date``, ``impossible_date``, ``future_date``, ``out_of_range``, ``bad_format``,
``duplicate_value``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from tipnet.core.standard.schema import E164, HTCDS, Field, FieldType, Schema

__all__ = ["CODES", "Problem", "RecordResult", "validate_record"]

CODES = (
    "not_an_object", "unknown_field", "missing_required", "wrong_type", "not_allowed", "bad_date",
    "impossible_date", "future_date", "out_of_range", "bad_format", "duplicate_value",
)

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MULTI_SEPARATORS = re.compile(r"[;\s]+")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n"}
# Dates that can only lie in the past (a birth, an event, a referral already made).
_PAST_ONLY = {"prs_Birthdate", "hte_Date", "cas_IncomingReferralDate", "cas_OutgoingReferralDate", "spl_ActualEndDate"}
_NUMBER_RANGES = {"prs_NumberOfChildren": (0, 50), "vic_AgeWhenTrafficked": (0, 120)}
MAX_TEXT = 32_000  # Salesforce's long text area limit is 131,072; nobody types 32,000 characters into a field


@dataclass(frozen=True)
class Problem:
    """One problem: the field (``""`` for the record as a whole), a stable code, a plain English
    message for logs and API clients (the web layer translates by code), and the offending value
    shortened."""

    field: str
    code: str
    message: str
    value: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message, "value": self.value}


@dataclass(frozen=True)
class RecordResult:
    record: dict[str, Any] | None
    problems: tuple[Problem, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.problems


def _short(value: object) -> str:
    try:
        text = value if isinstance(value, str) else repr(value)
    except Exception:  # noqa: BLE001 - a hostile __repr__ must not break validation
        text = "?"
    return text if len(text) <= 80 else text[:77] + "..."


def validate_record(
    record: object,
    *,
    schema: Schema = HTCDS,
    text: bool = False,
    required: Collection[str] = (),
    today: dt.date | None = None,
) -> RecordResult:
    """Check one record against ``schema``; return the typed record, or None and every problem.

    ``text`` says the values are strings from a file (see the module docstring). ``required``
    names fields a profile insists on; ``today``, when given, refuses past-only dates after it.
    """
    if not isinstance(record, Mapping):
        return RecordResult(None, (Problem("", "not_an_object", "A record must be an object of field names and values."),))
    problems: list[Problem] = []
    cleaned: dict[str, Any] = {}
    field_of = schema.get
    for key, value in record.items():
        spec = field_of(key) if isinstance(key, str) else None
        if spec is None:
            name = key if isinstance(key, str) else _short(key)
            problems.append(Problem(name, "unknown_field", "This is not an HTCDS field name.", _short(key)))
            continue
        name = key
        # An empty cell is the common case in a file (most of the 84 columns of a row): skip it
        # before any other work (``_missing``, inlined for that case).
        if (type(value) is str and not value) or _missing(value, text):
            continue
        result, problem = _check(spec, value, text=text, today=today)
        if problem is not None:
            problems.append(problem)
        else:
            cleaned[name] = result
    for name in required:
        if name not in cleaned and not any(p.field == name for p in problems):
            problems.append(Problem(name, "missing_required", "This field is required."))
    if problems:
        return RecordResult(None, tuple(problems))
    return RecordResult(cleaned)


def _missing(value: object, text: bool) -> bool:
    if value is None:
        return True
    if isinstance(value, str) and not value.strip():
        return True
    return isinstance(value, list) and not value


def _check(spec: Field, value: object, *, text: bool, today: dt.date | None) -> tuple[Any, Problem | None]:
    kind = spec.type
    if kind in (FieldType.TEXT, FieldType.LONG_TEXT, FieldType.LOOKUP):
        return _check_text(spec, value)
    if kind == FieldType.PICKLIST:
        return _check_choice(spec, value)
    if kind == FieldType.MULTI_PICKLIST:
        return _check_multi(spec, value, text=text)
    if kind == FieldType.DATE:
        return _check_date(spec, value, today=today)
    if kind == FieldType.CHECKBOX:
        return _check_bool(spec, value, text=text)
    return _check_number(spec, value, text=text)


def _wrong(spec: Field, expected: str, value: object) -> tuple[None, Problem]:
    return None, Problem(spec.name, "wrong_type", f"Expected {expected}.", _short(value))


def _check_text(spec: Field, value: object) -> tuple[Any, Problem | None]:
    if not isinstance(value, str):
        return _wrong(spec, "text", value)
    value = value.strip()
    if len(value) > MAX_TEXT:
        return None, Problem(spec.name, "out_of_range", f"Longer than {MAX_TEXT} characters.", _short(value))
    if spec.is_phone and not E164.fullmatch(value.replace(" ", "")):
        return None, Problem(spec.name, "bad_format", "Expected an E.164 phone number such as +81312345678.", _short(value))
    if spec.is_email and not _EMAIL.fullmatch(value):
        return None, Problem(spec.name, "bad_format", "Expected an e-mail address.", _short(value))
    allowed = spec.allowed()
    if allowed is not None and value not in allowed:
        return None, Problem(spec.name, "not_allowed", "Not one of the allowed values.", _short(value))
    return value, None


def _check_choice(spec: Field, value: object) -> tuple[Any, Problem | None]:
    if not isinstance(value, str):
        return _wrong(spec, "one value name", value)
    value = value.strip()
    allowed = spec.allowed()
    if allowed is not None and value not in allowed:
        return None, Problem(spec.name, "not_allowed", "Not one of the allowed values.", _short(value))
    return value, None


def _check_multi(spec: Field, value: object, *, text: bool) -> tuple[Any, Problem | None]:
    if isinstance(value, str) and text:
        items: list[object] = [v for v in _MULTI_SEPARATORS.split(value) if v]
    elif isinstance(value, list):
        items = value
    else:
        return _wrong(spec, "a list of value names", value)
    allowed = spec.allowed()
    seen: list[str] = []
    for item in items:
        if not isinstance(item, str):
            return _wrong(spec, "a list of value names", item)
        item = item.strip()
        if allowed is not None and item not in allowed:
            return None, Problem(spec.name, "not_allowed", "Not one of the allowed values.", _short(item))
        if item in seen:
            return None, Problem(spec.name, "duplicate_value", "A value is given twice.", _short(item))
        seen.append(item)
    return seen, None


def _check_date(spec: Field, value: object, *, today: dt.date | None) -> tuple[Any, Problem | None]:
    if not isinstance(value, str):
        return _wrong(spec, "a date as YYYY-MM-DD", value)
    match = _DATE.fullmatch(value.strip())
    if match is None:
        return None, Problem(spec.name, "bad_date", "Expected a date as YYYY-MM-DD.", _short(value))
    try:
        year, month, day_of_month = match.groups()
        day = dt.date(int(year), int(month), int(day_of_month))
    except ValueError:
        return None, Problem(spec.name, "impossible_date", "This date does not exist.", _short(value))
    if day.year < 1900:
        return None, Problem(spec.name, "impossible_date", "This date is before 1900.", _short(value))
    if today is not None and spec.name in _PAST_ONLY and day > today:
        return None, Problem(spec.name, "future_date", "This date is in the future.", _short(value))
    return day.isoformat(), None


def _check_bool(spec: Field, value: object, *, text: bool) -> tuple[Any, Problem | None]:
    if isinstance(value, bool):
        return value, None
    if text and isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True, None
        if lowered in _FALSE:
            return False, None
    return _wrong(spec, "true or false", value)


def _check_number(spec: Field, value: object, *, text: bool) -> tuple[Any, Problem | None]:
    number: float | int
    if isinstance(value, bool):
        return _wrong(spec, "a number", value)
    if isinstance(value, int | float):
        number = value
    elif text and isinstance(value, str):
        try:
            number = int(value.strip()) if re.fullmatch(r"-?\d+", value.strip()) else float(value.strip())
        except ValueError:
            return _wrong(spec, "a number", value)
    else:
        return _wrong(spec, "a number", value)
    if isinstance(number, float) and not math.isfinite(number):
        return _wrong(spec, "a finite number", value)
    low, high = _range(spec)
    if not low <= number <= high:
        return None, Problem(spec.name, "out_of_range", f"Expected a number from {low} to {high}.", _short(value))
    if spec.name in _NUMBER_RANGES and number != int(number):
        return _wrong(spec, "a whole number", value)
    return number, None


def _range(spec: Field) -> tuple[float, float]:
    if spec.is_latitude:
        return -90, 90
    if spec.is_longitude:
        return -180, 180
    return _NUMBER_RANGES.get(spec.name, (-1e12, 1e12))
