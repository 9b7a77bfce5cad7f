"""The picklists of a case, after HTCDS 2.0 (../shared/reference/htcds/, ``prs_`` person, ``vic_``
victim context, ``cas_`` case, ``con_`` consent), with Japan's residence statuses added.

Why codes and not labels in the sealed content: the codes stay stable across languages and across
a later HTCDS export (``core.standard``); labels are translated when shown.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

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
