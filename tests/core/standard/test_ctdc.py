"""CTDC's released variables from HTCDS fields (data-standard.md §2 and §5)."""

from __future__ import annotations

import datetime as dt

from tipnet.core.standard import ctdc
from tipnet.core.standard.ctdc import Event


def test_gender_collapses_to_three() -> None:
    assert [ctdc.gender(v) for v in ("Feminine", "Masculine", "TransgenderFeminine", "NonConforming",
                                     "NonSpecifiedUnknown", None)] == [
        "Woman", "Man", "Trans/Transgender/NonConforming", "Trans/Transgender/NonConforming", None, None]


def test_age_bands_at_registration_with_their_csv_labels() -> None:
    reg = dt.date(2024, 6, 1)
    assert ctdc.age_broad(birthdate=dt.date(2015, 6, 2), registered_on=reg) == "0--8"  # 8 the day before 9
    assert ctdc.age_broad(birthdate=dt.date(2015, 6, 1), registered_on=reg) == "09--17"
    assert ctdc.age_broad(birthdate=dt.date(2006, 6, 1), registered_on=reg) == "18--20"
    assert ctdc.age_broad(birthdate=dt.date(1976, 6, 1), registered_on=reg) == "48+"
    assert ctdc.age_broad(birthdate=None, registered_on=reg, age_when_trafficked=29) == "27--29"
    assert ctdc.age_broad(birthdate=dt.date(2030, 1, 1), registered_on=reg) is None
    assert [b[0] for b in ctdc.AGE_BANDS] == ["0--8", "09--17", "18--20", "21--23", "24--26", "27--29",
                                              "30--38", "39--47", "48+"]


def test_means_of_control_merge_to_eight_flags_coded_one_or_none() -> None:
    flags = ctdc.means_flags(["TakesEarnings", "ThreatensChildrenFamily", "SexualAbuse", "Other"])
    assert flags == {
        "meansDebtBondageEarnings": 1, "meansThreats": 1, "meansAbusePsyPhySex": 1, "meansFalsePromises": None,
        "meansDrugsAlcohol": None, "meansDenyBasicNeeds": None, "meansExcessiveWorkHours": None,
        "meansWithholdDocs": None,
    }
    assert 0 not in ctdc.means_flags(["WithholdsNecessities"]).values()
    assert ctdc.means_flags(["ThreatsLawEnforcement"])["meansThreats"] == 1
    assert ctdc.means_flags(["RestrictsMedicalCare"])["meansDenyBasicNeeds"] == 1


def test_every_htcds_value_is_placed_or_knowingly_left_out() -> None:
    from tipnet.core.standard import HTCDS

    placed = set().union(*ctdc.MEANS.values())
    assert set(HTCDS["vic_MethodsOfControl"].values) - placed == {"Other"}  # not released since 2021
    assert set(HTCDS["vic_TypeOfExploitation"].values) == set().union(*ctdc.EXPLOITATION.values())


def test_exploitation_labour_sex_and_recruiter_flags() -> None:
    assert ctdc.exploitation_flags(["ForcedMarriage"]) == {"isForcedLabour": None, "isSexualExploit": None,
                                                           "isOtherExploit": 1}
    assert ctdc.labour_flags("T_ActivitiesOfHouseholdsAsEmployers")["typeOfLabourDomesticWork"] == 1
    assert ctdc.labour_flags("A_AgricultureForestryAndFishing")["typeOfLabourAgriculture"] == 1
    assert ctdc.labour_flags("A_AgricultureForestryAndFishing", isic_division="03")["typeOfLabourAgriculture"] is None
    assert ctdc.labour_flags("C_Manufacturing") == dict.fromkeys(ctdc.LABOUR)
    assert ctdc.sex_flags(["Pornography", "RemoteInteractiveServices"]) == {"typeOfSexProstitution": None,
                                                                            "typeOfSexPornography": 1}
    assert ctdc.recruiter_flags("Familial")["recruiterRelationFamily"] == 1
    assert ctdc.recruiter_flags("Unacquainted")["recruiterRelationOther"] == 1
    assert ctdc.recruiter_flags(None) == dict.fromkeys(ctdc.RECRUITER_FLAGS)


def test_countries_months_and_suppression() -> None:
    assert ctdc.citizenship(["VN", "JP"]) == "VNM"
    assert ctdc.citizenship(["KP"], suppressed=["PRK"]) is None
    events = [Event("Recruitment", dt.date(2021, 1, 15), "VN"), Event("Exploitation", dt.date(2022, 3, 1), "JP"),
              Event("Exploitation", dt.date(2021, 6, 1), "KR")]
    assert ctdc.country_of_exploitation(events) == "JPN"
    assert ctdc.traffick_months(events) == "13--24"
    assert ctdc.traffick_months(events[:1]) == "0--12"
    assert ctdc.traffick_months([Event("Recruitment", dt.date(2020, 1, 1)), Event("Exploitation", dt.date(2022, 2, 1))]) == "25+"
    assert ctdc.traffick_months([]) is None


def test_derive_gives_all_27_variables() -> None:
    record = {"prs_Gender": "Feminine", "prs_Birthdate": "1999-04-12", "prs_Citizenship": ["VN"],
              "vic_MethodsOfControl": ["DebtBondage"], "vic_TypeOfExploitation": ["ForcedLabour"],
              "vic_ForcedLabourIndustry": "I_AccommodationAndFoodServiceActivities",
              "hte_Type": "Exploitation", "hte_Country": "JP", "hte_Date": "2023-05-01"}
    out = ctdc.derive(record, registered_on=dt.date(2024, 3, 1))
    assert len(out) == 27
    assert out["yearOfRegistration"] == 2024 and out["ageBroad"] == "24--26" and out["citizenship"] == "VNM"
    assert out["CountryOfExploitation"] == "JPN" and out["isForcedLabour"] == 1
    assert out["typeOfLabourHospitality"] == 1 and out["meansDebtBondageEarnings"] == 1
    assert ctdc.group_known(record, "means") and not ctdc.group_known(record, "recruiter")
