"""Reads for screening pages."""

from __future__ import annotations

from django.db.models import QuerySet

from tipnet.web.accounts.access import organisations_where
from tipnet.web.accounts.models import User
from tipnet.web.screening.access import SCREENING_ROLES
from tipnet.web.screening.models import ScreeningRecord


def screenings_visible(*, user: User) -> QuerySet[ScreeningRecord]:
    """Saved screenings of the caseworker's organisations (list shows no content, only references)."""
    return ScreeningRecord.objects.filter(organisation__in=organisations_where(user, *SCREENING_ROLES)).only(
        "pk", "reference", "status", "updated_at", "catalogue_version"
    )
