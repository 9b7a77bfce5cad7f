"""core.standard.interchange: every format through one pipeline, all-or-nothing reports by row and
field, column mappings, the keyed record identity, HTCDS <-> case content, and CSV written safe."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tipnet.core.standard import interchange as ix

KOBO = Path(__file__).parent / "standard" / "files" / "kobo_htcds_export.csv"
HTCDS_CSV = ("record_id,prs_FirstName,prs_Gender,prs_Citizenship,vic_MethodsOfControl,con_Consent\n"
             "A,Lan,Feminine,VN;PH,DebtBondage,true\n"
             "B,Mai,Masculine,PH,,yes\n")


def codes(report: ix.ImportReport) -> set[tuple[int, str, str]]:
    return {(r.row, p.field, p.code) for r in report.bad_rows for p in r.problems}


def test_htcds_csv_with_record_ids() -> None:
    report = ix.parse_file(HTCDS_CSV.encode(), "htcds_csv")
    assert report.ok and report.n_rows == 2 and report.source_ids == ("A", "B")
    assert report.records[0]["prs_Citizenship"] == ["VN", "PH"] and report.records[1]["con_Consent"] is True


def test_any_bad_row_gives_no_records_and_every_problem() -> None:
    data = HTCDS_CSV + "A,Ana,Female,XX,,true\n,Bo,,,,no\n"
    report = ix.parse_file(data.encode(), "htcds_csv")
    assert not report.ok and report.records == ()
    assert codes(report) == {(3, "prs_Gender", "not_allowed"), (3, "prs_Citizenship", "not_allowed"),
                             (3, "record_id", "duplicate_value"), (4, "con_Consent", "consent_missing")}


@pytest.mark.parametrize(("data", "code"), [
    (b"\xff\xfe\x00", "not_utf8"),
    (b"prs_Gender,prs_Gender\nFeminine,Feminine\n", "duplicate_column"),
    (b"prs_Gender\n", "empty_file"),
    (b"", "empty_file"),
])
def test_file_problems_have_stable_codes(data: bytes, code: str) -> None:
    report = ix.parse_file(data, "htcds_csv")
    assert (0, "", code) in codes(report)


def test_htcds_json_typed_and_wrong_types() -> None:
    good = json.dumps({"records": [{"record_id": "J1", "prs_Gender": "Feminine", "con_Consent": True,
                                    "prs_Citizenship": ["VN"]}]})
    report = ix.parse_file(good.encode(), "htcds_json")
    assert report.ok and report.source_ids == ("J1",)
    bad = json.dumps([{"prs_Gender": 3, "con_Consent": True}, "not a record", {"nope": 1, "con_Consent": True}])
    assert codes(ix.parse_file(bad.encode(), "htcds_json")) == {
        (1, "prs_Gender", "wrong_type"), (2, "", "not_an_object"), (3, "nope", "unknown_field")}
    assert (0, "", "bad_json") in codes(ix.parse_file(b"[{", "htcds_json"))
    assert (0, "", "not_a_list") in codes(ix.parse_file(b'{"a": 1}', "htcds_json"))


def test_the_kobotoolbox_export_needs_the_persons_consent() -> None:
    data = KOBO.read_bytes()
    assert ix.detect_format("export.csv", data) == "kobo_csv"
    without = ix.parse_file(data, "kobo_csv")
    assert {code for _row, _f, code in codes(without)} == {"consent_missing"}
    assert ix.parse_file(data, "kobo_csv", require_consent=False).ok
    lines = data.decode("utf-8-sig").splitlines()
    with_consent = "\n".join([lines[0] + ";group_consent/con_Consent"] + [line + ";yes" for line in lines[1:]]) + "\n"
    report = ix.parse_file(with_consent.encode(), "kobo_csv")
    assert report.ok and all(report.source_ids)  # the _uuid of each submission is its record id


def _xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_excel_sheet_with_a_column_mapping_and_value_translations() -> None:
    data = _xlsx([["No.", "Name", "Sex", "Born", "Control", "OK?"],
                  [1, "Lan", "F", dt.datetime(1999, 4, 3), "debt docs", "Y"],
                  [2, "Mai", "M", None, "", "Y"]])
    assert ix.detect_format("sheet.xlsx", data) == "xlsx"
    mapping = ix.ColumnMapping.from_dict({
        "columns": {"No.": "record_id", "Name": "prs_FirstName", "Sex": "prs_Gender", "Born": "prs_Birthdate",
                    "Control": "vic_MethodsOfControl", "OK?": "con_Consent"},
        "values": {"prs_Gender": {"F": "Feminine", "M": "Masculine"},
                   "vic_MethodsOfControl": {"debt": "DebtBondage", "docs": "WithholdsDocuments"}}})
    report = ix.parse_file(data, "xlsx", mapping=mapping)
    assert report.ok, report.summary()
    assert report.source_ids == ("1", "2")
    assert report.records[0]["prs_Birthdate"] == "1999-04-03"
    assert report.records[0]["vic_MethodsOfControl"] == ["DebtBondage", "WithholdsDocuments"]
    assert ix.ColumnMapping.from_dict(mapping.to_dict()) == mapping
    unmapped = ix.parse_file(data, "xlsx")  # without a mapping the header must be HTCDS names
    assert {code for _r, _f, code in codes(unmapped)} >= {"unknown_field"}


def test_a_mapping_that_cannot_be_used_is_refused() -> None:
    with pytest.raises(ix.MappingError):
        ix.ColumnMapping.from_dict({"columns": {"a": "prs_Nope"}})
    with pytest.raises(ix.MappingError):
        ix.ColumnMapping.from_dict({"columns": {"a": "prs_Gender", "b": "prs_Gender"}})
    with pytest.raises(ix.MappingError):
        ix.ColumnMapping.from_dict(["not", "a", "mapping"])
    suggested = ix.suggest_mapping(["prs gender", "ID", "Remarks"])
    assert suggested.columns == {"prs gender": "prs_Gender", "ID": "record_id", "Remarks": ""}


def test_an_excel_file_with_a_dtd_or_garbage_is_refused() -> None:
    good = _xlsx([["prs_Gender"], ["Feminine"]])
    source = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"<worksheet", b'<!DOCTYPE x [<!ENTITY a "b">]><worksheet', 1)
            target.writestr(item, content)
    assert (0, "", "excel_dtd") in codes(ix.parse_file(out.getvalue(), "xlsx"))
    assert (0, "", "excel_unreadable") in codes(ix.parse_file(b"PK\x03\x04garbage", "xlsx"))
    assert (0, "", "unknown_format") in codes(ix.parse_file(b"x", "pdf"))


def test_the_record_key_is_stable_keyed_and_ignores_spacing_and_order() -> None:
    secret, other = b"k" * 32, b"o" * 32
    first = ix.parse_file(b"prs_FirstName,prs_Gender,con_Consent\nLan,Feminine,true\n", "htcds_csv").records[0]
    second = ix.parse_file(b"prs_Gender,prs_FirstName,con_Consent\n Feminine , Lan ,yes\n", "htcds_csv").records[0]
    assert ix.record_key(secret, source_id="", record=first) == ix.record_key(secret, source_id="", record=second)
    assert ix.record_key(secret, source_id="", record=first) != ix.record_key(other, source_id="", record=first)
    assert ix.record_key(secret, source_id="A", record=first) == ix.record_key(secret, source_id="A", record={})
    assert len(ix.record_key(secret, source_id="A", record={})) == 64
    with pytest.raises(ValueError):
        ix.record_key(b"short", source_id="A", record={})


def test_htcds_to_case_and_back_keeps_every_field_and_puts_each_in_its_section() -> None:
    record = {"prs_FirstName": "Thi", "prs_SecondName": "Lan", "prs_Birthdate": "1999-04-03", "prs_Gender": "Feminine",
              "prs_Citizenship": ["VN"], "vic_TypeOfExploitation": ["ForcedLabour", "Surrogacy"],
              "vic_TypeOfSexExploitation": ["Prostitution"], "vic_Vulnerabilities": ["Poverty"],
              "vic_ForcedLabourIndustry": "B_MiningAndQuarrying", "cas_Status": "FollowUp", "con_Consent": True}
    content, status = ix.htcds_to_case(record)
    assert status == "follow_up"
    assert content["identity"]["names"] == ["Thi Lan"] and "prs_FirstName" in content["identity"]["htcds"]
    assert "vic_Vulnerabilities" in content["health"]["htcds"] and "vic_Vulnerabilities" not in content["situation"]["htcds"]
    assert content["sexual"]["sex_exploitation"] == ["prostitution"]
    assert content["situation"]["exploitation"] == ["forced_labour", "other"] and content["situation"]["industry"] == "other"
    assert ix.case_to_htcds(content, status=status, consent=True) == record
    # a caseworker who sees no health or sexual section exports neither
    partial = ix.case_to_htcds(content, status=status, consent=True, sections=("identity", "situation"))
    assert "vic_Vulnerabilities" not in partial and "vic_TypeOfSexExploitation" not in partial


def test_an_edited_case_exports_what_it_says_now() -> None:
    content, status = ix.htcds_to_case({"prs_FirstName": "Lan", "prs_Gender": "Feminine", "con_Consent": True})
    content["situation"]["sex"] = "non_conforming"
    content["identity"]["names"] = ["Tran Thi Lan"]
    content["situation"]["citizenships"] = ["PHL"]
    record = ix.case_to_htcds(content, status="closed", consent=False)
    assert record == {"prs_FirstName": "Tran Thi Lan", "prs_Gender": "NonConforming", "prs_Citizenship": ["PH"],
                      "cas_Status": "Closed"}


def test_a_case_made_on_the_page_exports_as_htcds() -> None:
    content = {"identity": {"names": ["Nguyen Van Thuong"], "birth_date": "1999-04-03"},
               "situation": {"sex": "masculine", "citizenships": ["VNM"], "languages": ["vi", "zh-hans"],
                             "control": ["debt_bondage"], "trafficking_status": "actual", "age_trafficked": 23},
               "health": {"health_notes": "x"}, "sexual": {"sex_exploitation": []}}
    record = ix.case_to_htcds(content, status="active", consent=True)
    assert record == {"prs_FirstName": "Nguyen Van Thuong", "prs_Birthdate": "1999-04-03", "prs_Gender": "Masculine",
                      "prs_PrimaryLanguage": "vi", "prs_Citizenship": ["VN"], "vic_TraffickingStatus": "ActualVictimOfTrafficking",
                      "vic_AgeWhenTrafficked": 23, "vic_MethodsOfControl": ["DebtBondage"], "cas_Status": "Active",
                      "con_Consent": True}
    assert ix.parse_file(json.dumps([record]).encode(), "htcds_json").ok


def test_written_csv_is_formula_safe_and_reads_back_unchanged() -> None:
    records = [("R-1", {"cco_CaseComment": "=HYPERLINK(\"https://evil.example\")", "prs_FirstName": "+81 Lan",
                        "prs_Citizenship": ["VN", "PH"], "con_Consent": True}),
               ("@x", {"prs_FirstName": "-Mai", "con_Consent": True})]
    out = io.StringIO()
    assert ix.write_records_csv(records, out) == 2
    text = out.getvalue()
    assert "'=HYPERLINK" in text and "'+81 Lan" in text and "'-Mai" in text and "\r\n'@x," in text
    back = ix.parse_file(text.encode(), "htcds_csv")
    assert back.ok and back.source_ids == ("R-1", "@x")
    assert [dict(r) for r in back.records] == [dict(r) for _id, r in records]
    out = io.StringIO()
    ix.write_records_json(records, out)
    assert ix.parse_file(out.getvalue().encode(), "htcds_json").records == back.records
