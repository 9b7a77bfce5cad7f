"""Mapping between HTCDS values and tipnet's own codes, for the models that exist today.

Only organisations so far: tipnet's organisation types are HTCDS v2.0's ``org_Type`` plus five of
its own (the reporting line's trustee, an authority that receives reports, an embassy, an
international organisation, labour standards inspection), which have
no HTCDS value and are exported as ``None`` (no answer), never as a wrong one. Cases, referrals and
consents are mapped when the cases app lands (docs/api.md).
"""

from __future__ import annotations

__all__ = ["ORG_TYPE_FROM_HTCDS", "ORG_TYPE_TO_HTCDS", "TIPNET_ONLY_ORG_TYPES", "org_type_to_htcds"]

ORG_TYPE_TO_HTCDS = {
    "ngo": "NGO",
    "law_enforcement": "LawEnforcement",
    "health_service": "HealthServiceOrganisation",
    "central_gov": "CentralGovernmentOrganisation",
    "local_gov": "LocalGovernmentOrganisation",
    "immigration": "ImmigrationService",
    "legal_service": "LegalService",
    "corporate": "CorporateBusiness",
    "school": "SchoolOrCollege",
}
# International organisation (IOM) and labour standards inspection (issue 12) have no HTCDS value of
# their own either (an inspection office is central government, but the reverse map must stay one-to-one).
TIPNET_ONLY_ORG_TYPES = frozenset({"trustee", "authority", "embassy", "international", "labour_inspection"})
ORG_TYPE_FROM_HTCDS = {value: code for code, value in ORG_TYPE_TO_HTCDS.items()}


def org_type_to_htcds(code: str) -> str | None:
    """The ``org_Type`` value of a tipnet organisation type, or None where HTCDS has none."""
    return ORG_TYPE_TO_HTCDS.get(code)
