"""Least privilege at the crypto layer, attacked as an insider would: the organisation's private key
is sealed only to the members whose role reads sealed content (roles.ORGANISATION_KEY_ROLES:
caseworker, case supervisor). A researcher's, coordinator's or admin's keyring, unlocked with her
own (or a stolen) password, opens none of the organisation's cases or screenings: not after
joining, not after a role change, not after migration 0010 cleaned up the shares made before."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.web.conftest import make_staff, signed_in_client, url
from tests.web.test_report_line import sign_in  # the real two-step sign-in
from tests.web.test_screening_encryption import REFERENCE, secret_post
from tipnet.core import crypto
from tipnet.web.accounts import grants, keys, orgkeys, services
from tipnet.web.accounts.audit import audit_verify
from tipnet.web.accounts.models import (
    AuditEvent,
    Membership,
    Organisation,
    OrganisationKey,
    OrganisationKeyShare,
    StaffKeyring,
    User,
)
from tipnet.web.accounts.roles import ORGANISATION_KEY_ROLES, OrganisationType, Role
from tipnet.web.cases.access import CASE_ROLES
from tipnet.web.screening.access import SCREENING_ROLES
from tipnet.web.screening.models import ScreeningRecord
from tipnet.web.screening.sealing import payload_open

PASSWORD = "correct horse battery 9"
MIGRATION = "tipnet.web.accounts.migrations.0010_key_shares_by_role"


_unlocked: dict[int, bytes] = {}


@pytest.fixture(autouse=True)
def _forget_unlocked_keys():  # type: ignore[no-untyped-def]
    _unlocked.clear()
    yield
    _unlocked.clear()


# Those who sign in for real in these tests: their password must unlock their keyring.
SIGNS_IN = {"user_caseworker", "user_org_admin", "legacy_admin"}


def private_key_of(user: User) -> bytes:
    """The user's unlocked private key, as her password gives it (keyring made first if missing).
    Argon2id is slow on purpose, so each key is derived once per test, and someone who never signs
    in for real gets a keyring whose private key only this test knows (same public key role)."""
    if user.pk not in _unlocked:
        if keys.public_key_of(user) is None and user.username not in SIGNS_IN:
            public, private = crypto.new_keypair()
            StaffKeyring.objects.create(user=user, public_key=public, password_salt=b"", private_by_password=b"",
                                        recovery_salt=b"", private_by_recovery=b"")
            _unlocked[user.pk] = private
            return private
        if keys.public_key_of(user) is None:
            keys.keyring_create_for(user, password=PASSWORD)
        private_key = keys.keyring_unlock(user, password=PASSWORD)
        assert private_key is not None
        _unlocked[user.pk] = private_key
    return _unlocked[user.pk]


def keyed_client(user: User) -> Client:
    """conftest.keyed_client with the key derived once per test."""
    client = signed_in_client(user)
    session = client.session
    session[keys.SESSION_FIELD], client.cookies[keys.COOKIE] = keys.split_private_key(private_key_of(user))
    session.save()
    return client


def content_of(record: ScreeningRecord, reader: User) -> dict[str, object]:
    """Decrypt a saved screening as ``reader`` with her share, without the audited service."""
    org_private = orgkeys.organisation_private_key(user=reader, private_key=private_key_of(reader),
                                                   organisation=record.organisation)
    assert org_private is not None
    return payload_open(private_key=org_private, sealed_key=bytes(record.sealed_key), ciphertext=bytes(record.ciphertext))


def opens_anything(user: User, record: ScreeningRecord) -> bool:
    """What an attacker with the user's password gets from a copy of the database: her unlocked
    keyring tried on every stored share and directly on the record's sealed key."""
    private_key = private_key_of(user)
    for share in OrganisationKeyShare.objects.all():
        try:
            org_private = crypto.unseal(private_key, bytes(share.sealed_private))
        except crypto.DecryptionError:
            continue
        try:
            crypto.unseal(org_private, bytes(record.sealed_key))
            return True
        except crypto.DecryptionError:
            continue
    try:
        crypto.unseal(private_key, bytes(record.sealed_key))
        return True
    except crypto.DecryptionError:
        return False


def has_share(user: User, organisation: Organisation) -> bool:
    return OrganisationKeyShare.objects.filter(user=user, organisation=organisation).exists()


@pytest.fixture
def ngo(organisations) -> Organisation:  # type: ignore[no-untyped-def]
    return organisations["ngo"]


@pytest.fixture
def saved(staff, ngo) -> ScreeningRecord:  # type: ignore[no-untyped-def]
    """A screening saved by the NGO's caseworker: the key is made then, sealed to whom it may be."""
    assert keyed_client(staff[Role.CASEWORKER]).post(url("screening:interview"), secret_post()).status_code == 302
    return ScreeningRecord.objects.get()


def test_the_one_list_of_key_roles_is_what_the_access_rules_let_read() -> None:
    """A role added to the case or screening access rules must be added here too, and the reverse."""
    assert set(CASE_ROLES) | set(SCREENING_ROLES) == ORGANISATION_KEY_ROLES
    for role in (Role.RESEARCHER, Role.COORDINATOR, Role.ORG_ADMIN, Role.NETWORK_ADMIN, Role.TRAINEE,
                 Role.HOTLINE_OPERATOR):
        assert role not in ORGANISATION_KEY_ROLES


def test_a_new_key_is_sealed_only_to_caseworkers_and_case_supervisors(staff, ngo) -> None:  # type: ignore[no-untyped-def]
    """Every role of the NGO has a keyring when its key is made; only two roles get a share."""
    researcher = make_staff("ngo_researcher", ngo, Role.RESEARCHER)
    coordinator = make_staff("ngo_coordinator", ngo, Role.COORDINATOR)
    members = {Role.CASEWORKER: staff[Role.CASEWORKER], Role.CASE_SUPERVISOR: staff[Role.CASE_SUPERVISOR],
               Role.ORG_ADMIN: staff[Role.ORG_ADMIN], Role.TRAINEE: staff[Role.TRAINEE],
               Role.RESEARCHER: researcher, Role.COORDINATOR: coordinator}
    for member in members.values():
        private_key_of(member)
    orgkeys.organisation_key_ensure(organisation=ngo)
    holders = {role for role, member in members.items() if has_share(member, ngo)}
    assert holders == {Role.CASEWORKER, Role.CASE_SUPERVISOR}
    event = AuditEvent.objects.get(action="organisation.key_created", organisation_id=ngo.pk)
    assert event.details["shares"] == 2


def test_a_researchers_password_opens_nothing_although_she_is_a_member(staff, ngo, saved) -> None:  # type: ignore[no-untyped-def]
    researcher = make_staff("mallory", ngo, Role.RESEARCHER)
    admin = staff[Role.ORG_ADMIN]
    supervisor = staff[Role.CASE_SUPERVISOR]
    for member in (researcher, admin, supervisor):
        private_key_of(member)
    # Every way shares are made: a holder's sign-in, a direct grant, a key made anew.
    caseworker = staff[Role.CASEWORKER]
    orgkeys.organisation_shares_grant_pending(user=caseworker, private_key=private_key_of(caseworker))
    for member in (researcher, admin):
        assert not orgkeys.organisation_share_grant(actor=caseworker, private_key=private_key_of(caseworker),
                                                    organisation=ngo, user=member)
        assert not has_share(member, ngo)
        assert not opens_anything(member, saved)
        assert orgkeys.organisation_private_key(user=member, private_key=private_key_of(member), organisation=ngo) is None
        assert keyed_client(member).get(url("screening:record", saved.pk)).status_code == 404
    # The case supervisor, whose role reads the organisation's cases, got hers at the sign-in.
    assert has_share(supervisor, ngo) and opens_anything(supervisor, saved)
    assert content_of(saved, supervisor)["reference"] == REFERENCE


def test_joining_as_researcher_gives_no_share_and_as_caseworker_does(staff, ngo, saved) -> None:  # type: ignore[no-untyped-def]
    caseworker = staff[Role.CASEWORKER]
    newcomers = {}
    for username, role in (("rita", Role.RESEARCHER), ("carl", Role.COORDINATOR), ("cora", Role.CASEWORKER)):
        invite = services.user_invite(actor=staff[Role.ORG_ADMIN], organisation=ngo, username=username,
                                      display_name="", role=role)
        user = services.user_onboard(token=invite.token, password=PASSWORD)
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        membership = user.memberships.get()
        assert membership.pending  # the org admin holds no key: a key holder confirms
        # The key holder confirms from her page, her key unlocked in her session.
        assert keyed_client(caseworker).post(url("accounts:membership_decide", membership.pk),
                                             {"decision": "confirm"}).status_code == 200
        newcomers[role] = user
    # Confirmation and the key holder's next real sign-in shared the key with the caseworker only.
    sign_in(caseworker)
    assert has_share(newcomers[Role.CASEWORKER], ngo)
    assert content_of(saved, newcomers[Role.CASEWORKER])["reference"] == REFERENCE
    for role in (Role.RESEARCHER, Role.COORDINATOR):
        assert not has_share(newcomers[role], ngo)
        assert not opens_anything(newcomers[role], saved)
    assert not AuditEvent.objects.filter(action="key.shared", target_id__in=[
        str(newcomers[Role.RESEARCHER].pk), str(newcomers[Role.COORDINATOR].pk)]).exists()


def test_a_content_role_granted_later_waits_for_a_key_holder(staff, ngo, saved) -> None:  # type: ignore[no-untyped-def]
    researcher = make_staff("rina", ngo, Role.RESEARCHER)
    private_key_of(researcher)
    admin = staff[Role.ORG_ADMIN]
    membership = services.membership_grant(actor=admin, user=researcher, organisation=ngo, role=Role.CASEWORKER,
                                           actor_private_key=private_key_of(admin))
    assert membership.pending and not has_share(researcher, ngo)
    caseworker = staff[Role.CASEWORKER]
    assert orgkeys.organisation_shares_grant_pending(user=caseworker, private_key=private_key_of(caseworker)) == 0
    assert not has_share(researcher, ngo)
    services.membership_confirm(actor=caseworker, membership=membership, actor_private_key=private_key_of(caseworker))
    assert has_share(researcher, ngo)
    assert AuditEvent.objects.filter(action="key.shared", actor_id=caseworker.pk, target_id=str(researcher.pk)).exists()
    assert content_of(saved, researcher)["reference"] == REFERENCE


def test_an_org_admin_cannot_give_herself_the_key(staff, ngo, saved) -> None:  # type: ignore[no-untyped-def]
    admin = staff[Role.ORG_ADMIN]
    admin_client = keyed_client(admin)
    for role in (Role.CASEWORKER, Role.CASE_SUPERVISOR):
        membership = services.membership_grant(actor=admin, user=admin, organisation=ngo, role=role,
                                               actor_private_key=private_key_of(admin))
        assert membership.pending
        assert admin_client.post(url("accounts:membership_decide", membership.pk),
                                 {"decision": "confirm"}).status_code == 404
        with pytest.raises(services.AccountError):
            services.membership_confirm(actor=admin, membership=membership, actor_private_key=private_key_of(admin))
    assert not has_share(admin, ngo)
    assert not opens_anything(admin, saved)
    # Her sign-in shares nothing with anyone (she holds nothing), and a holder's sign-in skips her.
    sign_in(admin)
    sign_in(staff[Role.CASEWORKER])
    assert not has_share(admin, ngo)
    assert admin_client.get(url("screening:record", saved.pk)).status_code == 404


def test_a_key_holder_elsewhere_gains_nothing_in_another_organisation(staff, organisations, ngo, saved) -> None:  # type: ignore[no-untyped-def]
    """Eve keeps cases at the Other NGO (she holds its key) and administers the Test NGO. Neither
    her caseworker role there nor her admin role here reaches the Test NGO's key."""
    other = organisations["other"]
    eve = make_staff("eve", other, Role.CASEWORKER)
    Membership.objects.create(user=eve, organisation=ngo, role=Role.ORG_ADMIN)
    private_key_of(eve)
    orgkeys.organisation_key_ensure(organisation=other)
    assert has_share(eve, other) and not has_share(eve, ngo)
    assert not grants.may_confirm(eve, Membership(user=staff[Role.TRAINEE], organisation=ngo, role=Role.CASEWORKER))
    membership = services.membership_grant(actor=eve, user=eve, organisation=ngo, role=Role.CASEWORKER,
                                           actor_private_key=private_key_of(eve))
    assert membership.pending
    assert not orgkeys.organisation_share_grant(actor=eve, private_key=private_key_of(eve), organisation=ngo, user=eve)
    # The grant names the Test NGO: a grant in the Other NGO, where she is a key holder, changes nothing here.
    other_member = services.membership_grant(actor=staff[Role.NETWORK_ADMIN], user=eve, organisation=other,
                                             role=Role.CASE_SUPERVISOR)
    assert other_member.organisation == other
    orgkeys.organisation_shares_grant_pending(user=eve, private_key=private_key_of(eve))
    assert not has_share(eve, ngo)
    assert not opens_anything(eve, saved)
    assert keyed_client(eve).get(url("screening:record", saved.pk)).status_code == 404


def test_revoking_the_last_content_role_removes_the_share_even_if_other_roles_stay(staff, ngo, saved) -> None:  # type: ignore[no-untyped-def]
    admin = staff[Role.ORG_ADMIN]
    caseworker = staff[Role.CASEWORKER]
    supervisor = staff[Role.CASE_SUPERVISOR]
    private_key_of(supervisor)
    orgkeys.organisation_shares_grant_pending(user=caseworker, private_key=private_key_of(caseworker))
    # The supervisor is also a researcher and a caseworker of the NGO.
    Membership.objects.create(user=supervisor, organisation=ngo, role=Role.RESEARCHER)
    second = Membership.objects.create(user=supervisor, organisation=ngo, role=Role.CASEWORKER)
    services.membership_revoke(actor=admin, membership=second)
    assert has_share(supervisor, ngo)  # still a case supervisor
    services.membership_revoke(actor=admin, membership=supervisor.memberships.get(role=Role.CASE_SUPERVISOR))
    assert supervisor.memberships.filter(organisation=ngo, role=Role.RESEARCHER).exists()
    assert not has_share(supervisor, ngo)
    assert not opens_anything(supervisor, saved)
    assert AuditEvent.objects.filter(action="key.share_removed", actor_id=admin.pk, organisation_id=ngo.pk,
                                     target_id=str(supervisor.pk)).exists()
    # The caseworker still reads; the researcher's sign-in gives her nothing back.
    assert content_of(saved, caseworker)["reference"] == REFERENCE
    sign_in(caseworker)
    assert not has_share(supervisor, ngo)


def test_the_sole_holder_is_warned_about_and_a_new_key_follows_her_departure(staff, ngo, saved) -> None:  # type: ignore[no-untyped-def]
    """The existing rule stays: closing the account of the only key holder warns first. A researcher
    holds no share, so she is never that holder. Once the only holder's role goes, the next record
    is sealed to a new key that only the remaining caseworkers hold (the old one is gone)."""
    caseworker = staff[Role.CASEWORKER]
    researcher = make_staff("rei", ngo, Role.RESEARCHER)
    private_key_of(researcher)
    admin_client = keyed_client(staff[Role.ORG_ADMIN])
    asked = admin_client.post(url("accounts:user_offboard", caseworker.pk)).content.decode()
    assert 'id="sole-key-holder"' in asked
    assert orgkeys.organisations_only_held_by(user=researcher) == []
    assert 'id="sole-key-holder"' not in admin_client.post(url("accounts:user_offboard", researcher.pk)).content.decode()
    colleague = make_staff("kaito", ngo, Role.CASEWORKER)
    private_key_of(colleague)
    old_key = bytes(OrganisationKey.objects.get(organisation=ngo).public_key)
    services.membership_revoke(actor=staff[Role.ORG_ADMIN], membership=caseworker.memberships.get())
    assert not OrganisationKeyShare.objects.filter(organisation=ngo).exists()
    new = orgkeys.organisation_key_ensure(organisation=ngo)
    assert new is not None and bytes(new.public_key) != old_key
    # Sealed to the caseworkers and case supervisors with a keyring: the colleague (the supervisor has none).
    assert set(OrganisationKeyShare.objects.filter(organisation=ngo).values_list("user_id", flat=True)) == {colleague.pk}


def test_in_a_trustee_operators_confirm_other_roles_and_nobody_holds_the_organisation_key(  # type: ignore[no-untyped-def]
    staff, organisations, operator
) -> None:
    trustee = organisations["trustee"]
    admin = make_staff("tadmin", trustee, Role.ORG_ADMIN)
    private_key_of(admin)
    assert orgkeys.organisation_key_ensure(organisation=trustee) is None  # nobody there reads sealed content
    services.user_invite(actor=staff[Role.NETWORK_ADMIN], organisation=trustee, username="coord",
                         display_name="", role=Role.COORDINATOR)
    membership = User.objects.get(username="coord").memberships.get()
    assert membership.pending
    assert not grants.may_confirm(admin, membership)
    assert grants.may_confirm(operator, membership)


def test_an_organisation_whose_first_member_is_its_admin_still_takes_its_first_caseworker(staff) -> None:  # type: ignore[no-untyped-def]
    """Only a key holder's confirmed membership establishes an organisation: an admin holds nothing,
    so the first caseworker is the bootstrap; from then on newcomers wait for her."""
    shelter = Organisation.objects.create(name="Shelter", type=OrganisationType.NGO)
    network_admin = staff[Role.NETWORK_ADMIN]
    invite = services.user_invite(actor=network_admin, organisation=shelter, username="sadmin", display_name="",
                                  role=Role.ORG_ADMIN)
    sadmin = services.user_onboard(token=invite.token, password=PASSWORD)
    assert not sadmin.memberships.get().pending
    services.user_invite(actor=sadmin, organisation=shelter, username="first_cw", display_name="",
                         role=Role.CASEWORKER)
    assert not User.objects.get(username="first_cw").memberships.get().pending
    shelter.refresh_from_db()
    assert shelter.keys_established
    private_key_of(User.objects.get(username="first_cw"))
    orgkeys.organisation_key_ensure(organisation=shelter)
    services.user_invite(actor=sadmin, organisation=shelter, username="second_cw", display_name="",
                         role=Role.CASEWORKER)
    assert User.objects.get(username="second_cw").memberships.get().pending


# -------------------------------------------------------------------------------- migration 0010


def _migration():  # type: ignore[no-untyped-def]
    return importlib.import_module(MIGRATION)


@pytest.fixture
def historical_apps(db):  # type: ignore[no-untyped-def]
    return MigrationLoader(connection).project_state([("accounts", "0009_case_supervisor_role")]).apps


def _legacy_share(organisation: Organisation, user: User) -> None:
    """A share as the code before 0010 made it for every non-trainee member: the organisation's
    private key is not at hand in a test, so a stand-in sealed to her keyring is enough to prove
    who holds a share afterwards."""
    OrganisationKeyShare.objects.create(organisation=organisation, user=user,
                                        sealed_private=crypto.seal(keys.public_key_of(user) or b"", b"x" * 32))


def test_migration_removes_shares_of_members_without_a_content_role_and_audits(  # type: ignore[no-untyped-def]
    staff, organisations, ngo, saved, historical_apps
) -> None:
    admin, researcher = staff[Role.ORG_ADMIN], make_staff("old_researcher", ngo, Role.RESEARCHER)
    for member in (admin, researcher):
        private_key_of(member)
        _legacy_share(ngo, member)
    # Someone entitled with a share of her own, but whose caseworker role is still pending, does not count.
    pending_cw = make_staff("pending_cw", ngo, Role.RESEARCHER)
    Membership.objects.create(user=pending_cw, organisation=ngo, role=Role.CASEWORKER, pending=True)
    private_key_of(pending_cw)
    _legacy_share(ngo, pending_cw)
    removed = _migration().shares_by_role(historical_apps, None)
    assert sorted(removed) == sorted([(ngo.pk, admin.pk), (ngo.pk, researcher.pk), (ngo.pk, pending_cw.pk)])
    assert set(OrganisationKeyShare.objects.filter(organisation=ngo).values_list("user_id", flat=True)) == {
        staff[Role.CASEWORKER].pk}
    events = AuditEvent.objects.filter(action="key.share_removed", details__via="migration:0010_key_shares_by_role")
    assert {e.target_id for e in events} == {str(admin.pk), str(researcher.pk), str(pending_cw.pk)}
    assert audit_verify().ok
    # The caseworker still reads; running it again changes nothing.
    assert content_of(saved, staff[Role.CASEWORKER])["reference"] == REFERENCE
    assert _migration().shares_by_role(historical_apps, None) == []


def test_migration_keeps_an_organisations_only_shares_until_they_are_handed_over(  # type: ignore[no-untyped-def]
    organisations, historical_apps, caplog
) -> None:
    """Deleting the only shares would lock the records away: they stay, and the holder's next
    sign-in seals the key to the caseworker with a keyring, then removes the admin's share."""
    other = organisations["other"]
    admin = make_staff("legacy_admin", other, Role.ORG_ADMIN)
    caseworker = make_staff("legacy_cw", other, Role.CASEWORKER)
    # Before 0010 the key was sealed to the admin; the caseworker made her keyring afterwards.
    private_key_of(admin)
    public, org_private = crypto.new_keypair()
    OrganisationKey.objects.create(organisation=other, public_key=public)
    OrganisationKeyShare.objects.create(organisation=other, user=admin,
                                        sealed_private=crypto.seal(keys.public_key_of(admin) or b"", org_private))
    private_key_of(caseworker)
    with caplog.at_level("WARNING", logger="tipnet.accounts"):
        assert _migration().shares_by_role(historical_apps, None) == []
    assert "nobody entitled holds its key" in caplog.text
    assert has_share(admin, other)
    # Kept, it makes her no confirmer.
    assert not grants.share_holders(other).exists()
    sign_in(admin)
    assert has_share(caseworker, other) and not has_share(admin, other)
    assert orgkeys.organisation_private_key(user=caseworker, private_key=private_key_of(caseworker),
                                            organisation=other) == org_private
    assert AuditEvent.objects.filter(action="key.share_removed", actor_id=admin.pk, target_id=str(admin.pk)).exists()
