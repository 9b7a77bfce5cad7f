"""CTDC's released variables derived from HTCDS fields, for the data book.

The Counter Trafficking Data Collaborative's *Global Synthetic Data Codebook*, version 2 (February
2024), releases 27 variables; ../shared/reference/data-standard.md (§2, §5, §6) gives them and how
HTCDS fields map onto them. tipnet stores HTCDS granularity and derives these at export, so each
rule is a function here, tested on its own. Binary flags are ``1`` or ``None``, never 0 (codebook:
"coded 1 or NULL"); a group with no information at all gives ``None`` for every flag, and
:func:`group_known` tells the data book which records count in a group's denominator (codebook §6:
people with *any* information in that variable group).

Rules marked "tipnet's reading" are not spelled out in the codebook for HTCDS input and are ours;
they are written here as data so that a reviewer can change one line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tipnet.core.standard._iso import COUNTRY_ALPHA2_TO_ALPHA3

__all__ = [
    "AGE_BANDS", "MEANS", "EXPLOITATION", "Event", "age_broad", "citizenship", "country_of_exploitation",
    "derive", "gender", "group_known", "labour_flags", "means_flags", "exploitation_flags", "recruiter_flags",
    "sex_flags", "traffick_months", "year_of_registration",
]

Flag = int | None

# Codebook: Man; Woman; Trans/Transgender/NonConforming (not further disaggregated); NULL.
GENDER = {
    "Feminine": "Woman",
    "Masculine": "Man",
    "TransgenderFeminine": "Trans/Transgender/NonConforming",
    "TransgenderMasculine": "Trans/Transgender/NonConforming",
    "NonConforming": "Trans/Transgender/NonConforming",
    "NonSpecifiedUnknown": None,
}

# (label as written in the released CSV, lowest age, highest age or None).
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0--8", 0, 8), ("09--17", 9, 17), ("18--20", 18, 20), ("21--23", 21, 23), ("24--26", 24, 26),
    ("27--29", 27, 29), ("30--38", 30, 38), ("39--47", 39, 47), ("48+", 48, None),
)

# The 8 merged means-of-control flags (codebook variables 7-14) from vic_MethodsOfControl's values.
# "Other" is not released (dropped since 2021). HTCDS v2.0's picklist has no RestrictsMovement
# (its definitions do), so meansDenyBasicNeeds draws on the three that exist.
MEANS: dict[str, frozenset[str]] = {
    "meansDebtBondageEarnings": frozenset({"DebtBondage", "TakesEarnings"}),
    "meansThreats": frozenset({"PhysicalThreats", "ThreatensChildrenFamily", "ThreatsLawEnforcement"}),
    "meansAbusePsyPhySex": frozenset({"PsychologicalAbuse", "PhysicalAbuse", "SexualAbuse"}),
    "meansFalsePromises": frozenset({"FalsePromises"}),
    "meansDrugsAlcohol": frozenset({"PsychoactiveSubstance"}),
    "meansDenyBasicNeeds": frozenset({"RestrictsFinancialAccess", "RestrictsMedicalCare", "WithholdsNecessities"}),
    "meansExcessiveWorkHours": frozenset({"ExcessiveWorkingHours"}),
    "meansWithholdDocs": frozenset({"WithholdsDocuments"}),
}

# isOtherExploit = forced marriage, military, organ removal (codebook). tipnet's reading: child
# labour and forced begging are forced labour (CTDC's legacy data counts begging as a labour type,
# typeOfLabourBegging); servitude, forced adoption, surrogacy and "Other" are other exploitation.
EXPLOITATION: dict[str, frozenset[str]] = {
    "isForcedLabour": frozenset({"ForcedLabour", "ChildLabour", "ForcedBegging"}),
    "isSexualExploit": frozenset({"SexualExploitation"}),
    "isOtherExploit": frozenset({
        "ForcedMarriage", "ForcedMilitaryByNonStateActors", "OrganRemoval",
        "Servitude", "ForcedAdoption", "Surrogacy", "Other",
    }),
}

# ISIC v4 tier 1 section of vic_ForcedLabourIndustry -> flag. Agriculture is ISIC A01 in the codebook;
# tier 1 "A" also holds forestry (A02) and fishing (A03), so an optional ISIC division narrows it.
LABOUR = {
    "typeOfLabourAgriculture": "A_AgricultureForestryAndFishing",
    "typeOfLabourConstruction": "F_Construction",
    "typeOfLabourDomesticWork": "T_ActivitiesOfHouseholdsAsEmployers",
    "typeOfLabourHospitality": "I_AccommodationAndFoodServiceActivities",
}

SEX = {"typeOfSexProstitution": "Prostitution", "typeOfSexPornography": "Pornography"}

# HTCDS has three relationships, CTDC four flags; not aligned (data-standard.md §5). tipnet's
# reading: Familial -> Family, Acquainted -> Friend, Unacquainted -> Other (CTDC's "Other" covers
# brokers, contractors, employers and smugglers: people met through the trafficking). HTCDS cannot
# say "intimate partner", so recruiterRelationIntimatePartner is never derived.
RECRUITER = {"Familial": "recruiterRelationFamily", "Acquainted": "recruiterRelationFriend",
             "Unacquainted": "recruiterRelationOther"}
RECRUITER_FLAGS = ("recruiterRelationIntimatePartner", "recruiterRelationFriend", "recruiterRelationFamily",
                   "recruiterRelationOther")


@dataclass(frozen=True)
class Event:
    """One historic trafficking event (HTCDS ``hte_*``): its type, date and country."""

    type: str  # Recruitment, Transit or Exploitation
    date: dt.date | None = None
    country: str = ""


def _flag(condition: bool) -> Flag:
    return 1 if condition else None


def year_of_registration(registered_on: dt.date | None) -> int | None:
    return registered_on.year if registered_on else None


def gender(value: str | None) -> str | None:
    return GENDER.get(value or "")


def _age_on(birthdate: dt.date, day: dt.date) -> int:
    return day.year - birthdate.year - ((day.month, day.day) < (birthdate.month, birthdate.day))


def age_band(age: int | None) -> str | None:
    if age is None or age < 0:
        return None
    for label, low, high in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    return None


def age_broad(*, birthdate: dt.date | None, registered_on: dt.date | None, age_when_trafficked: int | None = None) -> str | None:
    """Age at registration in CTDC's 9 bands. Without a birthdate, ``vic_AgeWhenTrafficked`` stands
    in (data-standard.md §5 names both); it can only be lower than the age at registration, so a
    band from it may be one band too young."""
    if birthdate is not None and registered_on is not None and birthdate <= registered_on:
        return age_band(_age_on(birthdate, registered_on))
    if age_when_trafficked is not None:
        return age_band(int(age_when_trafficked))
    return None


def alpha3(code: str | None) -> str | None:
    """ISO 3166-1 alpha-3 for an alpha-2 or alpha-3 code, else None."""
    if not code:
        return None
    code = code.strip().upper()
    if code in COUNTRY_ALPHA2_TO_ALPHA3:
        return COUNTRY_ALPHA2_TO_ALPHA3[code]
    return code if len(code) == 3 and code in _ALPHA3 else None


_ALPHA3 = frozenset(COUNTRY_ALPHA2_TO_ALPHA3.values())


def citizenship(codes: Sequence[str] | None, *, suppressed: Iterable[str] = ()) -> str | None:
    """One ISO3 from ``prs_Citizenship`` (a multi-select): the first one listed, as the person or the
    caseworker gave it first. A country in ``suppressed`` (ISO3; CTDC suppresses "too sensitive"
    ones) gives None."""
    for code in codes or ():
        iso3 = alpha3(code)
        if iso3 is not None:
            return None if iso3 in {s.upper() for s in suppressed} else iso3
    return None


def country_of_exploitation(events: Iterable[Event], *, suppressed: Iterable[str] = ()) -> str | None:
    """ISO3 of the latest dated exploitation event (an undated one if none is dated)."""
    exploitation = [e for e in events if e.type == "Exploitation" and alpha3(e.country)]
    if not exploitation:
        return None
    latest = max(exploitation, key=lambda e: (e.date is not None, e.date or dt.date.min))
    iso3 = alpha3(latest.country)
    return None if iso3 in {s.upper() for s in suppressed} else iso3


def traffick_months(events: Iterable[Event]) -> str | None:
    """Months from the first to the last dated event, in CTDC's bands 0--12, 13--24, 25+."""
    dates = sorted(e.date for e in events if e.date is not None)
    if not dates:
        return None
    first, last = dates[0], dates[-1]
    months = (last.year - first.year) * 12 + (last.month - first.month) - (last.day < first.day)
    if months <= 12:
        return "0--12"
    if months <= 24:
        return "13--24"
    return "25+"


def means_flags(methods: Iterable[str] | None) -> dict[str, Flag]:
    chosen = set(methods or ())
    return {name: _flag(bool(chosen & values)) for name, values in MEANS.items()}


def exploitation_flags(types: Iterable[str] | None) -> dict[str, Flag]:
    chosen = set(types or ())
    return {name: _flag(bool(chosen & values)) for name, values in EXPLOITATION.items()}


def labour_flags(industry: str | None, *, isic_division: str | None = None) -> dict[str, Flag]:
    """The four typeOfLabour flags from vic_ForcedLabourIndustry (ISIC tier 1). With the ISIC
    division ("01", "02", "03"), agriculture is only division 01, as in the codebook."""
    flags = {name: _flag(industry == section) for name, section in LABOUR.items()}
    if flags["typeOfLabourAgriculture"] and isic_division is not None and isic_division.lstrip("A") != "01":
        flags["typeOfLabourAgriculture"] = None
    return flags


def sex_flags(types: Iterable[str] | None) -> dict[str, Flag]:
    chosen = set(types or ())
    return {name: _flag(value in chosen) for name, value in SEX.items()}


def recruiter_flags(relationship: str | None) -> dict[str, Flag]:
    chosen = RECRUITER.get(relationship or "")
    return {name: _flag(name == chosen) for name in RECRUITER_FLAGS}


def group_known(record: Mapping[str, Any], group: str) -> bool:
    """Whether the record counts in the denominator of a variable group (codebook §6)."""
    source = {"means": "vic_MethodsOfControl", "exploitation": "vic_TypeOfExploitation",
              "labour": "vic_ForcedLabourIndustry", "sex": "vic_TypeOfSexExploitation",
              "recruiter": "vic_RelationshipToTrafficker"}[group]
    return bool(record.get(source))


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def derive(
    record: Mapping[str, Any],
    *,
    registered_on: dt.date | None,
    events: Iterable[Event] = (),
    suppressed: Iterable[str] = (),
    isic_division: str | None = None,
) -> dict[str, Any]:
    """All 27 released variables, in the codebook's order, from a validated HTCDS record (typed,
    as :func:`tipnet.core.standard.validate_record` returns it), its registration date and its
    historic trafficking events. A flat record's own ``hte_*`` fields count as one more event."""
    events = list(events)
    if record.get("hte_Type"):
        events.append(Event(record["hte_Type"], _date(record.get("hte_Date")), record.get("hte_Country", "")))
    suppressed = list(suppressed)
    out: dict[str, Any] = {
        "yearOfRegistration": year_of_registration(registered_on),
        "gender": gender(record.get("prs_Gender")),
        "ageBroad": age_broad(birthdate=_date(record.get("prs_Birthdate")), registered_on=registered_on,
                              age_when_trafficked=record.get("vic_AgeWhenTrafficked")),
        "citizenship": citizenship(record.get("prs_Citizenship"), suppressed=suppressed),
        "CountryOfExploitation": country_of_exploitation(events, suppressed=suppressed),
        "traffickMonths": traffick_months(events),
    }
    out.update(means_flags(record.get("vic_MethodsOfControl")))
    out.update(exploitation_flags(record.get("vic_TypeOfExploitation")))
    out.update(labour_flags(record.get("vic_ForcedLabourIndustry"), isic_division=isic_division))
    out.update(sex_flags(record.get("vic_TypeOfSexExploitation")))
    out.update(recruiter_flags(record.get("vic_RelationshipToTrafficker")))
    return out
