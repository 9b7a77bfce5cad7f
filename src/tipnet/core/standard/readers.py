"""Reading HTCDS files: HTCDS CSV and JSON, and the HTCDS core XLSForm's export from KoboToolbox/ODK.

Every reader returns an :class:`ImportReport`: one :class:`RowReport` per data row with its
problems, and the records only when *no* row has a problem. A file with one bad row yields no
records at all, so an import is all or nothing and the people fixing the file see every problem
at once (issue 13).

KoboToolbox's CSV export (Kobo's "XML values and headers", the default for re-use) looks like::

    start;end;group_person/prs_Gender;group_victim/vic_Methods_of_Control;...;_id;_uuid;_submission_time;...

- columns of questions inside groups carry the group path (``group_person/prs_Gender``);
- a select_multiple answer is its choice names separated by spaces (``DebtBondage TakesEarnings``),
  and Kobo may add one 0/1 column per choice (``group_victim/vic_Methods_of_Control/DebtBondage``);
- metadata columns (``start``, ``end``, ``_id``, ``_uuid``, ``_submission_time``, ``meta/instanceID``,
  ``__version__``, ``_validation_status``...) are not HTCDS fields; ``_uuid`` (or
  ``meta/instanceID``) identifies the submission and becomes the row's ``source_id``;
- the delimiter is ``;`` by default, ``,`` if chosen.

The HTCDS toolkit's XLSForm (UNMigration/HTCDS, Toolkit/Survey) predates v2.0 in places: it names
``prs_First_Name``, ``prs_Second_Name``, ``prs_Nationality`` and ``vic_Methods_of_Control``, and some
of its choices differ. :data:`KOBO_FIELD_NAMES` and :data:`KOBO_VALUES` carry them to v2.0, each
choice to its v2.0 value; where v2.0 has no equal (``IllicitActivities``, a recruitment "Shelter")
the answer becomes ``Other``, and "Unknown" becomes no answer. HTCDS v2.0 names pass unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tipnet.core import csvsafe
from tipnet.core.standard.schema import HTCDS, FieldType, Schema
from tipnet.core.standard.validate import Problem, validate_record

__all__ = [
    "KOBO_FIELD_NAMES", "KOBO_VALUES", "ImportReport", "RowReport", "read_htcds_csv", "read_htcds_json", "read_htcds_records",
    "read_kobo_csv", "read_kobo_json", "write_htcds_csv", "write_htcds_json",
]

MAX_ROWS = 200_000

KOBO_FIELD_NAMES = {
    "prs_First_Name": "prs_FirstName",
    "prs_Second_Name": "prs_SecondName",
    "prs_Nationality": "prs_Citizenship",  # renamed in HTCDS v1.0 ("Revision History")
    "vic_Methods_of_Control": "vic_MethodsOfControl",
}

# (v2.0 field, form choice) -> v2.0 value, or "" for "no answer".
KOBO_VALUES = {
    ("prs_Gender", "Male"): "Masculine",
    ("prs_Gender", "Female"): "Feminine",
    # The form's one value for three v2.0 values; CTDC collapses them into one category anyway.
    ("prs_Gender", "Transgender/NonConforming"): "NonConforming",
    ("prs_Gender", "Unknown"): "NonSpecifiedUnknown",
    ("vic_MethodOfRecruitment", "InternetSocialMediaOnlineAdvertisement"): "ThroughOnlineSocialNetworks",
    ("vic_MethodOfRecruitment", "EducationalFacility"): "AtAnEducationalInstitution",
    ("vic_MethodOfRecruitment", "Work"): "AtWork",
    ("vic_MethodOfRecruitment", "PublicArea"): "Other",
    ("vic_MethodOfRecruitment", "Shelter"): "Other",
    ("vic_MethodOfRecruitment", "Unknown"): "",
    ("vic_TypeOfExploitation", "ForcedMilitaryService"): "ForcedMilitaryByNonStateActors",
    ("vic_TypeOfExploitation", "IllegalAdoption"): "ForcedAdoption",
    ("vic_TypeOfExploitation", "IllicitActivities"): "Other",
}

KOBO_META = {
    "start", "end", "today", "deviceid", "username", "simserial", "subscriberid", "phonenumber", "audit",
    "_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by",
    "__version__", "_version_", "_tags", "_index", "_xform_id_string", "_attachments", "_geolocation",
    "_parent_index", "_parent_table_name", "_submission__id", "_submission__uuid",
    "meta/instanceID", "meta/instanceName", "meta/rootUuid", "meta/deprecatedID", "meta/audit",
    "formhub/uuid", "instanceID",
}


@dataclass(frozen=True)
class RowReport:
    """One data row: its number in the file (1 = first data row; 0 = the file itself), the source's
    identifier if it has one (Kobo's ``_uuid``), and its problems."""

    row: int
    source_id: str
    problems: tuple[Problem, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "source_id": self.source_id, "problems": [p.to_dict() for p in self.problems]}


@dataclass(frozen=True)
class ImportReport:
    """The outcome of reading one file. ``records`` is empty unless every row is valid; then
    ``records[i]`` and ``source_ids[i]`` belong to data row i + 1."""

    n_rows: int
    rows: tuple[RowReport, ...] = field(default_factory=tuple)
    records: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    source_ids: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return all(not r.problems for r in self.rows)

    @property
    def bad_rows(self) -> tuple[RowReport, ...]:
        return tuple(r for r in self.rows if r.problems)

    def summary(self) -> str:
        if self.ok:
            return f"{self.n_rows} rows, all valid"
        n_bad = len([r for r in self.bad_rows if r.row])
        lines = [f"{self.n_rows} rows, {n_bad} with problems: nothing imported"]
        for report in self.bad_rows:
            for problem in report.problems:
                where = f"row {report.row}" if report.row else "file"
                lines.append(f"{where}: {problem.field or '-'}: {problem.code}: {problem.message}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "n_rows": self.n_rows, "rows": [r.to_dict() for r in self.bad_rows]}


def _file_problem(code: str, message: str) -> ImportReport:
    return ImportReport(n_rows=0, rows=(RowReport(0, "", (Problem("", code, message),)),))


def _text(data: bytes | str) -> str | None:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _finish(
    rows: Iterable[tuple[str, object]], *, schema: Schema, text: bool, required: Collection[str], today: dt.date | None,
) -> ImportReport:
    reports: list[RowReport] = []
    records: list[dict[str, Any]] = []
    ids: list[str] = []
    for number, (source_id, raw) in enumerate(rows, start=1):
        if number > MAX_ROWS:
            return _file_problem("too_many_rows", f"A file may hold at most {MAX_ROWS} rows.")
        result = validate_record(raw, schema=schema, text=text, required=required, today=today)
        reports.append(RowReport(number, source_id, result.problems))
        if result.record is not None:
            records.append(result.record)
            ids.append(source_id)
    if any(r.problems for r in reports):
        return ImportReport(n_rows=len(reports), rows=tuple(reports))
    if not reports:
        return _file_problem("empty_file", "The file has no data rows.")
    return ImportReport(n_rows=len(reports), rows=tuple(reports), records=tuple(records), source_ids=tuple(ids))


def _csv_rows(text: str, delimiter: str) -> tuple[list[str], list[list[str]]] | ImportReport:
    try:
        parsed = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        return _file_problem("bad_csv", f"The file is not valid CSV: {error}.")
    parsed = [row for row in parsed if any(cell.strip() for cell in row)]
    if not parsed:
        return _file_problem("empty_file", "The file is empty.")
    header = [cell.strip() for cell in parsed[0]]
    duplicates = sorted({name for name in header if name and header.count(name) > 1})
    if duplicates:
        return _file_problem("duplicate_column", "Columns appear twice: " + ", ".join(duplicates) + ".")
    return header, parsed[1:]


def read_htcds_csv(
    data: bytes | str, *, schema: Schema = HTCDS, required: Collection[str] = (), today: dt.date | None = None,
) -> ImportReport:
    """An HTCDS CSV: a header of field names (``prs_Gender``...), one record per row, UTF-8,
    comma-separated. Cells guarded against spreadsheet formulas by tipnet's own export are restored
    (tipnet.core.csvsafe)."""
    text = _text(data)
    if text is None:
        return _file_problem("not_utf8", "The file is not UTF-8 text.")
    parsed = _csv_rows(text, ",")
    if isinstance(parsed, ImportReport):
        return parsed
    header, body = parsed

    def rows() -> Iterable[tuple[str, object]]:
        for cells in body:
            if len(cells) > len(header):
                yield "", {"": "more cells than columns"}
                continue
            yield "", {name: csvsafe.restore(cell) for name, cell in zip(header, cells, strict=False) if name or cell}

    return _finish(rows(), schema=schema, text=True, required=required, today=today)


def read_htcds_json(
    data: bytes | str, *, schema: Schema = HTCDS, required: Collection[str] = (), today: dt.date | None = None,
) -> ImportReport:
    """HTCDS JSON: a list of records, or ``{"records": [...]}``, with typed values."""
    text = _text(data)
    if text is None:
        return _file_problem("not_utf8", "The file is not UTF-8 text.")
    try:
        loaded = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        return _file_problem("bad_json", f"The file is not valid JSON: {error}.")
    if isinstance(loaded, dict) and set(loaded) == {"records"}:
        loaded = loaded["records"]
    if not isinstance(loaded, list):
        return _file_problem("not_a_list", 'Expected a list of records or {"records": [...]}.')
    return read_htcds_records(loaded, schema=schema, required=required, today=today)


def read_htcds_records(
    items: Iterable[object], *, schema: Schema = HTCDS, required: Collection[str] = (), today: dt.date | None = None,
) -> ImportReport:
    """Already-parsed typed records (an API request body), with the same all-or-nothing report."""
    return _finish((("", item) for item in items), schema=schema, text=False, required=required, today=today)


# --- KoboToolbox / ODK ----------------------------------------------------------------------------


def _kobo_name(column: str, schema: Schema) -> tuple[str, str]:
    """(HTCDS field, choice) for a Kobo column: ("prs_Gender", "") for ``group_p/prs_Gender``,
    ("vic_MethodsOfControl", "DebtBondage") for a per-choice column, ("", "") for metadata."""
    if column in KOBO_META or column.startswith("_"):
        return "", ""
    parts = [p for p in column.split("/") if p]
    if not parts:
        return column, ""
    last = KOBO_FIELD_NAMES.get(parts[-1], parts[-1])
    if last in schema or len(parts) < 2:
        return last, ""
    parent = KOBO_FIELD_NAMES.get(parts[-2], parts[-2])
    spec = schema.get(parent)
    if spec is not None and spec.type == FieldType.MULTI_PICKLIST:
        return parent, parts[-1]
    if parts[-2] == "meta":
        return "", ""
    return last, ""


def _kobo_value(name: str, value: str) -> str:
    words = value.split()
    if len(words) > 1 or (name, value.strip()) not in KOBO_VALUES:
        mapped = [KOBO_VALUES.get((name, w), w) for w in words]
        return " ".join(dict.fromkeys(m for m in mapped if m))
    return KOBO_VALUES[(name, value.strip())]


def _kobo_record(columns: Mapping[str, object], schema: Schema) -> tuple[str, dict[str, object]]:
    source_id = str(columns.get("_uuid") or columns.get("meta/instanceID") or "")
    record: dict[str, object] = {}
    choices: dict[str, list[str]] = {}
    for column, value in columns.items():
        name, choice = _kobo_name(column, schema)
        if not name:
            continue
        if choice:
            if str(value).strip().lower() in ("1", "true"):
                choices.setdefault(name, []).append(KOBO_VALUES.get((name, choice), choice))
            continue
        if name in record:
            record[""] = f"two columns give {name}"
            continue
        record[name] = _kobo_value(name, value) if isinstance(value, str) else value
    for name, chosen in choices.items():
        if name not in record:  # only the per-choice columns were exported
            record[name] = " ".join(c for c in chosen if c)
    return source_id, record


def read_kobo_csv(
    data: bytes | str, *, schema: Schema = HTCDS, required: Collection[str] = (), today: dt.date | None = None,
) -> ImportReport:
    """KoboToolbox/ODK CSV export of the HTCDS XLSForm (module docstring)."""
    text = _text(data)
    if text is None:
        return _file_problem("not_utf8", "The file is not UTF-8 text.")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    parsed = _csv_rows(text, delimiter)
    if isinstance(parsed, ImportReport):
        return parsed
    header, body = parsed

    def rows() -> Iterable[tuple[str, object]]:
        for cells in body:
            yield _kobo_record(dict(zip(header, cells, strict=False)), schema)

    return _finish(rows(), schema=schema, text=True, required=required, today=today)


def read_kobo_json(
    data: bytes | str, *, schema: Schema = HTCDS, required: Collection[str] = (), today: dt.date | None = None,
) -> ImportReport:
    """KoboToolbox's JSON (the data API's ``{"results": [...]}`` or a list of submissions), whose
    values are strings as in the CSV."""
    text = _text(data)
    if text is None:
        return _file_problem("not_utf8", "The file is not UTF-8 text.")
    try:
        loaded = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        return _file_problem("bad_json", f"The file is not valid JSON: {error}.")
    if isinstance(loaded, dict) and isinstance(loaded.get("results"), list):
        loaded = loaded["results"]
    if not isinstance(loaded, list):
        return _file_problem("not_a_list", 'Expected a list of submissions or {"results": [...]}.')

    def rows() -> Iterable[tuple[str, object]]:
        for item in loaded:
            if not isinstance(item, dict):
                yield "", item
                continue
            yield _kobo_record({str(k): v for k, v in item.items()}, schema)

    return _finish(rows(), schema=schema, text=True, required=required, today=today)


# --- writing --------------------------------------------------------------------------------------


def _cell(value: object) -> str:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def write_htcds_csv(records: Iterable[Mapping[str, Any]], *, schema: Schema = HTCDS) -> str:
    """HTCDS CSV of typed records, columns in the standard's order (only those used), formula-like
    cells neutralised (tipnet.core.csvsafe) so the file is safe to open in a spreadsheet and reads
    back unchanged with :func:`read_htcds_csv`."""
    records = list(records)
    used = {name for record in records for name in record}
    columns = [name for name in schema.names if name in used]
    out = io.StringIO(newline="")
    writer = csvsafe.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([_cell(record.get(name)) for name in columns])
    return out.getvalue()


def write_htcds_json(records: Iterable[Mapping[str, Any]]) -> str:
    return json.dumps({"records": list(records)}, ensure_ascii=False, indent=1)
