"""Reads for case pages: only clear fields here; content is opened (and audited) in services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from tipnet.web.accounts.models import Organisation, User
from tipnet.web.cases.access import case_organisations
from tipnet.web.cases.models import Case, CaseTask
from tipnet.web.directory.models import Service
from tipnet.web.directory.selectors import SearchFilters, service_search

DUE_WINDOW_DAYS = 7


def cases_visible(*, user: User, status: str = "", owner_id: int | None = None) -> QuerySet[Case]:
    """The user's organisations' cases, newest first, filtered by status and owner. No content:
    the list shows the neutral reference, status, dates and owner."""
    cases = Case.objects.filter(organisation__in=case_organisations(user=user)).select_related("owner", "organisation")
    if status:
        cases = cases.filter(status=status)
    else:  # an erased case's tombstone is listed only when asked for (and on cases:erased)
        cases = cases.exclude(status=Case.Status.ERASED)
    if owner_id is not None:
        cases = cases.filter(owner_id=owner_id)
    return cases.defer("sealed_key", "ciphertext")


def tasks_due(*, user: User, today: datetime.date | None = None,
              organisations: list[Organisation] | None = None) -> QuerySet[CaseTask]:
    """The user's open tasks due within a week, overdue ones included, in cases she may still open
    (``organisations``: the user's case organisations, when the caller has them already)."""
    today = today or timezone.localdate()
    if organisations is None:
        organisations = case_organisations(user=user)
    return (
        CaseTask.objects.filter(assignee=user, done_on__isnull=True, due_on__lte=today + datetime.timedelta(days=DUE_WINDOW_DAYS),
                                case__organisation__in=organisations)
        .select_related("case", "case__organisation").order_by("due_on", "pk")
    )


# Case vocabulary -> the directory's eligibility codes (directory/models.py Sex, Residence).
_DIRECTORY_SEX = {"feminine": "female", "masculine": "male", "transgender_feminine": "female",
                  "transgender_masculine": "male", "non_conforming": "other"}
_DIRECTORY_RESIDENCE = {"technical_intern": "trainee", "irregular": "irregular", "japanese": "japanese"}


@dataclass(frozen=True)
class ServiceFit:
    service: Service
    speaks_language: bool


@dataclass(frozen=True)
class PersonEligibility:
    """What the directory's eligibility rules need to know of a person, from the case sections the
    reader sees: the directory's sex code, age today, residence code, languages, citizenships."""

    sex: str
    age: int | None
    residence: str
    languages: frozenset[str]
    citizenships: frozenset[str]

    def accepted_by(self, service: Service) -> bool:
        """The checks service_search cannot make in SQL: residence status and nationality."""
        if service.residence and self.residence not in service.residence:
            return False
        only = set(service.nationalities.upper().split())
        return not only or not self.citizenships or bool(only & self.citizenships)


def person_eligibility(sections: dict[str, dict[str, Any]]) -> PersonEligibility:
    situation, identity = sections.get("situation") or {}, sections.get("identity") or {}
    birth = identity.get("birth_date") or ""
    age = None
    if birth:
        born, today = datetime.date.fromisoformat(birth), timezone.localdate()
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return PersonEligibility(
        sex=_DIRECTORY_SEX.get(str(situation.get("sex") or ""), ""), age=age,
        residence=_DIRECTORY_RESIDENCE.get(str(situation.get("residence_status") or ""), "regular"),
        languages=frozenset(situation.get("languages") or []),
        citizenships=frozenset(str(c).upper() for c in situation.get("citizenships") or []),
    )


def services_for_person(*, sections: dict[str, dict[str, Any]], exclude_organisation_id: int,
                        limit: int = 12) -> list[ServiceFit]:
    """Published services of other organisations that accept this person (sex, age today, residence
    status), those speaking one of the person's languages first: so that a man is offered what
    exists for men. Uses only sections the reader already sees."""
    person = person_eligibility(sections)
    found = service_search(SearchFilters(sex=person.sex, age=person.age), with_language=False)
    fits = [ServiceFit(s, bool(person.languages & set(s.languages))) for s in found
            if s.organisation_id != exclude_organisation_id and person.accepted_by(s)]
    fits.sort(key=lambda f: not f.speaks_language)  # stable: keeps the directory's own order otherwise
    return fits[:limit]
