"""Who may receive a referral of this person: organisations that run a fitting service (issue 12).

The choice comes from the services directory, with the directory's own eligibility rules
(``directory.selectors.service_search``: kind, sex, age, prefecture; ``PersonEligibility.accepted_by``:
residence status and nationality), computed from the case content on the server. The form shows
the same list, but the server decides: ``receiver_refusal`` is called by ``services.referral_propose``
with the content it has just decrypted, so a posted receiver without a fitting service is refused
whatever the client sends.

Authorities take anyone who comes to them: an organisation of type law enforcement, immigration
service or labour standards inspection is a receiver for its own need (police, residence status,
labour problems) without a directory entry. IOM and other international organisations are receivers
through their directory services (return home and reintegration), like any member organisation.

Only organisations with someone to read a referral (a confirmed caseworker or case supervisor with
an encryption key) can be chosen; fitting services of other organisations are listed to contact
directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tipnet.web.accounts.models import Membership, Organisation
from tipnet.web.accounts.roles import OrganisationType
from tipnet.web.cases.access import CASE_ROLES
from tipnet.web.cases.selectors import PersonEligibility, person_eligibility
from tipnet.web.directory.models import Kind, Service
from tipnet.web.directory.prefectures import BY_CODE
from tipnet.web.directory.selectors import (
    NO_PUBLIC_SHELTER_FOR_MEN,
    Notice,
    SearchFilters,
    search_outcome,
)

POLICE = "police"
# What the person needs: the directory's kinds of help (a hotline is not a receiver), and the police.
NEEDS: list[tuple[str, Any]] = [
    *[(kind.value, kind.label) for kind in Kind if kind != Kind.HOTLINE],
    (POLICE, gettext_lazy("Police (criminal investigation, protection)")),
]
NEED_CODES = frozenset(code for code, _label in NEEDS)
# Authorities receive for their own need without a directory entry.
AUTHORITY_NEEDS: dict[str, str] = {
    OrganisationType.LAW_ENFORCEMENT: POLICE,
    OrganisationType.IMMIGRATION: Kind.RESIDENCE,
    OrganisationType.LABOUR_INSPECTION: Kind.LABOUR,
}


@dataclass
class Receiver:
    organisation: Organisation
    services: list[Service] = field(default_factory=list)
    authority: bool = False
    speaks_language: bool = False

    @property
    def free_beds(self) -> int | None:
        beds = [s.beds_free for s in self.services if s.beds_free is not None]
        return sum(beds) if beds else None


@dataclass
class ReceiverOptions:
    receivers: list[Receiver]  # can receive a referral in tipnet
    elsewhere: list[Service]  # fit, but their organisation has nobody to read a referral here
    notices: list[Notice]

    @property
    def organisation_ids(self) -> set[int]:
        return {r.organisation.pk for r in self.receivers}


def organisations_receiving(organisation_ids: set[int]) -> set[int]:
    """Those of ``organisation_ids`` with a confirmed, active caseworker or case supervisor who has
    an encryption key: someone who can read a referral sealed to the organisation's key."""
    if not organisation_ids:
        return set()
    return set(Membership.objects.filter(
        organisation_id__in=organisation_ids, role__in=CASE_ROLES, pending=False, user__is_active=True,
        user__keyring__isnull=False,
    ).values_list("organisation_id", flat=True).distinct())


def _fitting_services(person: PersonEligibility, need: str, prefecture: str) -> tuple[list[Service], list[Notice]]:
    kind = need if need in Kind.values else ""
    filters = SearchFilters(kind=kind, sex=person.sex, age=person.age, prefecture=BY_CODE.get(prefecture))
    outcome = search_outcome(filters)
    notices = [n for n in outcome.notices if n.code == NO_PUBLIC_SHELTER_FOR_MEN]
    return [s for s in outcome.results if person.accepted_by(s)], notices


def receiver_options(*, sections: dict[str, dict[str, Any]], need: str, exclude_organisation_id: int,
                     prefecture: str = "") -> ReceiverOptions:
    """The organisations this person can be referred to for ``need`` ("" for any), from the
    sections the reader sees. Services speaking one of the person's languages first, then the
    directory's order (local first, verified first)."""
    person = person_eligibility(sections)
    services, notices = ([], []) if need == POLICE else _fitting_services(person, need, prefecture)
    services = [s for s in services if s.organisation_id != exclude_organisation_id]
    by_organisation: dict[int, Receiver] = {}
    for service in services:
        receiver = by_organisation.setdefault(service.organisation_id, Receiver(service.organisation))
        receiver.services.append(service)
        receiver.speaks_language = receiver.speaks_language or bool(person.languages & set(service.languages))
    authority_types = [t for t, n in AUTHORITY_NEEDS.items() if not need or n == need]
    for organisation in Organisation.objects.filter(type__in=authority_types).exclude(pk=exclude_organisation_id):
        by_organisation.setdefault(organisation.pk, Receiver(organisation)).authority = True
    receiving = organisations_receiving(set(by_organisation))
    receivers = [r for pk, r in by_organisation.items() if pk in receiving]
    receivers.sort(key=lambda r: not r.speaks_language)  # stable
    elsewhere = [s for s in services if s.organisation_id not in receiving]
    return ReceiverOptions(receivers=receivers, elsewhere=elsewhere, notices=notices)


def receiver_refusal(*, sections: dict[str, dict[str, Any]], receiver: Organisation, need: str,
                     sender_id: int) -> str:
    """Why ``receiver`` cannot take this referral ("" when it can): an unknown need, or no fitting
    service (and not the authority for that need)."""
    if need and need not in NEED_CODES:
        return _("Choose what the person needs from the list.")
    options = receiver_options(sections=sections, need=need, exclude_organisation_id=sender_id)
    if receiver.pk in options.organisation_ids:
        return ""
    return _(
        "%(organisation)s runs no service in the directory that fits this person (gender, age, residence "
        "status, nationality) for this need. Nothing was shared. Choose an organisation from the list of "
        "fitting services."
    ) % {"organisation": receiver.name}


def receiver_context(query: Any, *, case: Any, sections: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """For the case page: the need and prefecture asked for (``?need=shelter&prefecture=23``), the
    fitting receivers, the referral form offering only them, and the directory's notices."""
    from tipnet.web.cases.forms import ReferralForm
    from tipnet.web.directory.prefectures import prefecture_choices

    need = str(query.get("need", ""))
    need = need if need in NEED_CODES else ""
    prefecture = str(query.get("prefecture", ""))
    prefecture = prefecture if prefecture in BY_CODE else ""
    options = receiver_options(sections=sections, need=need, prefecture=prefecture,
                               exclude_organisation_id=case.organisation_id)
    return {
        "referral_form": ReferralForm(organisation=case.organisation, initial={"need": need},
                                      receivers=sorted(options.organisation_ids)),
        "receiver_options": options, "need": need, "prefecture": prefecture, "needs": NEEDS,
        "prefectures": prefecture_choices(),
    }
