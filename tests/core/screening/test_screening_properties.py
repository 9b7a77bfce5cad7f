"""Property tests (hypothesis) for the three-valued rules R4-R7.

The central safety property: answering "yes" to one more indicator (an unknown or absent one
turned present) never turns "indicators met" into anything else. A screening that could be
talked out of a positive result by more evidence would be dangerous.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.screening.cases import CASES
from tipnet.core.screening import default_catalogue, screen

CAT = default_catalogue()
IDS = list(CAT.indicators)
MET, NOT_MET, INSUFFICIENT = "indicators met", "indicators not met", "insufficient information"


@st.composite
def answer_objects(draw: st.DrawFn, *, age_known: bool = False, sex_known: bool = False) -> dict[str, Any]:
    age = draw(st.integers(0, 90) if age_known else st.none() | st.integers(0, 90))
    form = draw(st.sampled_from([None, "labour", "sexual"]))
    profile = None
    if age is not None and form is not None and draw(st.booleans()):
        profile = f"{'child' if age < CAT.child_age_limit else 'adult'}_{form}"
    # Half the examples start from a worked case (many of them met or nearly met), then mutate.
    statuses: dict[str, str] = {}
    if draw(st.booleans()):
        base = CASES[draw(st.sampled_from(sorted(CASES)))][0]
        statuses.update(dict.fromkeys(base["present"], "present"))
        statuses.update(dict.fromkeys(base["unknown"], "unknown"))
    statuses.update(draw(st.dictionaries(st.sampled_from(IDS), st.sampled_from(["present", "present", "unknown"]),
                                         max_size=30)))
    commercial_sex = draw(st.booleans() if sex_known else st.sampled_from([None, True, False]))
    acts = draw(st.none() | st.lists(st.sampled_from(CAT.palermo_acts), unique=True, max_size=3))
    visa = draw(st.none() | st.sampled_from(CAT.visa_values))
    return {
        "profile": profile,
        "age": age,
        "form": form,
        "present": sorted(i for i, s in statuses.items() if s == "present"),
        "unknown": sorted(i for i, s in statuses.items() if s == "unknown"),
        "context": {"commercial_sex": commercial_sex, "third_party_acts": acts, "visa": visa},
    }


def with_present(obj: dict[str, Any], ind: str) -> dict[str, Any]:
    return dict(obj, present=sorted({*obj["present"], ind}), unknown=[i for i in obj["unknown"] if i != ind])


def with_absent(obj: dict[str, Any], ind: str) -> dict[str, Any]:
    return dict(obj, present=[i for i in obj["present"] if i != ind], unknown=[i for i in obj["unknown"] if i != ind])


FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(answer_objects())
def test_more_present_never_undoes_indicators_met(obj: dict[str, Any]) -> None:
    result = screen(obj)
    if result.determination != MET:
        return
    for ind in IDS:
        if ind not in obj["present"]:
            assert screen(with_present(obj, ind)).determination == MET, ind


@FAST
@given(answer_objects())
def test_fewer_present_never_undoes_indicators_not_met(obj: dict[str, Any]) -> None:
    if screen(obj).determination != NOT_MET:
        return
    for ind in obj["present"] + obj["unknown"]:
        assert screen(with_absent(obj, ind)).determination == NOT_MET, ind


@FAST
@given(answer_objects(), st.data())
def test_met_stays_met_under_any_unknown_to_present_sequence(obj: dict[str, Any], data: st.DataObject) -> None:
    if screen(obj).determination != MET:
        return
    for ind in data.draw(st.lists(st.sampled_from(IDS), max_size=10)):
        obj = with_present(obj, ind)
        assert screen(obj).determination == MET


@FAST
@given(answer_objects(age_known=True, sex_known=True))
def test_insufficient_information_is_exact(obj: dict[str, Any]) -> None:
    """With age and commercial sex known, "insufficient information" means the unknown answers
    really decide: all of them present gives "met", all absent gives "not met" (Kleene logic on
    monotone rules is exact)."""
    result = screen(obj)
    all_yes = dict(obj, present=obj["present"] + obj["unknown"], unknown=[])
    all_no = dict(obj, unknown=[])
    if result.determination == INSUFFICIENT:
        assert screen(all_yes).determination == MET
        assert screen(all_no).determination == NOT_MET
        assert result.open_questions
    else:
        assert screen(all_yes).determination == result.determination
        assert screen(all_no).determination == result.determination
        assert result.open_questions == ()


@FAST
@given(answer_objects(age_known=True, sex_known=True))
def test_open_questions_are_enough_to_decide(obj: dict[str, Any]) -> None:
    """Answering only the open questions (all yes) turns insufficient information into met."""
    result = screen(obj)
    if result.determination != INSUFFICIENT:
        return
    opened = [q for q in result.open_questions if q in CAT.indicators]
    decided = dict(obj, present=obj["present"] + opened, unknown=[i for i in obj["unknown"] if i not in opened])
    assert screen(decided).determination == MET


@FAST
@given(answer_objects())
def test_result_is_always_well_formed(obj: dict[str, Any]) -> None:
    result = screen(obj)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["determination"] in (MET, NOT_MET, INSUFFICIENT)
    assert (data["label"] is None) == (data["determination"] != MET)
    assert set(data["dimensions"].values()) <= {"positive", "negative", "unknown"}
    assert data["palermo"]["met"] in ("yes", "no", "unknown", "contested")
    assert data["catalogue_version"] == CAT.version
    text = result.summary()
    for ind in obj["present"]:
        assert ind in text
    assert "safety_and_medical" in result.next_steps


@FAST
@given(answer_objects(age_known=True))
def test_known_age_evaluates_one_age_group(obj: dict[str, Any]) -> None:
    result = screen(obj)
    groups = {CAT.profiles[p].age_group for p in result.profiles_evaluated}
    assert groups == {"child" if obj["age"] < CAT.child_age_limit else "adult"}
    assert "R6" not in result.rules_applied
