"""The case file format: every field problem is named, and the check compares with the rules."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tipnet.core.training import (
    CaseProblem,
    CheckInputError,
    case_dir,
    check_case,
    check_directory,
    load_case,
    parse_case,
)

GOOD = tomllib.loads((case_dir() / "titp-debt-passport.toml").read_text(encoding="utf-8"))


def parse(**changes: object) -> object:
    data = {**GOOD, **changes}
    return parse_case(data, where="x.toml", stem="titp-debt-passport")


def problems(**changes: object) -> str:
    with pytest.raises(CaseProblem) as exc:
        parse(**changes)
    return str(exc.value)


def test_good_case_parses() -> None:
    case = parse()
    assert case.person_language == "vi"
    assert case.answer("CD_DOC_CONFISCATION").changes_with_care


def test_unknown_question_id_is_named_with_a_hint() -> None:
    message = problems(answers={**GOOD["answers"], "CD_DOC_CONFISCATON": "yes"})
    assert "answers.CD_DOC_CONFISCATON: unknown question id (did you mean CD_DOC_CONFISCATION?)" in message


def test_unknown_indicator_in_expected_and_bad_values_are_all_listed() -> None:
    message = problems(
        expected={**GOOD["expected"], "present": ["DR_WAGE"]},
        answers={**GOOD["answers"], "EX_LOW_NO_PAY": "maybe", "CTX_AGE": -3, "CTX_VISA": "tourist"},
        person_language="klingon",
    )
    assert "expected.present: unknown indicator id 'DR_WAGE'" in message
    assert "answers.EX_LOW_NO_PAY: must be \"yes\", \"no\" or \"unknown\", got 'maybe'" in message
    assert "answers.CTX_AGE: must be an age" in message
    assert "answers.CTX_VISA: must be one of" in message
    assert "person_language: must be one of" in message


def test_missing_translation_and_unknown_field() -> None:
    message = problems(story={"ja": "話"}, colour="blue")
    assert "story.en: missing or empty" in message
    assert "colour: unknown field" in message


def test_id_must_match_file_name() -> None:
    with pytest.raises(CaseProblem, match="must equal the file name"):
        parse_case(GOOD, where="x.toml", stem="other")


def test_check_finds_an_expected_result_the_rules_do_not_give() -> None:
    case = parse(expected={**GOOD["expected"], "determination": "indicators not met", "next_steps": ["shelter"]})
    check = check_case(case)
    assert not check.ok
    assert any("expected.determination is 'indicators not met' but the rules give 'indicators met'" in p
               for p in check.problems)
    assert any(p.startswith("expected.next_steps lacks") for p in check.problems)


def test_check_finds_expected_indicators_the_answers_do_not_give() -> None:
    present = [i for i in GOOD["expected"]["present"] if i != "CD_DOC_CONFISCATION"] + ["CD_ISOLATION"]
    check = check_case(parse(expected={**GOOD["expected"], "present": present}))
    assert "expected.present lacks CD_DOC_CONFISCATION (answers \"yes\" with care)" in check.problems
    assert any("expected.present lists CD_ISOLATION" in p for p in check.problems)


def test_care_rule() -> None:
    case = parse()
    assert not case.asked_with_care("CD_DOC_CONFISCATION", [])
    assert not case.asked_with_care("CD_DOC_CONFISCATION", ["W_SAFE_NOW"])
    assert case.asked_with_care("CD_DOC_CONFISCATION", ["W_CONSENT", "W_SAFE_NOW"])
    assert case.answer("CD_DOC_CONFISCATION").value(with_care=False) == "no"
    assert case.answer("DR_HOUSING").value(with_care=True) == "no"  # unlisted indicator: no
    assert case.answer("W_MEDICAL").value(with_care=True) == "unknown"  # unlisted welfare: unknown


def test_directory_errors(tmp_path: Path) -> None:
    with pytest.raises(CheckInputError, match="no such directory"):
        check_directory(tmp_path / "missing")
    with pytest.raises(CheckInputError, match="no case files"):
        check_directory(tmp_path)
    (tmp_path / "bad.toml").write_text("id = [", encoding="utf-8")
    with pytest.raises(CheckInputError, match="not valid TOML"):
        check_directory(tmp_path)


def test_load_case_reports_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(CaseProblem, match="cannot read"):
        load_case(path)


def test_lessons_load_with_public_summaries_in_every_language(tmp_path: Path) -> None:
    from tipnet.core.screening import default_catalogue
    from tipnet.core.training import lesson_blocks, load_lessons

    lessons = load_lessons()
    assert [lesson.id for lesson in lessons][:2] == ["palermo", "ilo-dimensions"]
    public = [lesson for lesson in lessons if lesson.public]
    assert {lesson.id for lesson in public} == {"non-punishment", "referral"}
    for lesson in public:
        assert set(default_catalogue().languages) <= set(lesson.summary)
    blocks = lesson_blocks(lessons[0].text("body", "en"))
    assert blocks[0][0] == "p" and blocks[1][0] == "ul" and len(blocks[1][1]) == 3
    # A public lesson missing one language is refused.
    text = (Path(__file__).parents[3] / "src/tipnet/core/training/lessons/referral.toml").read_text(encoding="utf-8")
    (tmp_path / "referral.toml").write_text(text.replace('th = "เมื่อมีอันตราย', 'xx = "'), encoding="utf-8")
    with pytest.raises(CaseProblem, match="summary.th: missing"):
        load_lessons(str(tmp_path))
