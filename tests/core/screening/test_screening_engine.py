"""Worked cases for rules R1-R7 (reference/screening.md §2.3-§2.5) and the Palermo elements (§7)."""

from __future__ import annotations

import pytest

from tests.core.screening.cases import (
    CASES,
    INSUFFICIENT,
    LABOUR_VIOLATIONS,
    MET,
    NOT_MET,
    PASSPORT_AND_DEBT,
    TITP_DECEIVED,
    TITP_EXPLOITED,
    answers,
)
from tipnet.core.screening import default_catalogue, screen


@pytest.mark.parametrize("name", list(CASES))
def test_worked_case(name: str) -> None:
    obj, determination, types = CASES[name]
    result = screen(obj)
    assert result.determination == determination, result.summary()
    assert list(result.trafficking_types) == types, result.summary()
    assert result.catalogue_version == default_catalogue().version


def test_there_are_at_least_thirty_worked_cases() -> None:
    assert len(CASES) >= 30


# --- R1: when a dimension is positive -------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "present", "dimension", "status"),
    [
        ("adult_labour", ["CD_DOC_CONFISCATION"], "CD", "negative"),  # a single strong is not enough
        ("adult_labour", ["CD_DOC_CONFISCATION", "CD_DEBT_BONDAGE"], "CD", "positive"),  # (a) 2 strong
        ("adult_labour", ["CD_VIOLENCE", "CD_THREAT_INFORM_FAMILY"], "CD", "positive"),  # (b) strong + weak
        ("adult_labour", ["CD_VIOLENCE", "CD_FORCED_LIE"], "CD", "positive"),  # (b) strong + medium
        ("adult_labour", ["DR_WAGES", "DR_CONDITIONS"], "DR", "negative"),  # 2 medium are not enough
        ("adult_labour", ["DR_WAGES", "DR_CONDITIONS", "DR_CONTRACT"], "DR", "positive"),  # (c) 3 medium
        ("adult_labour", ["AVD_DEPENDENCY", "AVD_ECONOMIC", "AVD_PAST_DIFFICULTIES"], "AVD", "positive"),  # (d)
        ("adult_labour", ["AVD_ECONOMIC", "AVD_PAST_DIFFICULTIES", "AVD_PERSONAL_CHARACTERISTICS"], "AVD",
         "negative"),  # 1 medium + 2 weak
        ("adult_labour", ["AVR_CULTURAL_BELIEFS", "AVR_GENERAL_CONTEXT"], "AVR", "negative"),  # weak alone never
        # Strengths hold for their own list: excessive hours is strong for A·L, medium for A·S.
        ("adult_labour", ["EX_EXCESSIVE_HOURS", "EX_LOW_NO_PAY"], "EX", "positive"),
        ("adult_sexual", ["EX_EXCESSIVE_HOURS", "EX_LOW_NO_PAY"], "EX", "negative"),
        # ...and forced tasks or clients is strong only in the sexual lists (and C·L).
        ("adult_labour", ["CD_FORCED_TASKS_CLIENTS", "CD_FORCED_LIE"], "CD", "negative"),
        ("adult_sexual", ["CD_FORCED_TASKS_CLIENTS", "CD_FORCED_LIE"], "CD", "positive"),
        # Children's lists upgrade many items: debt bondage at recruitment is strong for C·L.
        ("child_labour", ["CR_DEBT_BONDAGE", "CR_WITHHOLD_MONEY"], "CR", "positive"),
        ("adult_labour", ["CR_DEBT_BONDAGE", "CR_WITHHOLD_MONEY"], "CR", "negative"),
    ],
)
def test_r1_dimension_positive(profile: str, present: list[str], dimension: str, status: str) -> None:
    result = screen(answers(present, profile=profile, age=None, form=None))
    assert result.dimensions[dimension] == status
    assert "R1" in result.rules_applied


def test_r4_dimension_unknown_only_when_unknowns_could_reach_r1() -> None:
    could = screen(answers(["DR_WAGES", "DR_CONDITIONS"], unknown=["DR_CONTRACT"]))
    assert could.dimensions["DR"] == "unknown"
    could_not = screen(answers(["DR_WAGES"], unknown=["DR_EDUCATION"]))  # M + W: never positive
    assert could_not.dimensions["DR"] == "negative"


# --- R2 / R3: combinations ------------------------------------------------------------------


def test_r2_adult_needs_destination_element() -> None:
    result = screen(CASES["same_answers_adult_not_met"][0])
    assert result.dimensions["DR"] == "positive" and result.dimensions["EX"] == "positive"
    assert result.determination == NOT_MET
    assert "R2" in result.rules_applied and "R3" not in result.rules_applied


def test_r3_child_reports_destination_as_aggravating() -> None:
    obj = answers(["DR_JOB_NATURE", "DR_EDUCATION", "EX_EXCESSIVE_HOURS", "EX_NO_EDUCATION",
                   "CD_ISOLATION", "CD_VIOLENCE"], age=14, acts=["recruitment"])
    result = screen(obj)
    assert result.determination == MET and "R3" in result.rules_applied
    assert any("aggravating evidence: CD positive" in line for line in result.explanation())


def test_label_lists_every_recruitment_type() -> None:
    result = screen(CASES["titp_deceived_and_coerced_both_types"][0])
    assert result.label == "deceptive recruitment + coercive recruitment"


def test_label_is_none_unless_met() -> None:
    assert screen(CASES["labour_violation_without_coercion"][0]).label is None
    assert screen(CASES["single_unknown_decides"][0]).label is None


# --- R4: unknown answers --------------------------------------------------------------------


def test_r4_open_questions_name_the_deciding_unknowns() -> None:
    result = screen(CASES["single_unknown_decides"][0])
    assert result.open_questions == ("DR_CONTRACT",)
    assert result.possible_types == ("deceptive_recruitment",)
    assert "further_interview" in result.next_steps


def test_r4_unknown_exploitation_is_an_open_question() -> None:
    result = screen(CASES["host_club_debt_conditions_not_asked"][0])
    assert set(result.open_questions) == {"EX_WAGE_MANIPULATION", "EX_LOW_NO_PAY", "EX_EXCESSIVE_HOURS"}


def test_r4_not_met_has_no_open_questions_even_with_unknowns() -> None:
    result = screen(CASES["labour_violation_unknown_recruitment_cannot_change"][0])
    assert result.dimensions["DR"] == "unknown"
    assert result.determination == NOT_MET and result.open_questions == ()


@pytest.mark.parametrize("name", ["titp_passport_unknown_debt_unknown", "single_unknown_decides"])
def test_r4_resolving_unknowns_decides(name: str) -> None:
    obj = CASES[name][0]
    yes = dict(obj, present=obj["present"] + obj["unknown"], unknown=[])
    no = dict(obj, unknown=[])
    assert screen(yes).determination == MET
    assert screen(no).determination == NOT_MET


# --- R5: children in commercial sex ---------------------------------------------------------


def test_r5_child_commercial_sex_without_third_party_is_contested_under_palermo() -> None:
    result = screen(CASES["child_commercial_sex_no_third_party"][0])
    assert "R5" in result.rules_applied
    assert result.label == "commercial sexual exploitation of a child"
    assert result.ilo_strict_determination == NOT_MET and result.ilo_strict_label is None
    assert result.palermo.met == "contested" and result.palermo.act == "absent"
    assert result.divergence and "contested" in (result.divergence_note or "")
    assert "child_protection" in result.next_steps and "shelter" in result.next_steps
    assert result.to_dict()["palermo"]["met"] == "contested"


def test_r5_with_a_third_party_is_also_a_palermo_case() -> None:
    result = screen(CASES["child_jk_business_recruited"][0])
    assert result.palermo.met == "yes" and not result.divergence
    assert result.palermo.child is True and result.palermo.means == "present"
    assert result.ilo_strict_label == "deceptive recruitment"


def test_r5_unanswered_commercial_sex_is_an_open_question_for_the_sexual_list() -> None:
    result = screen(CASES["child_sexual_commercial_sex_not_asked"][0])
    assert result.open_questions == ("CTX_COMMERCIAL_SEX",)
    assert result.possible_types == ("child_commercial_sexual_exploitation",)


def test_r5_does_not_apply_to_adults() -> None:
    result = screen(CASES["adult_commercial_sex_no_indicators"][0])
    assert "R5" not in result.rules_applied and result.determination == NOT_MET


# --- R6: unknown age ------------------------------------------------------------------------


def test_r6_disagreement_asks_for_age() -> None:
    result = screen(CASES["age_unknown_lists_disagree"][0])
    assert "R6" in result.rules_applied
    assert result.profiles_evaluated == ("adult_labour", "child_labour")
    assert result.open_questions[0] == "CTX_AGE"
    assert result.palermo.child is None
    assert "child_protection" in result.next_steps  # a person who may be a child


def test_r6_agreement_keeps_the_result() -> None:
    result = screen(CASES["age_unknown_lists_agree_met"][0])
    assert {e.determination for e in result.evaluations} == {MET}


def test_r6_form_and_age_unknown_evaluates_all_four_lists() -> None:
    result = screen(CASES["form_and_age_unknown_nothing_present"][0])
    assert len(result.profiles_evaluated) == 4
    assert set(result.open_questions) >= {"CTX_AGE", "CTX_COMMERCIAL_SEX"}


# --- R7: profile choice ---------------------------------------------------------------------


def test_r7_unknown_form_reports_more_protective_list() -> None:
    result = screen(CASES["form_unknown_more_protective"][0])
    by_profile = {e.profile: e.determination for e in result.evaluations}
    assert by_profile == {"adult_labour": MET, "adult_sexual": NOT_MET}
    assert result.determination == MET


@pytest.mark.parametrize(
    ("age", "form", "profiles"),
    [
        (30, "labour", ("adult_labour",)),
        (17, "labour", ("child_labour",)),
        (18, "sexual", ("adult_sexual",)),
        (0, "sexual", ("child_sexual",)),
        (17, None, ("child_labour", "child_sexual")),
        (None, "labour", ("adult_labour", "child_labour")),
    ],
)
def test_r7_profile_from_age_and_form(age: int | None, form: str | None, profiles: tuple[str, ...]) -> None:
    assert screen(answers(age=age, form=form, commercial_sex=False)).profiles_evaluated == profiles


def test_indicator_not_in_the_list_is_ignored_and_reported() -> None:
    result = screen(answers(["AVR_FALSE_INFO_LAW"], age=12))
    assert result.evaluations[0].not_in_list == ("AVR_FALSE_INFO_LAW",)
    assert any("not in this list" in line for line in result.explanation())


# --- Palermo elements and divergence --------------------------------------------------------


def test_fairly_recruited_then_forced_diverges_from_palermo() -> None:
    result = screen(CASES["fair_recruitment_later_forced"][0])
    assert result.determination == NOT_MET
    assert result.palermo.met == "yes"
    assert result.palermo.purposes == ("forced labour or services",)
    assert result.divergence


def test_smuggling_is_not_trafficking_under_either_reading() -> None:
    result = screen(CASES["smuggling_without_exploitation"][0])
    assert result.palermo.act == "present" and result.palermo.purpose == "absent"
    assert result.palermo.met == "no" and not result.divergence
    assert "residence_status" in result.next_steps and "non_punishment" in result.next_steps
    assert "shelter" not in result.next_steps


def test_labour_violation_is_exploitation_short_of_forced_labour() -> None:
    result = screen(CASES["labour_violation_without_coercion"][0])
    assert result.dimensions["EX"] == "positive" and result.palermo.purpose == "absent"
    assert "labour_consultation" in result.next_steps and "legal_help" in result.next_steps
    assert "police_report_with_consent" not in result.next_steps


def test_ilo_met_without_any_third_party_act_is_flagged() -> None:
    result = screen(CASES["ilo_met_without_third_party"][0])
    assert result.palermo.met == "no" and result.divergence
    assert "absent act" in (result.divergence_note or "")


def test_palermo_act_not_asked_is_unknown_not_divergent() -> None:
    result = screen(CASES["palermo_act_not_asked"][0])
    assert result.palermo.act == "unknown" and result.palermo.met == "unknown" and not result.divergence


def test_coerced_pornography_is_other_sexual_exploitation() -> None:
    result = screen(CASES["child_profile_given_without_age"][0])
    assert "other forms of sexual exploitation" in result.palermo.purposes
    assert result.palermo.met == "yes" and result.palermo.child is True


def test_titp_case_next_steps() -> None:
    result = screen(CASES["titp_deceived_debt_passport"][0])
    assert result.next_steps == (
        "safety_and_medical", "shelter", "legal_help", "residence_status", "non_punishment",
        "police_report_with_consent", "labour_consultation", "change_of_employer",
    )
    assert result.palermo.met == "yes"


def test_yami_baito_non_punishment_without_residence_advice() -> None:
    result = screen(CASES["yami_baito_forced_crime"][0])
    assert "non_punishment" in result.next_steps and "residence_status" not in result.next_steps


# --- Explanation and JSON -------------------------------------------------------------------


def test_explanation_names_every_present_indicator_and_rule() -> None:
    result = screen(CASES["titp_deceived_debt_passport"][0])
    text = result.summary()
    for indicator in result.answers.present:
        assert indicator in text
    for rule in result.rules_applied:
        assert rule in text
    assert "1.0.0" in text or result.catalogue_version in text
    assert "R2 (reconstruction)" in text


def test_to_dict_has_the_documented_keys() -> None:
    data = screen(CASES["host_club_debt"][0]).to_dict()
    for key in ("determination", "label", "trafficking_types", "dimensions", "palermo", "divergence",
                "rules_applied", "evidence", "catalogue_version"):
        assert key in data
    assert set(data["dimensions"]) == {"DR", "CR", "AVR", "EX", "CD", "AVD"}
    assert set(data["palermo"]) == {"act", "means", "purpose", "child", "met"}
    assert [e["id"] for e in data["evidence"]][:3] == [
        "AVR_CONTROL_BY_EXPLOITERS", "AVR_ECONOMIC", "AVR_EMOTIONAL_DEPENDENCY"]
    assert data["evidence"][0]["strengths"] == {"adult_sexual": "M"}


def test_never_says_not_a_victim() -> None:
    for obj, _, _ in CASES.values():
        result = screen(obj)
        assert result.determination in (MET, NOT_MET, INSUFFICIENT)
        assert "not a victim" not in result.summary().replace("does not mean the person is not a victim", "")


def test_screen_accepts_parsed_answers_and_is_deterministic() -> None:
    from tipnet.core.screening import parse_answers

    obj = answers(TITP_DECEIVED + TITP_EXPLOITED + PASSPORT_AND_DEBT + LABOUR_VIOLATIONS)
    assert screen(parse_answers(obj)).to_dict() == screen(obj).to_dict()
