"""Import and export of case records as HTCDS: one pipeline for every file format (pure, no Django).

``parse_file`` turns a file into rows (HTCDS field names to text or typed values), applies a column
mapping where the file is not already HTCDS, validates every row (``validate_record``) and checks
the import profile (the person's consent, below); it returns an :class:`ImportReport` whose records
are empty unless **every** row is valid. ``record_key`` gives each row a stable keyed identity so
that importing the same file twice does not duplicate anything. ``htcds_to_case`` and
``case_to_htcds`` translate between an HTCDS record and tipnet's case content (``cases`` app).

Formats (``FORMATS``):

``htcds_csv``, ``htcds_json``
    Header or keys of HTCDS v2.0 field names (``read_htcds_csv``/``read_htcds_json`` rules). One
    extra column or key, ``record_id``, is the record's identifier in the source system; tipnet's
    own export writes the case reference there.
``kobo_csv``, ``kobo_json``
    The KoboToolbox/ODK export of the HTCDS XLSForm (``readers``); ``_uuid`` is the record id.
``csv``, ``xlsx``
    Any sheet (first worksheet of an .xlsx) with a :class:`ColumnMapping`: which column gives which
    HTCDS field (or ``record_id``), columns to ignore, and value translations per field
    ("M" -> "Masculine"). Without a mapping, the header must be HTCDS field names.

**Import profile.** A case is kept only with the person's consent to the record (cases app,
``case_open``): a row must carry ``con_Consent`` true or the deprecated
``vic_AgreementToManagePersonalData`` true; otherwise the row is reported with the code
``consent_missing`` on ``con_Consent``.

**Record key.** ``HMAC-SHA256(secret, "id\\x00" + record_id)`` when the source gives an id, else
``HMAC-SHA256(secret, "row\\x00" + the validated record as canonical JSON)`` (so the same person
typed with different spacing or column order is the same row). The secret is derived from the
organisation's private key by the caller: the key stored beside each imported case reveals nothing
of the row, and cannot be checked against a guess without that key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from tipnet.core import csvsafe
from tipnet.core.standard._iso import COUNTRY_ALPHA2_TO_ALPHA3
from tipnet.core.standard.readers import (
    MAX_ROWS,
    ImportReport,
    RowReport,
    _csv_rows,
    _file_problem,
    _kobo_record,
    _text,
)
from tipnet.core.standard.schema import HTCDS, Schema, allowed_codes
from tipnet.core.standard.validate import Problem, validate_record

__all__ = [
    "FORMATS", "ID_COLUMN", "ColumnMapping", "MappingError", "case_to_htcds", "detect_format", "htcds_to_case",
    "parse_file", "record_key", "write_records_csv", "write_records_json",
]

FORMATS = ("htcds_csv", "htcds_json", "kobo_csv", "kobo_json", "csv", "xlsx")
ID_COLUMN = "record_id"
MAX_COLUMNS = 300
MAX_SHEET_XML_BYTES = 256 * 1024 * 1024
CONSENT_FIELDS = ("con_Consent", "vic_AgreementToManagePersonalData")
Progress = Callable[[int, int], None]


# ------------------------------------------------------------------------------------ mappings


class MappingError(ValueError):
    """A column mapping that cannot be used (names an unknown field, maps two columns to one field)."""


@dataclass(frozen=True)
class ColumnMapping:
    """Which column of a sheet gives which HTCDS field. ``columns``: header -> field name (or
    ``record_id``, or ``""`` to ignore the column); columns not named are an ``unknown_field``
    problem unless ``ignore_other`` is set. ``values``: field -> {value in the file: HTCDS value}."""

    columns: dict[str, str]
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    ignore_other: bool = False

    def __post_init__(self) -> None:
        targets = [t for t in self.columns.values() if t]
        for target in targets:
            if target != ID_COLUMN and target not in HTCDS:
                raise MappingError(f"{target!r} is not an HTCDS field name")
        twice = sorted({t for t in targets if targets.count(t) > 1})
        if twice:
            raise MappingError("two columns give the same field: " + ", ".join(twice))
        for name, table in self.values.items():
            if name not in HTCDS or not isinstance(table, dict):
                raise MappingError(f"value translations for {name!r}, which is not an HTCDS field name")

    @classmethod
    def from_dict(cls, data: object) -> ColumnMapping:
        if not isinstance(data, dict) or not isinstance(data.get("columns"), dict):
            raise MappingError('a mapping is {"columns": {"column": "htcds_field"}, "values": {...}}')
        columns = {str(k): str(v or "") for k, v in data["columns"].items()}
        values_in = data.get("values") or {}
        if not isinstance(values_in, dict):
            raise MappingError("values must map a field to {value in the file: HTCDS value}")
        values = {str(k): {str(a): str(b) for a, b in (v or {}).items()} for k, v in values_in.items()
                  if isinstance(v, dict)}
        return cls(columns=columns, values=values, ignore_other=bool(data.get("ignore_other", False)))

    def to_dict(self) -> dict[str, Any]:
        return {"columns": dict(self.columns), "values": {k: dict(v) for k, v in self.values.items()},
                "ignore_other": self.ignore_other}

    def apply(self, row: Mapping[str, str]) -> tuple[str, dict[str, str]]:
        """(record id, HTCDS record as text) of one sheet row."""
        record: dict[str, str] = {}
        source_id = ""
        for column, value in row.items():
            target = self.columns.get(column)
            if target is None:
                if self.ignore_other or not column:
                    continue
                target = column  # reported as unknown_field unless it is an HTCDS name
            if not target:
                continue
            if target == ID_COLUMN:
                source_id = value.strip()
                continue
            table = self.values.get(target)
            if table:
                parts = [p for p in value.replace(";", " ").split() if p] if HTCDS.get(target) and \
                    HTCDS[target].type.value == "multi_picklist" else [value.strip()]
                value = ";".join(table.get(p, p) for p in parts)
            record[target] = value
        return source_id, record


def suggest_mapping(header: Iterable[str]) -> ColumnMapping:
    """A first guess for the mapping page: HTCDS names (any case, spaces or underscores) map to
    themselves, ``record_id``/``id``/``_uuid`` to the record id, anything else is ignored."""
    by_folded = {name.lower().replace("_", ""): name for name in HTCDS.names}
    columns: dict[str, str] = {}
    for column in header:
        folded = column.strip().lower().replace("_", "").replace(" ", "")
        if column.strip().lower() in (ID_COLUMN, "id", "_uuid", "uuid"):
            columns[column] = ID_COLUMN
        else:
            columns[column] = by_folded.get(folded, "")
    return ColumnMapping(columns=columns, ignore_other=True)


# ---------------------------------------------------------------------------------------- files


def detect_format(filename: str, data: bytes) -> str:
    """The format of an uploaded file, by its name and first bytes (``parse_file`` checks it)."""
    name = filename.lower()
    if name.endswith(".xlsx") or data.startswith(b"PK\x03\x04"):
        return "xlsx"
    head = data[:4096].decode("utf-8", "replace").lstrip("\ufeff \r\n\t")
    if name.endswith(".json") or head.startswith(("[", "{")):
        return "kobo_json" if '"_uuid"' in head or '"results"' in head else "htcds_json"
    first = head.split("\n", 1)[0]
    if "_uuid" in first or "/" in first or first.count(";") > first.count(","):
        return "kobo_csv"
    return "htcds_csv"


def _xlsx_rows(data: bytes) -> tuple[list[str], list[list[str]]] | ImportReport:
    """The first sheet's header and rows as text; DTDs refused, size bounded before parsing."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if not info.filename.endswith(".xml"):
                    continue
                if info.file_size > MAX_SHEET_XML_BYTES:
                    return _file_problem("too_many_rows", f"A file may hold at most {MAX_ROWS} rows.")
                if info.filename.startswith("xl/worksheets/"):
                    rows = 0
                    with archive.open(info) as source:
                        for _event, element in iterparse(source, events=("start",)):
                            if element.tag.endswith("}row"):
                                rows += 1
                                if rows > MAX_ROWS + 1:
                                    return _file_problem("too_many_rows", f"A file may hold at most {MAX_ROWS} rows.")
                            elif element.tag.endswith("}sheetData"):
                                continue
                            element.clear()
    except DefusedXmlException:
        return _file_problem("excel_dtd", "The Excel file contains an XML document type declaration, which is refused.")
    except (ParseError, ValueError, OSError, EOFError, zipfile.BadZipFile):
        return _file_problem("excel_unreadable", "The Excel file could not be read.")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many unrelated types for a damaged file
        return _file_problem("excel_unreadable", "The Excel file could not be read.")
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        parsed: list[list[str]] = []
        for row in sheet.iter_rows(values_only=True):
            if len(row) > MAX_COLUMNS:
                return _file_problem("too_many_columns", f"A sheet may have at most {MAX_COLUMNS} columns.")
            cells = [_excel_cell(value) for value in row]
            if any(c.strip() for c in cells):
                parsed.append(cells)
    except Exception:  # noqa: BLE001 - the sheet's XML is parsed while streaming
        return _file_problem("excel_unreadable", "The Excel file could not be read.")
    finally:
        workbook.close()
    if not parsed:
        return _file_problem("empty_file", "The file is empty.")
    header = [cell.strip() for cell in parsed[0]]
    while header and not header[-1]:
        header.pop()
    duplicates = sorted({name for name in header if name and header.count(name) > 1})
    if duplicates:
        return _file_problem("duplicate_column", "Columns appear twice: " + ", ".join(duplicates) + ".")
    return header, parsed[1:]


def _excel_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sheet_rows(
    header: list[str], body: list[list[str]], mapping: ColumnMapping | None, *, restore: bool,
    schema: Schema = HTCDS,
) -> Iterator[tuple[str, object]]:
    width = len(header)
    # Without a mapping, an empty cell under a field name of the schema says nothing (validation
    # skips it), so it is left out of the row here: an HTCDS file has a column for each of the 84
    # fields and most cells are empty. Empty cells under other names stay (``unknown_field``).
    keep_empty = {name for name in header if name and name not in schema}
    for cells in body:
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            yield "", {"": "more cells than columns"}
            continue
        if mapping is not None:
            row = {name: (csvsafe.restore(cell) if restore else cell)
                   for name, cell in zip(header, cells, strict=False) if name}
            yield mapping.apply(row)
            continue
        row = {name: cell for name, cell in zip(header, cells, strict=False) if (cell and name) or name in keep_empty}
        if restore:
            for name, cell in row.items():
                if cell.startswith(csvsafe.QUOTE):
                    row[name] = csvsafe.restore(cell)
        source_id = row.pop(ID_COLUMN, "").strip()
        yield source_id, row


def _json_rows(loaded: list[object]) -> Iterator[tuple[str, object]]:
    for item in loaded:
        if isinstance(item, dict) and ID_COLUMN in item:
            item = dict(item)
            source_id = item.pop(ID_COLUMN)
            yield (str(source_id) if isinstance(source_id, str | int) else ""), item
        else:
            yield "", item


def _consent_problem(record: Mapping[str, Any]) -> Problem | None:
    if any(record.get(name) is True for name in CONSENT_FIELDS):
        return None
    return Problem("con_Consent", "consent_missing",
                   "A case is kept only with the person's consent: con_Consent must be true.")


def _validate(
    rows: Iterable[tuple[str, object]], *, text: bool, schema: Schema, today: dt.date | None,
    progress: Progress | None, total: int, require_consent: bool,
) -> ImportReport:
    reports: list[RowReport] = []
    records: list[dict[str, Any]] = []
    ids: list[str] = []
    bad = False
    seen_ids: dict[str, int] = {}
    number = 0
    for number, (source_id, raw) in enumerate(rows, start=1):
        if number > MAX_ROWS:
            return _file_problem("too_many_rows", f"A file may hold at most {MAX_ROWS} rows.")
        result = validate_record(raw, schema=schema, text=text, today=today)
        problems = list(result.problems)
        if result.record is not None and require_consent:
            missing = _consent_problem(result.record)
            if missing is not None:
                problems.append(missing)
        if source_id:
            if source_id in seen_ids:
                problems.append(Problem(ID_COLUMN, "duplicate_value",
                                        f"The same record id is on row {seen_ids[source_id]}.", source_id[:80]))
            else:
                seen_ids[source_id] = number
            if len(source_id) > 200:
                problems.append(Problem(ID_COLUMN, "out_of_range", "A record id has at most 200 characters.",
                                        source_id[:77] + "..."))
        if problems:
            bad = True
            reports.append(RowReport(number, source_id, tuple(problems)))
        elif not bad:
            assert result.record is not None
            records.append(result.record)
            ids.append(source_id)
        if progress is not None and number % 5000 == 0:
            progress(number, total)
    n_rows = number
    if bad:
        return ImportReport(n_rows=n_rows, rows=tuple(reports))
    if not records:
        return _file_problem("empty_file", "The file has no data rows.")
    # Only bad rows are kept in ``rows``: a report of 100,000 good rows says nothing more.
    return ImportReport(n_rows=n_rows, rows=(), records=tuple(records), source_ids=tuple(ids))


def parse_file(
    data: bytes,
    fmt: str,
    *,
    mapping: ColumnMapping | None = None,
    schema: Schema = HTCDS,
    today: dt.date | None = None,
    require_consent: bool = True,
    progress: Progress | None = None,
) -> ImportReport:
    """Read, map and validate a whole file. Never raises on bad input: every problem is in the
    report (``row`` 0 for the file as a whole). ``records`` only when every row is valid."""
    if fmt not in FORMATS:
        return _file_problem("unknown_format", "Unknown format. One of: " + ", ".join(FORMATS) + ".")
    options = {"schema": schema, "today": today, "progress": progress, "require_consent": require_consent}
    if fmt == "xlsx":
        sheet = _xlsx_rows(data)
        if isinstance(sheet, ImportReport):
            return sheet
        header, body = sheet
        return _validate(_sheet_rows(header, body, mapping, restore=False, schema=schema), text=True, total=len(body),
                         **options)
    text = _text(data)
    if text is None:
        return _file_problem("not_utf8", "The file is not UTF-8 text.")
    if fmt in ("htcds_csv", "csv", "kobo_csv"):
        first = text.split("\n", 1)[0]
        delimiter = ";" if fmt == "kobo_csv" and first.count(";") > first.count(",") else ","
        parsed = _csv_rows(text, delimiter)
        if isinstance(parsed, ImportReport):
            return parsed
        header, body = parsed
        if fmt == "kobo_csv":
            rows: Iterable[tuple[str, object]] = (
                _kobo_record(dict(zip(header, cells, strict=False)), schema) for cells in body)
        else:
            rows = _sheet_rows(header, body, mapping, restore=True, schema=schema)
        return _validate(rows, text=True, total=len(body), **options)
    try:
        loaded = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        return _file_problem("bad_json", f"The file is not valid JSON: {error}.")
    if fmt == "kobo_json":
        if isinstance(loaded, dict) and isinstance(loaded.get("results"), list):
            loaded = loaded["results"]
        if not isinstance(loaded, list):
            return _file_problem("not_a_list", 'Expected a list of submissions or {"results": [...]}.')
        kobo = ((_kobo_record({str(k): v for k, v in item.items()}, schema) if isinstance(item, dict) else ("", item))
                for item in loaded)
        return _validate(kobo, text=True, total=len(loaded), **options)
    if isinstance(loaded, dict) and set(loaded) == {"records"}:
        loaded = loaded["records"]
    if not isinstance(loaded, list):
        return _file_problem("not_a_list", 'Expected a list of records or {"records": [...]}.')
    return _validate(_json_rows(loaded), text=False, total=len(loaded), **options)


def sheet_header(data: bytes, fmt: str) -> list[str]:
    """The column names of a sheet (for the mapping page); empty when the file cannot be read."""
    if fmt == "xlsx":
        sheet = _xlsx_rows(data)
        return [] if isinstance(sheet, ImportReport) else [h for h in sheet[0] if h]
    text = _text(data)
    if text is None:
        return []
    parsed = _csv_rows(text.split("\n", 1)[0] + "\n", ",")
    return [] if isinstance(parsed, ImportReport) else [h for h in parsed[0] if h]


# ------------------------------------------------------------------------------------- the key


def record_key(secret: bytes, *, source_id: str, record: Mapping[str, Any]) -> str:
    """The stable keyed identity of one imported row (module docstring), 64 hex characters."""
    if len(secret) < 32:
        raise ValueError("a record-key secret has at least 32 bytes")
    if source_id:
        message = b"id\x00" + source_id.strip().encode()
    else:
        message = b"row\x00" + json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


# ---------------------------------------------------------------------- HTCDS <-> case content

IDENTITY_FIELDS = frozenset({
    "prs_Salutation", "prs_FirstName", "prs_MiddleName", "prs_SecondName", "prs_Birthdate", "prs_IdentityNumber",
    "prs_Title", "prs_Email", "prs_HomePhone", "prs_MobilePhone", "prs_MailingCity", "prs_MailingCountry",
    "prs_MailingState", "prs_MailingStreet", "prs_MailingPostalCode", "prs_MailingLongitude", "prs_MailingLatitude",
})
HEALTH_FIELDS = frozenset({"vic_Vulnerabilities", "vic_DetailsOfVulnerabilities"})
SEXUAL_FIELDS = frozenset({"vic_TypeOfSexExploitation"})
#: Fields kept in the case's clear columns, not in the sealed content.
CLEAR_FIELDS = frozenset({"cas_Status"})


def field_section(name: str) -> str:
    """The section of the case content an HTCDS field is sealed in (cases.access.SECTIONS): a
    health or sexual-history field only where those sections' readers see it."""
    if name in IDENTITY_FIELDS:
        return "identity"
    if name in HEALTH_FIELDS:
        return "health"
    if name in SEXUAL_FIELDS:
        return "sexual"
    return "situation"


def _pairs(*items: tuple[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    forward = dict(items)
    return forward, {h: t for t, h in items}


SEX_MAP = _pairs(("feminine", "Feminine"), ("masculine", "Masculine"), ("transgender_feminine", "TransgenderFeminine"),
                 ("transgender_masculine", "TransgenderMasculine"), ("non_conforming", "NonConforming"),
                 ("unknown", "NonSpecifiedUnknown"))
STATUS_MAP = _pairs(("possible", "PossibleVictimOfTrafficking"), ("actual", "ActualVictimOfTrafficking"),
                    ("not_victim", "NotAVictimOfTrafficking"))
CASE_STATUS_MAP = _pairs(("active", "Active"), ("follow_up", "FollowUp"), ("closed", "Closed"),
                         ("closed_referred", "ClosedReferred"))
RECRUITMENT_MAP = _pairs(("business", "AtAPlaceOfBusiness"), ("education", "AtAnEducationalInstitution"),
                         ("work", "AtWork"), ("social_network", "ThroughOnlineSocialNetworks"),
                         ("online_ad", "ThroughAnOnlineAdvertisement"), ("family", "ThroughFamilyOrFamilyEvents"),
                         ("friends", "ThroughFriendsOrSocialEvents"), ("other", "Other"))
CONTROL_MAP = _pairs(
    ("physical_threats", "PhysicalThreats"), ("law_enforcement_threats", "ThreatsLawEnforcement"),
    ("family_threats", "ThreatensChildrenFamily"), ("debt_bondage", "DebtBondage"), ("false_promises", "FalsePromises"),
    ("physical_abuse", "PhysicalAbuse"), ("sexual_abuse", "SexualAbuse"), ("takes_earnings", "TakesEarnings"),
    ("restricts_finance", "RestrictsFinancialAccess"), ("restricts_medical", "RestrictsMedicalCare"),
    ("withholds_necessities", "WithholdsNecessities"), ("psychological_abuse", "PsychologicalAbuse"),
    ("substances", "PsychoactiveSubstance"), ("excessive_hours", "ExcessiveWorkingHours"),
    ("withholds_documents", "WithholdsDocuments"), ("other", "Other"))
EXPLOITATION_MAP = _pairs(
    ("forced_labour", "ForcedLabour"), ("sexual", "SexualExploitation"), ("child_labour", "ChildLabour"),
    ("forced_marriage", "ForcedMarriage"), ("servitude", "Servitude"), ("organ_removal", "OrganRemoval"),
    ("forced_begging", "ForcedBegging"), ("other", "Other"))
SEX_EXPLOITATION_MAP = _pairs(("prostitution", "Prostitution"), ("pornography", "Pornography"),
                              ("remote", "RemoteInteractiveServices"), ("private", "PrivateSexualServices"))
INDUSTRY_LETTERS = ("A", "C", "F", "I", "Q", "T", "R")
_ALPHA3_TO_ALPHA2 = {three: two for two, three in COUNTRY_ALPHA2_TO_ALPHA3.items()}


def _many(table: dict[str, str], values: object, *, fallback: str = "other") -> list[str]:
    out: list[str] = []
    for value in values if isinstance(values, list) else []:
        mapped = table.get(value, fallback)
        if mapped and mapped not in out:
            out.append(mapped)
    return out


def _full_name(record: Mapping[str, Any]) -> str:
    return " ".join(str(record[n]) for n in ("prs_FirstName", "prs_MiddleName", "prs_SecondName") if record.get(n))


def _industry(value: object) -> str:
    if not isinstance(value, str) or not value:
        return ""
    letter = value.split("_", 1)[0]
    return letter if letter in INDUSTRY_LETTERS else "other"


# Each derived tipnet field: (section, name, from HTCDS record, to HTCDS fields). On export the
# stored HTCDS original is kept for these fields while it still derives the value the case holds
# now; once the case was edited on its page, the edited value is written out instead.
def _to_names(r: Mapping[str, Any]) -> list[str]:
    return [_full_name(r)] if _full_name(r) else []


def _from_names(value: Any) -> dict[str, Any]:
    names = value or []
    return {"prs_FirstName": names[0]} if names else {}


def _to_languages(r: Mapping[str, Any]) -> list[str]:
    return [r[n] for n in ("prs_PrimaryLanguage", "prs_SecondaryLanguage") if r.get(n)]


def _from_languages(value: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    known = allowed_codes("iso639")
    codes = [c for c in value or [] if c in known]  # "zh-hans" and the like have no ISO 639 code
    for name, code in zip(("prs_PrimaryLanguage", "prs_SecondaryLanguage"), codes, strict=False):
        out[name] = code
    return out


def _to_citizenships(r: Mapping[str, Any]) -> list[str]:
    return [COUNTRY_ALPHA2_TO_ALPHA3.get(c, c) for c in r.get("prs_Citizenship") or []]


def _from_citizenships(value: Any) -> dict[str, Any]:
    codes = [_ALPHA3_TO_ALPHA2.get(c, "") for c in value or []]
    codes = [c for c in codes if c]
    return {"prs_Citizenship": codes} if codes else {}


def _one(name: str, table: dict[str, str], default: str) -> tuple[Callable[[Mapping[str, Any]], Any],
                                                                 Callable[[Any], dict[str, Any]]]:
    forward, back = table, {v: k for k, v in table.items()}

    def to_tipnet(r: Mapping[str, Any]) -> Any:
        return back.get(r.get(name) or "", default)

    def to_htcds(value: Any) -> dict[str, Any]:
        return {name: forward[value]} if value in forward and value != default else {}

    return to_tipnet, to_htcds


def _list(name: str, pairs: tuple[dict[str, str], dict[str, str]]) -> tuple[Callable[[Mapping[str, Any]], Any],
                                                                          Callable[[Any], dict[str, Any]]]:
    forward, back = pairs

    def to_tipnet(r: Mapping[str, Any]) -> Any:
        return _many(back, r.get(name))

    def to_htcds(value: Any) -> dict[str, Any]:
        items = [forward[v] for v in value or [] if v in forward]
        return {name: items} if items else {}

    return to_tipnet, to_htcds


def _plain(name: str, *, empty: Any = None) -> tuple[Callable[[Mapping[str, Any]], Any], Callable[[Any], dict[str, Any]]]:
    def to_tipnet(r: Mapping[str, Any]) -> Any:
        value = r.get(name)
        return empty if value is None else value

    def to_htcds(value: Any) -> dict[str, Any]:
        return {} if value in (None, "", empty) else {name: value}

    return to_tipnet, to_htcds


_SEX = _one("prs_Gender", SEX_MAP[0], "unknown")
_STATUS = _one("vic_TraffickingStatus", STATUS_MAP[0], "possible")
DERIVED: tuple[tuple[str, str, frozenset[str], Callable[[Mapping[str, Any]], Any], Callable[[Any], dict[str, Any]]], ...] = (
    ("identity", "names", frozenset({"prs_FirstName", "prs_MiddleName", "prs_SecondName"}), _to_names, _from_names),
    ("identity", "birth_date", frozenset({"prs_Birthdate"}), *_plain("prs_Birthdate", empty="")),
    ("situation", "sex", frozenset({"prs_Gender"}), *_SEX),
    ("situation", "citizenships", frozenset({"prs_Citizenship"}), _to_citizenships, _from_citizenships),
    ("situation", "languages", frozenset({"prs_PrimaryLanguage", "prs_SecondaryLanguage"}), _to_languages,
     _from_languages),
    ("situation", "age_trafficked", frozenset({"vic_AgeWhenTrafficked"}), *_plain("vic_AgeWhenTrafficked")),
    ("situation", "trafficking_status", frozenset({"vic_TraffickingStatus"}), *_STATUS),
    ("situation", "recruitment", frozenset({"vic_MethodOfRecruitment"}), *_list("vic_MethodOfRecruitment", RECRUITMENT_MAP)),
    ("situation", "control", frozenset({"vic_MethodsOfControl"}), *_list("vic_MethodsOfControl", CONTROL_MAP)),
    ("situation", "exploitation", frozenset({"vic_TypeOfExploitation"}), *_list("vic_TypeOfExploitation", EXPLOITATION_MAP)),
    ("situation", "industry", frozenset({"vic_ForcedLabourIndustry"}),
     lambda r: _industry(r.get("vic_ForcedLabourIndustry")), lambda v: {}),
    ("sexual", "sex_exploitation", frozenset({"vic_TypeOfSexExploitation"}),
     *_list("vic_TypeOfSexExploitation", SEX_EXPLOITATION_MAP)),
)
SECTIONS = ("identity", "situation", "health", "sexual")


def htcds_to_case(record: Mapping[str, Any]) -> tuple[dict[str, dict[str, Any]], str]:
    """(sealed content by section, case status) of a validated HTCDS record. Each section keeps the
    original HTCDS fields that belong to it under ``"htcds"`` (so an export gives them back
    unchanged) beside tipnet's own fields derived from them (what the case page shows and the
    duplicate warning indexes)."""
    content: dict[str, dict[str, Any]] = {s: {} for s in SECTIONS}
    for name, value in record.items():
        if name in CLEAR_FIELDS:
            continue
        content[field_section(name)].setdefault("htcds", {})[name] = value
    for section, name, _sources, to_tipnet, _to_htcds in DERIVED:
        value = to_tipnet(record)
        if value not in (None, "", []):
            content[section][name] = value
    status = CASE_STATUS_MAP[1].get(str(record.get("cas_Status") or ""), "active")
    return content, status


def case_to_htcds(
    content: Mapping[str, Mapping[str, Any]], *, status: str, consent: bool, sections: Collection[str] = SECTIONS,
    drop: Collection[str] = (),
) -> dict[str, Any]:
    """The HTCDS record of a case: the stored originals where they still agree with the case, the
    case's own fields otherwise, only from the ``sections`` the exporter may see, without the
    fields in ``drop`` (a de-identified export). Keys in the standard's order."""
    record: dict[str, Any] = {}
    for section in SECTIONS:
        if section not in sections:
            continue
        record.update((content.get(section) or {}).get("htcds") or {})
    for section, name, sources, to_tipnet, to_htcds in DERIVED:
        if section not in sections:
            continue
        current = (content.get(section) or {}).get(name)
        if _same(to_tipnet(record), current):
            continue  # the original still says what the case says: keep it as it was given
        for source in sources:
            record.pop(source, None)
        record.update(to_htcds(current))
    if status in CASE_STATUS_MAP[0]:
        record["cas_Status"] = CASE_STATUS_MAP[0][status]
    if consent:
        record["con_Consent"] = True
    elif record.get("con_Consent") is True:
        record.pop("con_Consent")
    return {name: record[name] for name in HTCDS.names if name in record and name not in drop
            and record[name] not in (None, "", [])}


def _same(derived: Any, current: Any) -> bool:
    empty = (None, "", [])
    if derived in empty and current in empty:
        return True
    return bool(derived == current)


#: Fields that name or reach a person: left out of a research export (de-identified).
IDENTIFYING = IDENTITY_FIELDS | frozenset({"per_RoleDetails", "per_Organisation", "cco_CaseComment", "hte_Street",
                                           "hte_PostalCode", "hte_Latitude", "hte_Longitude", "hte_Description",
                                           "vic_DetailsOfVulnerabilities", "cas_ReasonForCaseClosure",
                                           "cas_IncomingReferralDetails", "cas_OutgoingReferralDetails",
                                           "cas_CaseOwner", "cas_ReferringPrimaryCaseWorker",
                                           "cas_ReferredPrimaryCaseWorker", "spl_Objectives", "spl_ActionPlan"})


# ------------------------------------------------------------------------------------- writing


def _cell(value: object) -> str:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def write_records_csv(records: Iterable[tuple[str, Mapping[str, Any]]], out: io.TextIOBase | Any) -> int:
    """HTCDS CSV of (record id, record) pairs into ``out``: ``record_id`` first, then every HTCDS
    field in the standard's order (a fixed header, so the file can be streamed), formula-like cells
    neutralised (``csvsafe``). Returns the number of rows."""
    writer = csvsafe.writer(out, lineterminator="\r\n")
    names = HTCDS.names
    writer.writerow([ID_COLUMN, *names])
    count = 0
    for source_id, record in records:
        writer.writerow([source_id, *(_cell(record.get(name)) for name in names)])
        count += 1
    return count


def write_records_json(records: Iterable[tuple[str, Mapping[str, Any]]], out: io.TextIOBase | Any) -> int:
    """``{"records": [...]}`` with ``record_id`` in each record, streamed into ``out``."""
    out.write('{"records": [')
    count = 0
    for source_id, record in records:
        out.write(",\n " if count else "\n ")
        out.write(json.dumps({ID_COLUMN: source_id, **record}, ensure_ascii=False))
        count += 1
    out.write("\n]}\n")
    return count


