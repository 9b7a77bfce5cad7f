"""Issue 13's import of 100,000 rows in 60 s: the faster paths must give exactly what the plain ones
give (tokens, validation results), so speed never changes what is stored or reported."""

from __future__ import annotations

import datetime
import hashlib
import hmac

from tipnet.core.blindindex import (
    PersonKeys,
    blind_index_secret,
    blind_tokenizer,
    blind_tokens,
    index_terms,
)

SECRET = blind_index_secret(bytes(range(32)))
D = datetime.date

PEOPLE = [
    PersonKeys(names=("Nguyen Van Anh",), birth_date=D(1995, 3, 4)),
    PersonKeys(names=("Nguyen Thi Lan", "グエン・ティ・ラン"), birth_date=D(1995, 4, 3)),
    PersonKeys(names=("佐藤花子",)),
    PersonKeys(names=("Anh Nguyen", "Sato Lan"), birth_date=D(1995, 3, 4)),  # words of earlier names, reordered
    PersonKeys(names=("Maria Santos", "Maria Santos"), birth_date=D(2001, 12, 31), nationality="PHL"),
    PersonKeys(birth_date=D(1980, 1, 1)),
    PersonKeys(),
    PersonKeys(names=("Nguyen Van Anh",), birth_date=D(1995, 3, 4)),  # again: from the caches
]


def test_blind_tokens_are_the_hmac_sha256_of_each_term_cut_to_32_hex() -> None:
    for person in PEOPLE:
        expected = {hmac.new(SECRET, t.encode(), hashlib.sha256).hexdigest()[:32] for t in index_terms(person)}
        assert blind_tokens(secret=SECRET, person=person) == expected


def test_the_import_tokenizer_gives_the_same_tokens_as_blind_tokens() -> None:
    tokens = blind_tokenizer(secret=SECRET)
    for person in PEOPLE + PEOPLE[::-1]:
        assert tokens(person) == blind_tokens(secret=SECRET, person=person)
    other = blind_tokenizer(secret=blind_index_secret(bytes(range(1, 33))))
    assert not other(PEOPLE[0]) & tokens(PEOPLE[0])


def test_leaving_out_empty_cells_changes_no_report_and_no_record() -> None:
    """``parse_file`` skips the empty cells of HTCDS columns before validation; the records and the
    problems are those of every cell validated (an empty cell under an unknown name still counts)."""

    from tipnet.core import csvsafe
    from tipnet.core.standard import interchange as ix
    from tipnet.core.standard.validate import validate_record

    today = D(2026, 12, 6)
    header = ["record_id", "prs_FirstName", "prs_SecondName", "prs_Birthdate", "prs_Citizenship", "cco_CaseComment",
              "con_Consent", "prs_Gender"]
    rows = [["A", "Lan", "", "1999-04-03", "VN; PH", "'=SUM(A1)", "true", ""],
            ["B", "  ", "Cruz", "", "", "", "yes", "   "]]
    good = "\n".join(",".join(r) for r in [header, *rows]) + "\n"
    report = ix.parse_file(good.encode(), "htcds_csv", today=today)
    assert report.ok and report.source_ids == ("A", "B")
    for row, record in zip(rows, report.records, strict=True):
        full = {n: csvsafe.restore(c) for n, c in zip(header[1:], row[1:], strict=True)}
        assert record == validate_record(full, text=True, today=today).record
    assert report.records[0]["cco_CaseComment"] == "=SUM(A1)"
    bad = good.replace("prs_Gender", "prs_Sex")  # an unknown column whose cells are all empty
    report = ix.parse_file(bad.encode(), "htcds_csv", today=today)
    assert not report.ok
    assert [(r.row, [(p.field, p.code) for p in r.problems]) for r in report.bad_rows] == [
        (1, [("prs_Sex", "unknown_field")]), (2, [("prs_Sex", "unknown_field")])]
