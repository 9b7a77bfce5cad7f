"""The picklists of a case, after HTCDS 2.0 (../shared/reference/htcds/, ``prs_`` person, ``vic_``
victim context, ``cas_`` case, ``con_`` consent), with Japan's residence statuses added.

Why codes and not labels in the sealed content: the codes stay stable across languages and across
a later HTCDS export (``core.standard``); labels are translated when shown.
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext_lazy as _

from tipnet.core.standard._iso import COUNTRY_ALPHA2_TO_ALPHA3

# prs_Gender
SEX = (
    ("feminine", _("Woman")),
    ("masculine", _("Man")),
    ("transgender_feminine", _("Transgender woman")),
    ("transgender_masculine", _("Transgender man")),
    ("non_conforming", _("Non-conforming")),
    ("unknown", _("Not specified or unknown")),
)

# vic_TraffickingStatus
TRAFFICKING_STATUS = (
    ("possible", _("Possible victim")),
    ("actual", _("Identified victim")),
    ("not_victim", _("Not a victim")),
)

# Residence status in Japan (在留資格), mapped onto the HTCDS migration-status guidance.
RESIDENCE_STATUS = (
    ("technical_intern", _("Technical intern (技能実習)")),
    ("specified_skilled", _("Specified skilled worker (特定技能)")),
    ("student", _("Student")),
    ("entertainer", _("Entertainer")),
    ("spouse", _("Spouse or child of a Japanese national")),
    ("long_term", _("Long-term or permanent resident")),
    ("designated", _("Designated activities")),
    ("temporary_visitor", _("Temporary visitor")),
    ("irregular", _("No valid status (overstay or irregular entry)")),
    ("refugee_applicant", _("Refugee applicant")),
    ("japanese", _("Japanese national")),
    ("other", _("Other")),
    ("unknown", _("Not known")),
)

# vic_MethodOfRecruitment
RECRUITMENT = (
    ("business", _("At a place of business")),
    ("education", _("At an educational institution")),
    ("work", _("At work")),
    ("social_network", _("Online social networks")),
    ("online_ad", _("Online advertisement")),
    ("broker", _("Broker or sending agency")),
    ("family", _("Family or family events")),
    ("friends", _("Friends or social events")),
    ("other", _("Other")),
)

# vic_MethodsOfControl (16)
CONTROL = (
    ("physical_threats", _("Physical threats")),
    ("law_enforcement_threats", _("Threats of police or immigration")),
    ("family_threats", _("Threats to children or family")),
    ("debt_bondage", _("Debt bondage")),
    ("false_promises", _("False promises")),
    ("physical_abuse", _("Physical abuse")),
    ("sexual_abuse", _("Sexual abuse")),
    ("takes_earnings", _("Takes earnings")),
    ("restricts_finance", _("Restricts access to money")),
    ("restricts_medical", _("Restricts medical care")),
    ("withholds_necessities", _("Withholds necessities")),
    ("psychological_abuse", _("Psychological abuse")),
    ("substances", _("Drugs or alcohol")),
    ("excessive_hours", _("Excessive working hours")),
    ("withholds_documents", _("Withholds documents")),
    ("other", _("Other")),
)

# vic_TypeOfExploitation
EXPLOITATION = (
    ("forced_labour", _("Forced labour")),
    ("sexual", _("Sexual exploitation")),
    ("child_labour", _("Child labour")),
    ("forced_marriage", _("Forced marriage")),
    ("servitude", _("Servitude")),
    ("organ_removal", _("Organ removal")),
    ("forced_begging", _("Forced begging")),
    ("other", _("Other")),
)

# vic_ForcedLabourIndustry: the ISIC v4 sections seen in Japan's cases.
INDUSTRY = (
    ("", _("Not known")),
    ("A", _("Agriculture and fishing")),
    ("C", _("Manufacturing")),
    ("F", _("Construction")),
    ("I", _("Hotels and restaurants")),
    ("Q", _("Care work")),
    ("T", _("Domestic work")),
    ("R", _("Entertainment")),
    ("other", _("Other")),
)

# vic_TypeOfSexExploitation (the sexual-history section)
SEX_EXPLOITATION = (
    ("prostitution", _("Prostitution")),
    ("pornography", _("Pornography")),
    ("remote", _("Remote interactive services")),
    ("private", _("Private sexual services")),
)


def labels(choices: tuple[tuple[str, object], ...], codes: list[str] | str) -> list[str]:
    """The translated labels of ``codes`` (unknown codes shown as they are)."""
    names = {code: str(label) for code, label in choices}
    items = [codes] if isinstance(codes, str) else codes
    return [names.get(code, code) for code in items if code]


# ------------------------------------------------------------------- countries and languages

# Citizenships are stored as ISO 3166-1 alpha-3 codes (VNM), languages as ISO 639 / BCP 47 codes
# (vi, pt-BR). Their names in the reader's language come from the Unicode CLDR (Babel), which has
# every country and most languages in all of tipnet's languages; a code CLDR does not know is
# shown as it was typed.
_ALPHA3_TO_ALPHA2 = {alpha3: alpha2 for alpha2, alpha3 in COUNTRY_ALPHA2_TO_ALPHA3.items()}


@lru_cache(maxsize=32)
def _reader_locale(language: str) -> Locale:
    try:
        return Locale.parse(to_locale(language))
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en")


def _reader() -> Locale:
    return _reader_locale(get_language() or "en")


def country_names(codes: list[str]) -> list[str]:
    """Each citizenship's country name in the reader's language (VNM -> ベトナム in Japanese)."""
    territories = _reader().territories
    names = []
    for code in codes:
        alpha2 = _ALPHA3_TO_ALPHA2.get(str(code).upper(), "")
        names.append(str(territories.get(alpha2) or code))
    return names


def language_names(codes: list[str]) -> list[str]:
    """Each language's name in the reader's language (vi -> ベトナム語 in Japanese; pt-BR with its
    country)."""
    reader = _reader()
    names = []
    for code in codes:
        try:
            name = Locale.parse(str(code), sep="-").get_display_name(reader)
        except (ValueError, UnknownLocaleError):
            name = None
        names.append(str(name or code))
    return names
