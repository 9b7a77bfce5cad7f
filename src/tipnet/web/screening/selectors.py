"""Reads for screening pages."""

from __future__ import annotations

from django.db.models import QuerySet

from tipnet.web.accounts.access import organisations_where
from tipnet.web.accounts.models import User
from tipnet.web.screening.access import SCREENING_ROLES
from tipnet.web.screening.models import ScreeningRecord


def screenings_visible(*, user: User) -> QuerySet[ScreeningRecord]:
    """Saved screenings of the caseworker's organisations. The list shows no content but the
    reference, which is inside the encrypted payload (``services.screening_references``)."""
    return ScreeningRecord.objects.filter(organisation__in=organisations_where(user, *SCREENING_ROLES)).select_related(
        "organisation"
    ).only(
        "pk", "organisation", "status", "updated_at", "catalogue_version", "sealed_key", "ciphertext"
    )
