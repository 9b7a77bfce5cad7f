"""Worked screening cases shared by the engine tests and the benchmark's realistic mix.

Each case is an answers object (the input of ``tipnet screen``) with the expected outcome. The
Japan situations follow reference/screening.md §5.2 (which indicator to record for what).
"""

from __future__ import annotations

from typing import Any

MET, NOT_MET, INSUFFICIENT = "indicators met", "indicators not met", "insufficient information"

# Reusable indicator groups.
TITP_DECEIVED = ["DR_WAGES", "DR_CONDITIONS", "DR_CONTRACT"]  # double contract, lower pay: 3 medium
TITP_EXPLOITED = ["EX_LOW_NO_PAY", "EX_WAGE_MANIPULATION", "EX_EXCESSIVE_HOURS"]  # ¥300/h overtime, deductions
PASSPORT_AND_DEBT = ["CD_DOC_CONFISCATION", "CD_DEBT_BONDAGE"]  # 2 strong at destination
LABOUR_VIOLATIONS = ["EX_LOW_NO_PAY", "EX_EXCESSIVE_HOURS", "EX_NO_LABOUR_LAW_RESPECT"]


def answers(
    present: list[str] | None = None,
    unknown: list[str] | None = None,
    *,
    profile: str | None = None,
    age: int | None = 30,
    form: str | None = "labour",
    commercial_sex: bool | None = None,
    acts: list[str] | None = None,
    visa: str | None = None,
) -> dict[str, Any]:
    return {
        "profile": profile,
        "age": age,
        "form": form,
        "present": present or [],
        "unknown": unknown or [],
        "context": {"commercial_sex": commercial_sex, "third_party_acts": acts, "visa": visa},
    }


# name -> (answers, expected determination, expected trafficking types)
CASES: dict[str, tuple[dict[str, Any], str, list[str]]] = {
    # --- Japan: TITP and labour -------------------------------------------------------------
    "titp_deceived_debt_passport": (
        answers(TITP_DECEIVED + ["CR_DEBT_BONDAGE"] + TITP_EXPLOITED + PASSPORT_AND_DEBT,
                age=24, acts=["recruitment", "receipt"], visa="technical_intern"),
        MET, ["deceptive_recruitment"]),
    "titp_fee_deposit_passport_coercive": (
        answers(["CR_DEBT_BONDAGE", "CR_WITHHOLD_MONEY", "CR_DOC_CONFISCATION"] + TITP_EXPLOITED
                + PASSPORT_AND_DEBT, age=27, acts=["recruitment"], visa="technical_intern"),
        MET, ["coercive_recruitment"]),
    "titp_deceived_and_coerced_both_types": (
        answers(TITP_DECEIVED + ["CR_DEBT_BONDAGE", "CR_WITHHOLD_MONEY", "CR_DOC_CONFISCATION"]
                + TITP_EXPLOITED + PASSPORT_AND_DEBT, age=22, acts=["recruitment"], visa="technical_intern"),
        MET, ["deceptive_recruitment", "coercive_recruitment"]),
    "titp_vulnerability_at_destination_only": (
        answers(TITP_DECEIVED + TITP_EXPLOITED + ["AVD_DEPENDENCY", "AVD_AUTHORITIES_STATUS", "AVD_UNKNOWN_AREA"],
                age=23, acts=["recruitment"], visa="technical_intern"),
        MET, ["deceptive_recruitment"]),
    "titp_passport_unknown_debt_unknown": (
        answers(TITP_DECEIVED + TITP_EXPLOITED, unknown=PASSPORT_AND_DEBT, age=24, acts=["recruitment"],
                visa="technical_intern"),
        INSUFFICIENT, []),
    "fair_recruitment_later_forced": (
        answers(TITP_EXPLOITED + PASSPORT_AND_DEBT + ["CD_ISOLATION"], age=35, acts=["recruitment"],
                visa="specified_skilled_worker"),
        NOT_MET, []),
    "fair_recruitment_unasked_recruitment_questions": (
        answers(TITP_EXPLOITED + PASSPORT_AND_DEBT, unknown=TITP_DECEIVED, age=35, acts=["recruitment"]),
        INSUFFICIENT, []),
    "smuggling_without_exploitation": (
        answers(["AVR_TRAVEL_DIFFICULTY", "AVR_ECONOMIC", "AVR_ILLEGAL_STATUS"], age=29,
                acts=["transportation"], visa="irregular"),
        NOT_MET, []),
    "labour_violation_without_coercion": (
        answers(LABOUR_VIOLATIONS, age=41, acts=[], visa="japanese_national"),
        NOT_MET, []),
    "labour_violation_unknown_recruitment_cannot_change": (
        answers(LABOUR_VIOLATIONS, unknown=["DR_CONTRACT", "DR_WAGES", "DR_CONDITIONS"], age=41),
        NOT_MET, []),
    "yami_baito_forced_crime": (
        answers(["DR_JOB_NATURE", "DR_WAGES", "CD_FORCED_ILLICIT", "CD_VIOLENCE_FAMILY", "CD_FORCED_LIE",
                 "EX_LOW_NO_PAY", "EX_HAZARDOUS", "EX_BAD_WORKING"], age=19, acts=["recruitment"],
                visa="japanese_national"),
        MET, ["deceptive_recruitment"]),
    "filipina_hostess_labour_list": (
        answers(["DR_JOB_NATURE", "DR_WAGES", "CD_DOC_CONFISCATION", "CD_ISOLATION", "EX_EXCESSIVE_HOURS",
                 "EX_LOW_NO_PAY"], age=26, form="labour", commercial_sex=False, acts=["recruitment", "receipt"],
                visa="entertainer"),
        MET, ["deceptive_recruitment"]),
    "coercive_recruitment_no_destination_element": (
        answers(["CR_VIOLENCE", "CR_THREAT_VIOLENCE"] + TITP_EXPLOITED, age=30, acts=["transportation"]),
        NOT_MET, []),
    # --- Japan: sexual exploitation ---------------------------------------------------------
    "host_club_debt": (
        answers(["AVR_EMOTIONAL_DEPENDENCY", "AVR_CONTROL_BY_EXPLOITERS", "AVR_ECONOMIC", "CD_DEBT_BONDAGE",
                 "CD_FORCED_TASKS_CLIENTS", "EX_WAGE_MANIPULATION", "EX_LOW_NO_PAY", "EX_EXCESSIVE_HOURS"],
                age=21, form="sexual", commercial_sex=True, acts=["recruitment", "transfer"],
                visa="japanese_national"),
        MET, ["recruitment_abuse_of_vulnerability"]),
    "host_club_debt_conditions_not_asked": (
        answers(["AVR_EMOTIONAL_DEPENDENCY", "AVR_CONTROL_BY_EXPLOITERS", "AVR_ECONOMIC", "CD_DEBT_BONDAGE",
                 "CD_FORCED_TASKS_CLIENTS"], unknown=["EX_WAGE_MANIPULATION", "EX_LOW_NO_PAY", "EX_EXCESSIVE_HOURS"],
                age=21, form="sexual", commercial_sex=True, acts=["recruitment", "transfer"]),
        INSUFFICIENT, []),
    "av_coercion_penalty_fee": (
        answers(["DR_JOB_NATURE", "DR_CONTRACT", "CD_DEBT_BONDAGE", "CD_THREAT_INFORM_FAMILY",
                 "EX_NO_LABOUR_LAW_RESPECT", "EX_BAD_WORKING", "EX_WAGE_MANIPULATION"],
                age=20, form="sexual", commercial_sex=False, acts=["recruitment"], visa="japanese_national"),
        MET, ["deceptive_recruitment"]),
    "adult_commercial_sex_no_indicators": (
        answers([], age=28, form="sexual", commercial_sex=True, acts=[]),
        NOT_MET, []),
    # --- Children (R3, R5) ------------------------------------------------------------------
    "child_commercial_sex_no_third_party": (
        answers(["EX_HAZARDOUS", "EX_NO_EDUCATION"], age=16, form="sexual", commercial_sex=True, acts=[],
                visa="japanese_national"),
        MET, ["child_commercial_sexual_exploitation"]),
    "child_jk_business_recruited": (
        answers(["DR_JOB_NATURE", "DR_WAGES", "EX_HAZARDOUS", "EX_EXCESSIVE_HOURS"], age=15, form="sexual",
                commercial_sex=True, acts=["recruitment", "harbouring"], visa="japanese_national"),
        MET, ["deceptive_recruitment", "child_commercial_sexual_exploitation"]),
    "child_labour_no_destination_element": (
        answers(["DR_JOB_NATURE", "DR_EDUCATION", "EX_EXCESSIVE_HOURS", "EX_NO_EDUCATION"], age=15,
                acts=["recruitment"]),
        MET, ["deceptive_recruitment"]),
    "same_answers_adult_not_met": (
        answers(["DR_JOB_NATURE", "DR_EDUCATION", "EX_EXCESSIVE_HOURS", "EX_NO_EDUCATION"], age=25,
                acts=["recruitment"]),
        NOT_MET, []),
    "child_sexual_commercial_sex_not_asked": (
        answers([], age=16, form="sexual", commercial_sex=None, acts=[]),
        INSUFFICIENT, []),
    "child_labour_commercial_sex_not_asked": (
        answers([], age=16, form="labour", commercial_sex=None, acts=[]),
        NOT_MET, []),
    "child_commercial_sex_false_no_indicators": (
        answers([], age=16, form="sexual", commercial_sex=False, acts=[]),
        NOT_MET, []),
    "child_profile_given_without_age": (
        answers(["CR_VIOLENCE", "CR_DEBT_BONDAGE", "EX_HAZARDOUS", "EX_BAD_WORKING"], profile="child_sexual",
                age=None, form=None, commercial_sex=False, acts=["harbouring"]),
        MET, ["coercive_recruitment"]),
    # --- Unknown age (R6) and unknown form (R7) ----------------------------------------------
    "age_unknown_lists_disagree": (
        answers(["DR_JOB_NATURE", "DR_EDUCATION", "EX_EXCESSIVE_HOURS", "EX_NO_EDUCATION"], age=None,
                acts=["recruitment"]),
        INSUFFICIENT, []),
    "age_unknown_lists_agree_met": (
        answers(TITP_DECEIVED + TITP_EXPLOITED + PASSPORT_AND_DEBT, age=None, acts=["recruitment"]),
        MET, ["deceptive_recruitment"]),
    "age_unknown_lists_agree_not_met": (
        answers(LABOUR_VIOLATIONS, age=None, acts=[]),
        NOT_MET, []),
    "age_unknown_commercial_sex_no_third_party": (
        answers([], age=None, form="sexual", commercial_sex=True, acts=[]),
        INSUFFICIENT, []),
    "form_unknown_more_protective": (
        answers(["DR_JOB_NATURE", "DR_WAGES", "EX_EXCESSIVE_HOURS", "EX_LOW_NO_PAY", "CD_DOC_CONFISCATION",
                 "CD_ISOLATION"], age=33, form=None, commercial_sex=False, acts=["recruitment"]),
        MET, ["deceptive_recruitment"]),
    "form_and_age_unknown_nothing_present": (
        answers([], age=None, form=None),
        INSUFFICIENT, []),
    # --- R4 -----------------------------------------------------------------------------------
    "unknowns_that_cannot_change_met": (
        answers(TITP_DECEIVED + TITP_EXPLOITED + PASSPORT_AND_DEBT,
                unknown=["AVR_ECONOMIC", "AVR_LACK_INFO", "CR_VIOLENCE"], age=30, acts=["recruitment"]),
        MET, ["deceptive_recruitment"]),
    "single_unknown_decides": (
        answers(["DR_WAGES", "DR_CONDITIONS"] + TITP_EXPLOITED + PASSPORT_AND_DEBT, unknown=["DR_CONTRACT"],
                age=30, acts=["recruitment"]),
        INSUFFICIENT, []),
    "palermo_act_not_asked": (
        answers(TITP_DECEIVED + TITP_EXPLOITED + PASSPORT_AND_DEBT, age=30, acts=None),
        MET, ["deceptive_recruitment"]),
    "ilo_met_without_third_party": (
        answers(TITP_DECEIVED + TITP_EXPLOITED + PASSPORT_AND_DEBT, age=30, acts=[]),
        MET, ["deceptive_recruitment"]),
}
