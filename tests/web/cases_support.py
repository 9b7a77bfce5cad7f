"""Shared by the case tests: a keyed caseworker, a Vietnamese man's intake content, a case."""

from __future__ import annotations

from typing import Any

import pytest

from tipnet.web.accounts import keys
from tipnet.web.accounts.models import User
from tipnet.web.cases import services
from tipnet.web.cases.models import Case, CaseTask, Consent, Disclosure, Referral

PASSWORD = "correct horse battery 9"
NAME = "Nguyen Van Thuong"
ALIAS = "グエン・ヴァン・トゥオン"
HEALTH = "untreated hand injury from the press line at Kakegawa"
SEXUAL = "no sexual exploitation disclosed so far"


def unlocked(user: User) -> bytes:
    """The user's private key, making their keyring first if needed (as the sign-in would)."""
    if keys.public_key_of(user) is None:
        keys.keyring_create_for(user, password=PASSWORD)
    private_key = keys.keyring_unlock(user, password=PASSWORD)
    assert private_key is not None
    return private_key


def intake_content(name: str = NAME, birth: str = "1999-04-03") -> dict[str, dict[str, Any]]:
    return {
        "identity": {"names": [name], "aliases": [ALIAS], "birth_date": birth, "contact": "via the church in Hamamatsu"},
        "situation": {"sex": "masculine", "citizenships": ["VNM"], "languages": ["vi"], "age_trafficked": 23,
                      "trafficking_status": "possible", "residence_status": "technical_intern",
                      "recruitment": ["broker"], "control": ["debt_bondage", "withholds_documents"],
                      "exploitation": ["forced_labour"], "industry": "C", "locations": "Nghe An; Kakegawa, Shizuoka"},
        "health": {"health_notes": HEALTH},
        "sexual": {"sex_exploitation": [], "sexual_notes": SEXUAL},
    }


def open_case(user: User, *, consents: set[str] | None = None, name: str = NAME, birth: str = "1999-04-03") -> Case:
    organisation = user.memberships.get().organisation
    return services.case_open(
        actor=user, organisation=organisation, content=intake_content(name, birth),
        consents=consents if consents is not None else {"interview", "purpose_told", "police"},
        private_key=unlocked(user),
    )


def case_row(organisation, *, owner: User) -> tuple[Case, CaseTask, Consent]:  # type: ignore[no-untyped-def]
    """A case with one task and one consent, made directly (empty sealed content): for access tests,
    where only who reaches which URL matters, not what the case says."""
    import datetime

    case = Case.objects.create(organisation=organisation, reference=f"C-2026-{Case.objects.count() + 1:06d}",
                               opened_on=datetime.date(2026, 1, 5), owner=owner)
    task = CaseTask.objects.create(case=case, assignee=owner, due_on=datetime.date(2026, 1, 9))
    consent = Consent.objects.create(case=case, purpose=Consent.Purpose.POLICE, given_on=datetime.date(2026, 1, 5))
    return case, task, consent


def referral_row(case: Case, receiver, *, by: User) -> Referral:  # type: ignore[no-untyped-def]
    """A proposed referral made directly (nothing sealed), for access tests."""
    import datetime

    disclosure = Disclosure.objects.create(case=case, recipient=receiver, purpose="referral",
                                           disclosed_on=datetime.date(2026, 1, 6), disclosed_by=by)
    return Referral.objects.create(case=case, sender=case.organisation, receiver=receiver, sections=["situation"],
                                   created_by=by, disclosure=disclosure)


@pytest.fixture(name="caseworker")
def caseworker_fixture(staff):  # type: ignore[no-untyped-def]
    """The NGO's caseworker, with a keyring (import this fixture into a test module to use it)."""
    user = staff["caseworker"]
    unlocked(user)
    return user


def runs_a_shelter_for_men(organisation) -> None:  # type: ignore[no-untyped-def]
    """Give a receiving organisation a directory service that fits the test person (a man, a
    technical intern): a referral goes only to an organisation with a fitting service (cases.receivers)."""
    from tipnet.web.directory.models import Service

    Service.objects.create(organisation=organisation, name="Shelter for men and women", kinds=["shelter"],
                           sexes=["male", "female"], residence=["regular", "irregular", "trainee"], nationwide=True)


def police_organisation():  # type: ignore[no-untyped-def]
    """Disclosures to the police go only to an organisation of type law enforcement."""
    from tipnet.web.accounts.models import Organisation
    from tipnet.web.accounts.roles import OrganisationType

    return Organisation.objects.get_or_create(name="Prefectural Police", type=OrganisationType.LAW_ENFORCEMENT)[0]
