"""The directory as CSV (UTF-8, one service per row, a header row).

Lists hold codes separated by ";" (``shelter;legal``); prefectures may be codes or names
(``23;Gifu;三重県``) and are written back as codes. An empty ``id`` creates a service, an ``id``
updates that service. The organisation is named exactly as in tipnet and must exist.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from tipnet.core import csvsafe
from tipnet.web.accounts.models import Organisation
from tipnet.web.directory.models import Service, hours_language, text_field_name
from tipnet.web.directory.prefectures import prefecture_lookup

PAGE_LANGUAGES = [code for code, _name in settings.LANGUAGES]
LIST_FIELDS = ("kinds", "sexes", "residence", "exploitation", "languages")
INT_FIELDS = ("age_min", "age_max", "beds_total", "beds_free")
BOOL_FIELDS = ("nationwide", "is_demo", "is_published")
TEXT_FIELDS = (
    "name", "nationalities", "eligibility_note", "phone", "email", "line_id", "website", "cost", "verification",
    "source",
)
# One column per text and page language: name_vi, hours_vi, description_vi, ... (TEXT_COLUMNS).
TEXT_COLUMNS = {
    text_field_name(kind, code): (kind, code) for kind in ("name", "hours", "description") for code in PAGE_LANGUAGES
}
# Files exported before texts per language had one "hours" column, in no stated language.
LEGACY_HOURS = "hours"
COLUMNS = [
    "id", "organisation", "name", "kinds", "sexes", "age_min", "age_max", "residence", "nationalities",
    "exploitation", "eligibility_note", "languages", "nationwide", "prefectures", "phone", "email", "line_id",
    "website", "cost", "beds_total", "beds_free", "capacity_updated_at", "verification", "verified_on",
    "source", "is_demo", "is_published", *TEXT_COLUMNS,
]
REQUIRED_COLUMNS = {"organisation", "name", "kinds", "sexes", "residence", "languages", "prefectures", "nationwide"}
TRUE = {"1", "true", "yes", "y"}
FALSE = {"0", "false", "no", "n", ""}
MAX_ROWS = 50_000


class CsvImportError(Exception):
    """Every bad line with its reason (translated); nothing was imported."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


class _RowError(ValueError):
    pass


def _int(name: str, value: str) -> int | None:
    if not value.strip():
        return None
    try:
        number = int(value)
    except ValueError:
        raise _RowError(_("%(column)s: not a whole number: %(value)s") % {"column": name, "value": value}) from None
    if number < 0:
        raise _RowError(_("%(column)s: cannot be below zero") % {"column": name})
    return number


def _bool(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise _RowError(_("%(column)s: expected yes or no, got %(value)s") % {"column": name, "value": value})


def _date(name: str, value: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise _RowError(_("%(column)s: expected a date like 2026-04-01, got %(value)s") % {"column": name, "value": value}) from None


def _datetime(name: str, value: str) -> datetime | None:
    if not value.strip():
        return None
    parsed = None
    try:
        parsed = parse_datetime(value.strip())
    except ValueError:
        pass
    if parsed is None:
        raise _RowError(_("%(column)s: expected a date and time like 2026-04-01T09:00+09:00, got %(value)s") % {"column": name, "value": value})
    return parsed


def _service_from_row(row: dict[str, str], organisations: dict[str, Organisation]) -> Service:
    # The export guards cells against spreadsheet formulas with a leading quote; take it off again.
    row = {key: csvsafe.restore(value or "") for key, value in row.items() if key is not None}
    service_id = _int("id", row.get("id", ""))
    if service_id is not None:
        service = Service.objects.filter(pk=service_id).first()
        if service is None:
            raise _RowError(_("id: no service %(id)s to update") % {"id": service_id})
    else:
        service = Service()
    org_name = row.get("organisation", "").strip()
    organisation = organisations.get(org_name)
    if organisation is None:
        raise _RowError(_("organisation: unknown organisation %(name)s (create it first)") % {"name": org_name or "-"})
    service.organisation = organisation
    for name in TEXT_FIELDS:
        if name in row:
            setattr(service, name, row[name].strip())
    for name in LIST_FIELDS:
        if name in row:
            setattr(service, name, _split(row[name]))
    if "prefectures" in row:
        codes = []
        for part in _split(row["prefectures"]):
            prefecture = prefecture_lookup(part)
            if prefecture is None:
                raise _RowError(_("prefectures: unknown prefecture %(name)s") % {"name": part})
            codes.append(prefecture.code)
        service.prefectures = codes
    for name in INT_FIELDS:
        if name in row:
            setattr(service, name, _int(name, row[name]))
    for name in BOOL_FIELDS:
        if name in row:
            setattr(service, name, _bool(name, row[name]) if row[name].strip() or name != "is_published" else True)
    if "verified_on" in row:
        service.verified_on = _date("verified_on", row["verified_on"])
    if "capacity_updated_at" in row:
        service.capacity_updated_at = _datetime("capacity_updated_at", row["capacity_updated_at"])
    texts = {code: dict(entry) for code, entry in (service.texts or {}).items() if isinstance(entry, dict)}
    given = {column: (kind, code) for column, (kind, code) in TEXT_COLUMNS.items() if column in row}
    if LEGACY_HOURS in row and row[LEGACY_HOURS].strip():
        column = text_field_name("hours", hours_language(row[LEGACY_HOURS]))
        given.setdefault(column, TEXT_COLUMNS[column])
        row.setdefault(column, row[LEGACY_HOURS])
    for column, (kind, code) in given.items():
        value = row[column].strip()
        if value:
            texts.setdefault(code, {})[kind] = value
        else:
            texts.get(code, {}).pop(kind, None)
    service.texts = {code: entry for code, entry in texts.items() if entry}
    if not service.cost:
        service.cost = "unknown"
    if not service.verification:
        service.verification = "to_verify"
    try:
        service.full_clean(exclude=["organisation"])
    except ValidationError as error:
        details = error.message_dict if hasattr(error, "message_dict") else {"": error.messages}
        raise _RowError("; ".join(f"{name}: {' '.join(msgs)}" if name else " ".join(msgs) for name, msgs in details.items())) from None
    return service


def parse_csv(text: str) -> list[Service]:
    """Check every row; return unsaved services, or raise CsvImportError naming each bad line."""
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    if not header:
        raise CsvImportError([_("The file is empty.")])
    reader.fieldnames = header
    unknown = [name for name in header if name not in COLUMNS and name != LEGACY_HOURS]
    missing = sorted(REQUIRED_COLUMNS - set(header))
    problems = []
    if unknown:
        problems.append(_("line 1: unknown column: %(names)s") % {"names": ", ".join(unknown)})
    if missing:
        problems.append(_("line 1: missing column: %(names)s") % {"names": ", ".join(missing)})
    if problems:
        raise CsvImportError(problems)
    organisations = {org.name: org for org in Organisation.objects.all()}
    services: list[Service] = []
    seen_ids: dict[int, int] = {}
    try:
        for row in reader:
            line = reader.line_num
            if len(services) + len(problems) >= MAX_ROWS:
                problems.append(_("line %(line)s: more than %(max)s rows") % {"line": line, "max": MAX_ROWS})
                break
            if None in row:
                problems.append(_("line %(line)s: more cells than columns") % {"line": line})
                continue
            if not any((value or "").strip() for value in row.values()):
                continue
            try:
                service = _service_from_row(row, organisations)
            except _RowError as error:
                problems.append(_("line %(line)s: %(reason)s") % {"line": line, "reason": str(error)})
                continue
            if service.pk is not None:
                if service.pk in seen_ids:
                    problems.append(
                        _("line %(line)s: id %(id)s is also on line %(other)s") % {"line": line, "id": service.pk, "other": seen_ids[service.pk]}
                    )
                    continue
                seen_ids[service.pk] = line
            services.append(service)
    except csv.Error as error:
        problems.append(_("line %(line)s: %(reason)s") % {"line": reader.line_num, "reason": str(error)})
    if problems:
        raise CsvImportError(problems)
    return services


def _cell(service: Service, name: str) -> str:
    if name == "organisation":
        return service.organisation.name
    if name == "id":
        return str(service.pk)
    if name in TEXT_COLUMNS:
        kind, code = TEXT_COLUMNS[name]
        return service.text_value(kind, code)
    value = getattr(service, name)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def services_to_csv(services: list[Service]) -> str:
    out = io.StringIO()
    # Directory text is typed by many people: no cell may run as a formula in a spreadsheet.
    writer = csvsafe.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for service in services:
        writer.writerow([_cell(service, name) for name in COLUMNS])
    return out.getvalue()
