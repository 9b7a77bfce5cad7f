"""Input validation: every bad answers object is refused with a message naming the problem."""

from __future__ import annotations

import pytest

from tests.core.screening.cases import answers
from tipnet.core.screening import Answers, ScreeningInputError, parse_answers, screen


def test_defaults_for_missing_fields() -> None:
    a = parse_answers({})
    assert a == Answers()
    assert a.third_party_acts is None  # not asked: the Palermo act is unknown


def test_round_trip() -> None:
    obj = answers(["DR_WAGES"], ["CD_ISOLATION"], acts=["recruitment"], visa="student", commercial_sex=False)
    assert parse_answers(parse_answers(obj).to_dict()) == parse_answers(obj)


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        ([], "must be a JSON object"),
        ({"present": ["DR_WAGE"]}, "unknown indicator id 'DR_WAGE' in present (did you mean DR_WAGES?)"),
        ({"unknown": ["XX"]}, "unknown indicator id 'XX' in unknown"),
        ({"present": "DR_WAGES"}, "present must be a list"),
        ({"present": [1]}, "present must contain indicator ids"),
        ({"present": ["DR_WAGES"], "unknown": ["DR_WAGES"]}, "DR_WAGES is listed both in present and in unknown"),
        ({"age": "15"}, "age must be a whole number"),
        ({"age": True}, "age must be a whole number"),
        ({"age": -1}, "age must be a whole number"),
        ({"age": 15.5}, "age must be a whole number"),
        ({"profile": "adult"}, "profile must be one of"),
        ({"form": "sex"}, "form must be one of labour, sexual or null, got 'sex'"),
        ({"profile": "adult_labour", "age": 15}, "profile 'adult_labour' contradicts age 15: that is a child"),
        ({"profile": "child_sexual", "age": 18}, "profile 'child_sexual' contradicts age 18: that is an adult"),
        ({"profile": "adult_labour", "form": "sexual"}, "profile 'adult_labour' contradicts form 'sexual'"),
        ({"profiel": None}, "unknown field 'profiel' (did you mean profile?)"),
        ({"context": []}, "context must be an object"),
        ({"context": {"visa": "tourist"}}, "context.visa must be one of"),
        ({"context": {"commercial_sex": "yes"}}, "context.commercial_sex must be true, false or null"),
        ({"context": {"third_party_acts": "recruitment"}}, "context.third_party_acts must be a list"),
        ({"context": {"third_party_acts": ["recruiting"]}}, "each of context.third_party_acts must be one of"),
        ({"context": {"sex": True}}, "unknown field context.sex"),
    ],
)
def test_bad_input_is_named(obj: object, message: str) -> None:
    with pytest.raises(ScreeningInputError) as err:
        parse_answers(obj)
    assert message in str(err.value)


def test_screen_validates_too() -> None:
    with pytest.raises(ScreeningInputError):
        screen({"present": ["NOPE"]})


def test_profile_consistent_with_age_and_form_is_fine() -> None:
    a = parse_answers({"profile": "child_labour", "age": 17, "form": "labour"})
    assert a.profile == "child_labour"
