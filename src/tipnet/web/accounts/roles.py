"""Roles and organisation types, shared by every app's access.py."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    HOTLINE_OPERATOR = "hotline_operator", _("Hotline operator")
    CASEWORKER = "caseworker", _("Caseworker")
    CASE_SUPERVISOR = "case_supervisor", _("Case supervisor")
    ORG_ADMIN = "org_admin", _("Organisation admin")
    RESEARCHER = "researcher", _("Researcher")
    COORDINATOR = "coordinator", _("Advocacy coordinator")
    NETWORK_ADMIN = "network_admin", _("Network admin")
    # Practises identification on invented cases (tipnet.web.training); reaches no record.
    TRAINEE = "trainee", _("Trainee")


# The one list of roles that read what is sealed to an organisation's key (accounts.orgkeys): the
# organisation's cases and the referrals it receives (cases.access.CASE_ROLES) and its saved
# screenings (screening.access.SCREENING_ROLES). Only a confirmed membership with one of these
# roles receives a share of the key, and only its holders confirm new members (grants.py). Org
# admins manage people, researchers and coordinators see de-identified data, network admins run
# the network, trainees practise: none of them reads a person's story, so none holds the key.
# Hotline operators read reports, which are sealed to each operator's own keyring, not to this key.
ORGANISATION_KEY_ROLES: frozenset[str] = frozenset({Role.CASEWORKER, Role.CASE_SUPERVISOR})


class OrganisationType(models.TextChoices):
    """HTCDS 2.0 organisation types (``org_Type``), plus trustee, authority, embassy, international
    organisation and labour standards inspection."""

    NGO = "ngo", _("NGO")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    HEALTH_SERVICE = "health_service", _("Health service organisation")
    CENTRAL_GOV = "central_gov", _("Central government")
    LOCAL_GOV = "local_gov", _("Local government")
    IMMIGRATION = "immigration", _("Immigration service")
    LEGAL_SERVICE = "legal_service", _("Legal service")
    CORPORATE = "corporate", _("Corporate business")
    SCHOOL = "school", _("School or college")
    TRUSTEE = "trustee", _("Reporting-line trustee")
    AUTHORITY = "authority", _("Authority receiving reports")
    EMBASSY = "embassy", _("Embassy or consulate")
    # IOM, UNHCR: assisted voluntary return and reintegration, protection (issue 12).
    INTERNATIONAL = "international", _("International organisation")
    # 労働基準監督署: labour-law enforcement, a receiver of referrals and disclosures (issue 12).
    LABOUR_INSPECTION = "labour_inspection", _("Labour standards inspection")
