"""The duplicate warning at intake: "this person may already have a case here".

Without decrypting every case: each case keeps the keyed blind-index tokens of its person
(``tipnet.core.blindindex``; a table of (case, token) with an index on the token). At intake the new
person's tokens pick the cases sharing at least ``CANDIDATE_MIN_SHARED`` of them (most shared first,
at most ``MAX_CANDIDATES``); only those are decrypted and compared with ``similarity``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from tipnet.core.blindindex import (
    CANDIDATE_MIN_SHARED,
    PersonKeys,
    blind_index_secret,
    blind_tokens,
    similarity,
)
from tipnet.web.accounts.models import Organisation
from tipnet.web.cases.models import Case, CaseToken
from tipnet.web.cases.sealing import ContentError, content_open

MAX_CANDIDATES = 50


def person_keys(content: dict[str, dict[str, Any]]) -> PersonKeys:
    """The names, birth date and first citizenship (ISO 3166-1 alpha-3) of a case's content."""
    identity = content.get("identity") or {}
    situation = content.get("situation") or {}
    names = tuple(str(n) for n in [*(identity.get("names") or []), *(identity.get("aliases") or [])] if str(n).strip())
    birth = identity.get("birth_date") or None
    citizenships = situation.get("citizenships") or []
    return PersonKeys(
        names=names,
        birth_date=datetime.date.fromisoformat(birth) if birth else None,
        nationality=str(citizenships[0]) if citizenships else None,
    )


def case_tokens_store(*, case: Case, content: dict[str, dict[str, Any]], org_private: bytes) -> int:
    """Replace the case's tokens with those of its current content. Returns how many."""
    tokens = blind_tokens(secret=blind_index_secret(org_private), person=person_keys(content))
    CaseToken.objects.filter(case=case).delete()
    CaseToken.objects.bulk_create(CaseToken(case=case, token=token) for token in sorted(tokens))
    return len(tokens)


@dataclass(frozen=True)
class PossibleDuplicate:
    case: Case
    score: float
    reasons: tuple[str, ...]


def possible_duplicates(
    *, organisation: Organisation, content: dict[str, dict[str, Any]], org_private: bytes, exclude: int | None = None
) -> list[PossibleDuplicate]:
    """The organisation's cases likely to be the person of this intake content, most likely first."""
    return likely_matches(organisation=organisation, person=person_keys(content), org_private=org_private,
                          exclude=exclude)


def likely_matches(
    *, organisation: Organisation, person: PersonKeys, org_private: bytes, exclude: int | None = None
) -> list[PossibleDuplicate]:
    """The organisation's cases likely to be ``person``, most likely first. Decrypts only the
    candidates the tokens pick, and only in this organisation (the caller audits the check).

    Used by the intake duplicate warning and by the training app's check that no practice case
    describes a stored person (there the caller reveals only that a match exists)."""
    tokens = blind_tokens(secret=blind_index_secret(org_private), person=person)
    if not tokens:
        return []
    # No join to the cases for their organisation: tokens are keyed with this organisation's secret,
    # so another organisation's token cannot equal one of these (128 bits); the candidates are then
    # read with ``organisation=`` below. The join made the check read every case of the organisation
    # (1.3 s at 100,000 cases; bench/cases_scale.py).
    shared = (
        CaseToken.objects.filter(token__in=tokens)
        .values("case_id").annotate(shared=Count("token")).filter(shared__gte=CANDIDATE_MIN_SHARED)
        .order_by("-shared", "case_id")
    )
    if exclude is not None:
        shared = shared.exclude(case_id=exclude)
    ids = [row["case_id"] for row in shared[:MAX_CANDIDATES]]
    found = []
    for case in Case.objects.filter(pk__in=ids, organisation=organisation).select_related("owner"):
        try:
            other = content_open(private_key=org_private, sealed_key=bytes(case.sealed_key),
                                 ciphertext=bytes(case.ciphertext))
        except ContentError:
            continue
        match = similarity(person, person_keys(other))
        if match.likely:
            found.append(PossibleDuplicate(case=case, score=match.score, reasons=match.reasons))
    return sorted(found, key=lambda d: -d.score)
