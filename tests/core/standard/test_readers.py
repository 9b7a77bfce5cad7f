"""HTCDS CSV/JSON and KoboToolbox readers: a row-by-row report, and no records if any row is bad."""

from __future__ import annotations

import json
from pathlib import Path

from tipnet.core.standard import (
    read_htcds_csv,
    read_htcds_json,
    read_kobo_csv,
    read_kobo_json,
    write_htcds_csv,
)

FILES = Path(__file__).parent / "files"

GOOD_CSV = (
    "prs_Gender,prs_Birthdate,prs_Citizenship,vic_MethodsOfControl,con_Consent,prs_MobilePhone\r\n"
    "Feminine,1999-04-12,VN,DebtBondage;TakesEarnings,true,'+818012345678\r\n"
    "Masculine,,PH;JP,,false,\r\n"
)


def test_htcds_csv_reads_every_row() -> None:
    report = read_htcds_csv(GOOD_CSV.encode())
    assert report.ok and report.n_rows == 2, report.summary()
    assert report.records[0] == {
        "prs_Gender": "Feminine", "prs_Birthdate": "1999-04-12", "prs_Citizenship": ["VN"],
        "vic_MethodsOfControl": ["DebtBondage", "TakesEarnings"], "con_Consent": True,
        "prs_MobilePhone": "+818012345678",  # the formula guard of tipnet's own export is undone
    }
    assert report.records[1]["prs_Citizenship"] == ["PH", "JP"]


def test_one_bad_row_means_no_records_and_every_problem_listed() -> None:
    bad = GOOD_CSV + "Female,2001-02-30,XX,,maybe,\r\n"
    report = read_htcds_csv(bad)
    assert not report.ok and report.records == ()
    (row,) = report.bad_rows
    assert row.row == 3
    assert {(p.field, p.code) for p in row.problems} == {
        ("prs_Gender", "not_allowed"), ("prs_Birthdate", "impossible_date"), ("prs_Citizenship", "not_allowed"),
        ("con_Consent", "wrong_type"),
    }
    assert "row 3: prs_Birthdate: impossible_date" in report.summary()
    assert report.to_dict()["rows"][0]["row"] == 3


def test_file_level_problems() -> None:
    assert read_htcds_csv(b"\xff\xfe\x00").rows[0].problems[0].code == "not_utf8"
    assert read_htcds_csv("").rows[0].problems[0].code == "empty_file"
    assert read_htcds_csv("prs_Gender,prs_Gender\nFeminine,Feminine\n").rows[0].problems[0].code == "duplicate_column"
    assert read_htcds_csv("prs_Gender\n").rows[0].problems[0].code == "empty_file"
    assert read_htcds_json("{").rows[0].problems[0].code == "bad_json"
    assert read_htcds_json('{"a": 1}').rows[0].problems[0].code == "not_a_list"
    assert read_htcds_csv("prs_Gender\nFeminine,extra\n").bad_rows[0].row == 1


def test_htcds_json_typed_records() -> None:
    data = json.dumps({"records": [{"prs_Gender": "Feminine", "prs_Citizenship": ["VN"]}, {"prs_NumberOfChildren": "2"}]})
    report = read_htcds_json(data)
    assert not report.ok and report.records == ()
    assert [(r.row, [p.code for p in r.problems]) for r in report.bad_rows] == [(2, ["wrong_type"])]
    assert read_htcds_json('[{"prs_Gender": "Feminine"}]').records == ({"prs_Gender": "Feminine"},)


def test_write_then_read_gives_the_same_records() -> None:
    records = read_htcds_csv(GOOD_CSV).records
    text = write_htcds_csv(records)
    assert "'+818012345678" in text  # a cell starting with + is neutralised for spreadsheets
    assert read_htcds_csv(text).records == records


def test_kobo_export_of_the_htcds_xlsform() -> None:
    """A file shaped like KoboToolbox's CSV export of the HTCDS toolkit's XLSForm: ';' delimiter,
    group paths, the form's older field names and choices, per-choice 0/1 columns, metadata."""
    report = read_kobo_csv((FILES / "kobo_htcds_export.csv").read_bytes())
    assert report.ok, report.summary()
    assert report.source_ids == ("5b1f3a52-7e0c-4d1e-9a35-0c2f8b7d41aa", "c0a8e2d4-11f2-4b8e-8d8e-5e1a7a9f3b02")
    first, second = report.records
    assert first == {
        "prs_FirstName": "Lan", "prs_SecondName": "Nguyen", "prs_Birthdate": "1999-04-12", "prs_Gender": "Feminine",
        "prs_Citizenship": ["VN"], "prs_MobilePhone": "+818012345678", "prs_MailingCountry": "JP",
        "vic_MethodOfRecruitment": ["AtWork"],
        "vic_MethodsOfControl": ["DebtBondage", "TakesEarnings", "WithholdsDocuments"],
        "vic_TypeOfExploitation": ["ForcedLabour"], "vic_ForcedLabourIndustry": "C_Manufacturing",
        "cas_Status": "Active", "cas_ReferringOrganisation": "Fukuoka labour consultation",
        "cas_IncomingReferralDate": "2024-02-28", "cas_ReasonForIncomingReferral": "AdditionalServicesRequired",
    }
    assert second["prs_Gender"] == "NonConforming"
    assert second["vic_MethodOfRecruitment"] == ["ThroughOnlineSocialNetworks"]  # "Unknown" is no answer
    assert second["vic_TypeOfSexExploitation"] == ["Prostitution"]


def test_kobo_per_choice_columns_alone_are_enough() -> None:
    data = "group_v/vic_Methods_of_Control/DebtBondage,group_v/vic_Methods_of_Control/FalsePromises,_uuid\n1,0,abc\n"
    report = read_kobo_csv(data)
    assert report.records == ({"vic_MethodsOfControl": ["DebtBondage"]},)
    assert report.source_ids == ("abc",)


def test_kobo_bad_answer_is_reported_by_row_with_its_uuid() -> None:
    text = (FILES / "kobo_htcds_export.csv").read_text().replace(";1999-04-12;", ";1999-13-12;")
    report = read_kobo_csv(text)
    assert report.records == ()
    (row,) = report.bad_rows
    assert row.row == 1 and row.source_id.startswith("5b1f3a52")
    assert [(p.field, p.code) for p in row.problems] == [("prs_Birthdate", "impossible_date")]


def test_kobo_json_results() -> None:
    data = json.dumps({"count": 1, "results": [{
        "_id": 7, "_uuid": "u-1", "_submission_time": "2024-03-01T00:31:05", "group_p/prs_Gender": "Male",
        "group_v/vic_TypeOfExploitation": "ForcedMilitaryService IllicitActivities", "_attachments": [],
    }]})
    report = read_kobo_json(data)
    assert report.records == ({"prs_Gender": "Masculine",
                               "vic_TypeOfExploitation": ["ForcedMilitaryByNonStateActors", "Other"]},)
    assert read_kobo_json("[1]").bad_rows[0].problems[0].code == "not_an_object"
