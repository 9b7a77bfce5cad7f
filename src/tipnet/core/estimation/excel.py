"""Capture tables from Excel (.xlsx): the first sheet, read in memory, checked before it is parsed.

One reader for the command line (``tipnet estimate table.xlsx``) and the research page, so both
accept the same files and refuse the same ones. The refusals carry a stable ``code`` so the web
layer can say them in the user's language:

``sheet_too_big``
    A sheet larger than any capture table can be (``MAX_SHEET_ROWS`` rows or
    ``MAX_SHEET_COLUMNS`` columns). openpyxl opens every sheet, and a sheet without a
    ``<dimension>`` is parsed to its end just to size it (59 s for 2,000,000 rows zipped into
    331 KB), so each sheet's XML is streamed first and the count stops at the limit.
``excel_dtd``
    An XML document type declaration (entities): refused by defusedxml.
``excel_unreadable``
    Anything else that keeps the workbook from being read.
"""

from __future__ import annotations

import csv
import io
import zipfile

from .table import MAX_LISTS, TableError

__all__ = ["EXCEL_MAGIC", "MAX_SHEET_COLUMNS", "MAX_SHEET_ROWS", "excel_to_csv", "is_excel"]

#: Every .xlsx file is a zip archive.
EXCEL_MAGIC = b"PK\x03\x04"
#: A capture table has at most 2**12 - 1 patterns (MAX_LISTS), a header and a few blank rows.
MAX_SHEET_ROWS = 2**MAX_LISTS + 100
#: One column per list, the count, and a few notes.
MAX_SHEET_COLUMNS = MAX_LISTS + 8
#: A full 4,196-row sheet of 20 columns is about 5 MB of XML.
MAX_SHEET_XML_BYTES = 32 * 1024 * 1024


def is_excel(name: str, data: bytes) -> bool:
    """An .xlsx file, by its name or its first bytes (a zip archive)."""
    return name.lower().endswith(".xlsx") or data.startswith(EXCEL_MAGIC)


def _too_big() -> TableError:
    return TableError(
        f"the sheet is too large for a capture table: at most {MAX_SHEET_ROWS} rows and "
        f"{MAX_SHEET_COLUMNS} columns. Copy just the table to a new sheet and try again",
        code="sheet_too_big",
        params={"max_rows": MAX_SHEET_ROWS, "max_columns": MAX_SHEET_COLUMNS},
    )


def _dtd() -> TableError:
    return TableError(
        "the Excel file contains an XML document type declaration (DTD), which is refused. "
        "Save it again from Excel or LibreOffice, or use CSV",
        code="excel_dtd",
    )


def _unreadable() -> TableError:
    return TableError("the Excel file could not be read", code="excel_unreadable")


def _check_sheet_shapes(data: bytes) -> None:
    """Refuse a workbook with a sheet too large for a capture table before openpyxl reads it:
    the declared dimension, the rows and the cells per row as they come (defusedxml: no entities)."""
    from defusedxml.ElementTree import iterparse
    from openpyxl.utils.cell import range_boundaries

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            if info.file_size > MAX_SHEET_XML_BYTES:
                raise _too_big()
            rows = cells = 0
            with archive.open(info) as source:
                for _event, element in iterparse(source, events=("start",)):
                    tag = element.tag.rsplit("}", 1)[-1]
                    if tag == "row":
                        rows, cells = rows + 1, 0
                        number = element.get("r", "")
                        if rows > MAX_SHEET_ROWS or (number.isdigit() and int(number) > MAX_SHEET_ROWS):
                            raise _too_big()
                    elif tag == "c":
                        cells += 1
                        if cells > MAX_SHEET_COLUMNS:
                            raise _too_big()
                    elif tag == "dimension":
                        try:
                            _min_col, _min_row, max_col, max_row = range_boundaries(element.get("ref", ""))
                        except (TypeError, ValueError):
                            continue
                        if (max_row or 0) > MAX_SHEET_ROWS or (max_col or 0) > MAX_SHEET_COLUMNS:
                            raise _too_big()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def excel_to_csv(data: bytes) -> str:
    """The first sheet as CSV text, its shape checked first so that a sheet of millions of rows
    costs milliseconds, not a minute.

    Raises
    ------
    TableError
        With ``code`` ``sheet_too_big``, ``excel_dtd`` or ``excel_unreadable``.
    """
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from openpyxl import load_workbook

    try:
        _check_sheet_shapes(data)
    except DefusedXmlException as error:
        raise _dtd() from error
    except (ParseError, ValueError, OSError, EOFError, zipfile.BadZipFile) as error:
        if isinstance(error, TableError):
            raise
        raise _unreadable() from error
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except DefusedXmlException as error:
        raise _dtd() from error
    except Exception as error:  # openpyxl raises several unrelated types for a damaged file
        raise _unreadable() from error
    try:
        sheet = workbook.worksheets[0]
        # The dimension may be missing or lie (openpyxl would then cut the sheet short): read what
        # is really there, counting again (openpyxl fills in skipped row numbers), to the limit.
        sheet.reset_dimensions()
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_SHEET_ROWS or len(row) > MAX_SHEET_COLUMNS:
                raise _too_big()
            cells = [_cell_text(value) for value in row]
            if any(cells):
                writer.writerow(cells)
        return out.getvalue()
    except TableError:
        raise
    except DefusedXmlException as error:
        raise _dtd() from error
    except Exception as error:  # the sheet's XML is parsed while streaming: damage shows up here
        raise _unreadable() from error
    finally:
        workbook.close()
