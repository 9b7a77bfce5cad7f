"""HTCDS v2.0 interchange: the schema as typed data, record validation, file readers, CTDC variables.

Plain Python (no Django). The schema is generated once from IOM's field list by
tools/gen_htcds_schema.py and checked in; see docs/api.md. HTCDS is by IOM, CC BY 4.0.
"""

from tipnet.core.standard import ctdc
from tipnet.core.standard.readers import (
    ImportReport,
    RowReport,
    read_htcds_csv,
    read_htcds_json,
    read_htcds_records,
    read_kobo_csv,
    read_kobo_json,
    write_htcds_csv,
    write_htcds_json,
)
from tipnet.core.standard.schema import HTCDS, Field, FieldType, Schema
from tipnet.core.standard.validate import CODES, Problem, RecordResult, validate_record

__all__ = [
    "CODES", "HTCDS", "Field", "FieldType", "ImportReport", "Problem", "RecordResult", "RowReport", "Schema",
    "ctdc", "read_htcds_csv", "read_htcds_json", "read_htcds_records", "read_kobo_csv", "read_kobo_json", "validate_record",
    "write_htcds_csv", "write_htcds_json",
]
