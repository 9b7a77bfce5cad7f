"""Every organisation type of the accounts model is mapped to HTCDS or named as tipnet's own."""

from __future__ import annotations

from tipnet.core.standard.mapping import ORG_TYPE_TO_HTCDS, TIPNET_ONLY_ORG_TYPES
from tipnet.web.accounts.roles import OrganisationType


def test_organisation_types_are_all_placed() -> None:
    assert set(OrganisationType.values) == set(ORG_TYPE_TO_HTCDS) | TIPNET_ONLY_ORG_TYPES
    assert not set(ORG_TYPE_TO_HTCDS) & TIPNET_ONLY_ORG_TYPES
