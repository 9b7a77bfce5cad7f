"""tipnet's organisation types against HTCDS org_Type."""

from __future__ import annotations

from tipnet.core.standard import HTCDS
from tipnet.core.standard.mapping import (
    ORG_TYPE_FROM_HTCDS,
    ORG_TYPE_TO_HTCDS,
    TIPNET_ONLY_ORG_TYPES,
    org_type_to_htcds,
)


def test_every_htcds_org_type_has_a_tipnet_code_and_back() -> None:
    assert set(ORG_TYPE_FROM_HTCDS) == set(HTCDS["org_Type"].values)
    assert all(ORG_TYPE_FROM_HTCDS[ORG_TYPE_TO_HTCDS[code]] == code for code in ORG_TYPE_TO_HTCDS)


def test_tipnet_only_types_export_as_no_answer() -> None:
    assert {org_type_to_htcds(code) for code in TIPNET_ONLY_ORG_TYPES} == {None}
    assert org_type_to_htcds("ngo") == "NGO"
