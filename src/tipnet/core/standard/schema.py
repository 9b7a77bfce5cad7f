"""The HTCDS v2.0 schema as typed data.

The field list is generated from IOM's "HTCDS Field Standards 2.0.ods" by
``tools/gen_htcds_schema.py`` into ``_htcds_v2.py`` and checked in, so nothing here reads the
reference files at run time. This module turns those rows into :class:`Field` objects with a
normalised :class:`FieldType`.

*Required.* HTCDS marks fields "Core" ("should be considered a core component of the standard";
HTCDS Field Column Reference) but makes none mandatory: a record of an anonymous hotline contact
has no first name, e-mail or referring organisation. So ``Field.required`` is False throughout the
standard, and a profile (an organisation's import, a tipnet interchange) passes the names it
insists on to :func:`tipnet.core.standard.validate_record` as ``required=``.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from tipnet.core.standard._htcds_v2 import FIELDS as _FIELDS
from tipnet.core.standard._iso import COUNTRY_ALPHA2_TO_ALPHA3, LANGUAGE_ALPHA2, LANGUAGE_ALPHA3

__all__ = ["HTCDS", "E164", "Field", "FieldType", "Schema", "allowed_codes"]

VERSION = "2.0"

# The notes of every phone field: "Regular Expression: ^\+?[1-9]\d{1,14}$" (E.164).
E164 = re.compile(r"\+?[1-9]\d{1,14}")


class FieldType(enum.StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    PICKLIST = "picklist"
    MULTI_PICKLIST = "multi_picklist"
    DATE = "date"
    CHECKBOX = "checkbox"
    NUMBER = "number"
    GEOLOCATION = "geolocation"
    LOOKUP = "lookup"


_SOURCE_TYPES = {
    "Text": FieldType.TEXT,
    "Long Text": FieldType.LONG_TEXT,
    "Picklist": FieldType.PICKLIST,
    "Multiselect Picklist": FieldType.MULTI_PICKLIST,
    "Date": FieldType.DATE,
    "Checkbox": FieldType.CHECKBOX,
    "Number": FieldType.NUMBER,
    "Geolocation": FieldType.GEOLOCATION,
    "Lookup [to organisation]": FieldType.LOOKUP,
    "Lookup [to person]": FieldType.LOOKUP,
    "Lookup [to user]": FieldType.LOOKUP,
    # per_Organisation has no type in v2.0; read as text (a name), like a lookup written out.
    "": FieldType.TEXT,
}


@dataclass(frozen=True)
class Field:
    """One HTCDS field. ``values`` are the picklist's value names (system identifiers);
    ``code_list`` is ``iso3166`` or ``iso639`` where the standard names a code list instead."""

    name: str
    section: str
    status: str  # "draft" or "deprecated" in v2.0
    core: bool
    label: str
    type: FieldType
    source_type: str
    values: tuple[str, ...]
    value_labels: tuple[str, ...]
    code_list: str
    description: str
    notes: str
    required: bool = False

    @property
    def prefix(self) -> str:
        return self.name.split("_", 1)[0] + "_"

    @functools.cached_property
    def is_phone(self) -> bool:
        return "E.164" in self.notes

    @property
    def is_email(self) -> bool:
        return self.name.endswith("Email")

    @property
    def is_latitude(self) -> bool:
        return self.name.endswith("Latitude")

    @property
    def is_longitude(self) -> bool:
        return self.name.endswith("Longitude")

    def allowed(self) -> frozenset[str] | None:
        """The allowed values of a picklist, or None for a free field."""
        return self._allowed

    @functools.cached_property
    def _allowed(self) -> frozenset[str] | None:
        # Built once a field: validating a file asks for it in every row.
        if self.code_list:
            return allowed_codes(self.code_list)
        if self.values:
            return frozenset(self.values)
        return None


def allowed_codes(code_list: str) -> frozenset[str]:
    """ISO 3166-1 alpha-2 country codes (the standard's "two-letter codes"), or ISO 639-2 codes plus
    the optional ISO 639-1 two-letter codes."""
    if code_list == "iso3166":
        return _COUNTRIES
    if code_list == "iso639":
        return _LANGUAGES
    raise ValueError(code_list)


_COUNTRIES = frozenset(COUNTRY_ALPHA2_TO_ALPHA3)
_LANGUAGES = frozenset(LANGUAGE_ALPHA3 | LANGUAGE_ALPHA2)


def _field(row: Mapping[str, object]) -> Field:
    source_type = str(row["source_type"])
    kind = _SOURCE_TYPES.get(source_type)
    if source_type == "Picklist or Text":
        kind = FieldType.PICKLIST if row["code_list"] else FieldType.TEXT
    if kind is None:
        raise ValueError(f"unknown HTCDS field type {source_type!r}")
    return Field(
        name=str(row["name"]), section=str(row["section"]), status=str(row["status"]), core=bool(row["core"]),
        label=str(row["label"]), type=kind, source_type=source_type,
        values=tuple(row["values"]), value_labels=tuple(row["value_labels"]),  # type: ignore[arg-type]
        code_list=str(row["code_list"]), description=str(row["description"]), notes=str(row["notes"]),
    )


@dataclass(frozen=True)
class Schema:
    """A set of fields by name, in the standard's order."""

    version: str
    fields: tuple[Field, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {f.name: f for f in self.fields})

    def __iter__(self) -> Iterator[Field]:
        return iter(self.fields)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name  # type: ignore[attr-defined]

    def __getitem__(self, name: str) -> Field:
        return self._by_name[name]  # type: ignore[attr-defined,no-any-return]

    def get(self, name: str) -> Field | None:
        return self._by_name.get(name)  # type: ignore[attr-defined,no-any-return]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def to_dict(self) -> dict[str, object]:
        """Plain JSON for documentation and clients."""
        return {
            "version": self.version,
            "fields": [
                {"name": f.name, "type": f.type.value, "required": f.required, "core": f.core, "status": f.status,
                 "label": f.label, "values": list(f.values), "code_list": f.code_list, "description": f.description}
                for f in self.fields
            ],
        }


HTCDS = Schema(version=VERSION, fields=tuple(_field(row) for row in _FIELDS))
