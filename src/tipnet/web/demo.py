"""Demo organisations and staff, invented and marked as such. Loaded only in demo mode.

The demo users' TOTP secrets are made per installation (never shipped) and printed by
`tipnet demo`, so that a tester can add them to an authenticator app.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from tipnet.web.accounts.audit import Action, audit_record
from tipnet.web.accounts.keys import keyring_create_for
from tipnet.web.accounts.models import Membership, Organisation, User
from tipnet.web.accounts.orgkeys import organisation_key_ensure
from tipnet.web.accounts.roles import OrganisationType, Role

DEMO_PASSWORD = "demo-password-2026"

ORGANISATIONS = [
    ("Demo Reporting Line Trustee", OrganisationType.TRUSTEE, "Tokyo"),
    ("Demo Migrant Support NGO", OrganisationType.NGO, "Aichi"),
    ("Demo Legal Aid Office", OrganisationType.LEGAL_SERVICE, "Osaka"),
    ("Demo Prefectural Police", OrganisationType.LAW_ENFORCEMENT, "Tokyo"),
    ("Demo Research Institute", OrganisationType.SCHOOL, "Kyoto"),
    ("Demo Network Secretariat", OrganisationType.NGO, "Tokyo"),
    # Receivers of referrals and disclosures (issue 12): a shelter that takes men, IOM for return,
    # labour standards inspection and the immigration services.
    ("Demo Shelter for Men", OrganisationType.NGO, "Shizuoka"),
    ("Demo IOM Office", OrganisationType.INTERNATIONAL, "Tokyo"),
    ("Demo Labour Standards Inspection Office", OrganisationType.LABOUR_INSPECTION, "Aichi"),
    ("Demo Immigration Bureau", OrganisationType.IMMIGRATION, "Aichi"),
]

USERS = [
    ("admin", "Network admin (demo)", "Demo Network Secretariat", Role.NETWORK_ADMIN),
    ("operator", "Hotline operator (demo)", "Demo Reporting Line Trustee", Role.HOTLINE_OPERATOR),
    ("caseworker", "Caseworker (demo)", "Demo Migrant Support NGO", Role.CASEWORKER),
    ("orgadmin", "Organisation admin (demo)", "Demo Migrant Support NGO", Role.ORG_ADMIN),
    ("supervisor", "Case supervisor (demo)", "Demo Migrant Support NGO", Role.CASE_SUPERVISOR),
    ("lawyer", "Legal aid caseworker (demo)", "Demo Legal Aid Office", Role.CASEWORKER),
    ("researcher", "Researcher (demo)", "Demo Research Institute", Role.RESEARCHER),
    ("coordinator", "Advocacy coordinator (demo)", "Demo Network Secretariat", Role.COORDINATOR),
    ("trainee", "Trainee (demo)", "Demo Migrant Support NGO", Role.TRAINEE),
    ("shelter", "Shelter caseworker (demo)", "Demo Shelter for Men", Role.CASEWORKER),
    ("iom", "IOM caseworker (demo)", "Demo IOM Office", Role.CASEWORKER),
    ("inspector", "Labour inspector (demo)", "Demo Labour Standards Inspection Office", Role.CASEWORKER),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    organisation: str
    totp_secret: str
    otpauth_url: str


class NotDemoMode(RuntimeError):
    pass


@transaction.atomic
def demo_load() -> list[DemoLogin]:
    """Create the demo organisations and users once; return their logins (idempotent)."""
    if settings.TIPNET_MODE != "demo":
        raise NotDemoMode("demo data can be loaded only in demo mode")
    organisations = {}
    for name, kind, prefecture in ORGANISATIONS:
        organisation, created = Organisation.objects.get_or_create(
            name=name, defaults={"type": kind, "prefecture": prefecture, "is_demo": True}
        )
        if created:
            audit_record(actor=None, action=Action.ORGANISATION_CREATED, organisation=organisation, details={"demo": True})
        organisations[name] = organisation
    logins = []
    for username, display, org_name, role in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, display_name=display)
            user.set_password(DEMO_PASSWORD)
            user.save()
            Membership.objects.create(user=user, organisation=organisations[org_name], role=role)
            TOTPDevice.objects.create(user=user, name="demo authenticator", confirmed=True)
            if role != Role.TRAINEE:  # a trainee holds no key (tipnet.web.training.services)
                keyring_create_for(user, password=DEMO_PASSWORD)
            audit_record(
                actor=None, action=Action.ROLE_GRANTED, organisation=organisations[org_name],
                target_type="user", target_id=user.pk, details={"role": role, "demo": True},
            )
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        secret = base64.b32encode(device.bin_key).decode().rstrip("=") if device else ""
        logins.append(
            DemoLogin(username, DEMO_PASSWORD, role, org_name, secret, device.config_url if device else "")
        )
    # After the users, so that each organisation's key is sealed to its demo members at once
    # (organisations without a demo member get theirs when a member first needs it).
    for organisation in organisations.values():
        organisation_key_ensure(organisation=organisation)
    _demo_receiver_key(organisations["Demo Prefectural Police"])
    from tipnet.web.directory.seed import directory_seed

    directory_seed(demo=True)  # before the cases: a referral goes only to a fitting directory service
    from tipnet.web.cases.demo import demo_cases_seed

    demo_cases_seed(organisation=organisations["Demo Migrant Support NGO"],
                    owner=User.objects.get(username="caseworker"), password=DEMO_PASSWORD,
                    legal_aid=organisations["Demo Legal Aid Office"],
                    receivers={"shelter": organisations["Demo Shelter for Men"], "iom": organisations["Demo IOM Office"],
                               "inspection": organisations["Demo Labour Standards Inspection Office"]})
    from tipnet.web.training.seed import training_demo_seed

    training_demo_seed(trainer=User.objects.get(username="orgadmin"), trainee=User.objects.get(username="trainee"),
                       checker=User.objects.get(username="caseworker"), checker_password=DEMO_PASSWORD)
    return logins


def _demo_receiver_key(police: Organisation) -> None:
    """The demo police receive forwarded reports; their age identity stays in the data folder so
    that a tester can open a forwarded file with `age -d -i <file>`."""
    import os

    import pyrage

    from tipnet.web.report.models import ReceiverKey

    if ReceiverKey.objects.filter(organisation=police).exists():
        return
    identity = pyrage.x25519.Identity.generate()
    path = settings.DATA_DIR / "demo-police-age-identity.txt"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(f"# demo only: the Demo Prefectural Police's age identity\n{identity}\n")
    ReceiverKey.objects.create(organisation=police, recipient=str(identity.to_public()))
