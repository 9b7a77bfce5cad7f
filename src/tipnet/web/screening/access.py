"""Who may screen and read screenings: caseworkers, and only their own organisation's records.

Admins and researchers do not read screening records: they hold a person's story.
"""

from __future__ import annotations

from django.http import Http404

from tipnet.web.accounts.access import organisations_where, user_has_role
from tipnet.web.accounts.models import Organisation, User
from tipnet.web.accounts.roles import Role
from tipnet.web.screening.models import ScreeningRecord

SCREENING_ROLES = (Role.CASEWORKER,)


def access_screening(*, user: User) -> None:
    if not user_has_role(user, *SCREENING_ROLES):
        raise Http404


def screening_organisation(*, user: User) -> Organisation:
    organisations = organisations_where(user, *SCREENING_ROLES)
    if not organisations:
        raise Http404
    return organisations[0]


def access_screening_record(*, user: User, record_id: int) -> ScreeningRecord:
    access_screening(user=user)
    record = (
        ScreeningRecord.objects.filter(pk=record_id, organisation__in=organisations_where(user, *SCREENING_ROLES))
        .first()
    )
    if record is None:
        raise Http404
    return record
