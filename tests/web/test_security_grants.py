"""Issue 10, findings 1 and 2, attacked as an insider would: roles given only by those entitled and
only where they fit; role checks that name the organisation; nobody (network admins included)
reaches encrypted content by creating accounts, because a key holder of the organisation must
confirm every new key holder first, and all are told."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.web.conftest import keyed_client, make_staff, signed_in_client, url
from tests.web.test_screening_encryption import REFERENCE, secret_post
from tests.web.test_screening_interview import content_of
from tipnet.web.accounts import grants, keys, orgkeys, services
from tipnet.web.accounts.models import (
    AuditEvent,
    Invitation,
    Membership,
    Organisation,
    OrganisationKeyShare,
    User,
)
from tipnet.web.accounts.roles import OrganisationType, Role
from tipnet.web.report.models import Report, ReportAccess
from tipnet.web.report.services import ReportInput, report_submit
from tipnet.web.screening.models import ScreeningRecord

PASSWORD = "correct horse battery 9"




def onboarded(invite: services.Invite) -> User:
    """The invited person sets a password (which makes their keyring) and a second factor."""
    user = services.user_onboard(token=invite.token, password=PASSWORD)
    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


def new_report() -> Report:
    return report_submit(data=ReportInput(what_happened="They keep our passports"), files=[], file_names=[]).report


def role_options(page: str) -> set[str]:
    select = re.search(r'<select name="role"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None
    return set(re.findall(r'<option value="([^"]+)"', select.group(1)))


# ------------------------------------------------------------------------------ who grants what


def test_an_org_admin_is_not_offered_network_admin_and_a_forged_post_is_refused(staff, organisations) -> None:  # type: ignore[no-untyped-def]
    client = signed_in_client(staff[Role.ORG_ADMIN])
    page = client.get(url("accounts:organisation_staff", organisations["ngo"].pk)).content.decode()
    offered = role_options(page)
    assert Role.NETWORK_ADMIN not in offered and Role.HOTLINE_OPERATOR not in offered
    assert {Role.CASEWORKER, Role.ORG_ADMIN} <= offered
    forged = client.post(url("accounts:organisation_staff", organisations["ngo"].pk),
                         {"username": "mallory", "display_name": "", "role": Role.NETWORK_ADMIN})
    assert forged.status_code == 200 and "Select a valid choice" in forged.content.decode()
    assert not User.objects.filter(username="mallory").exists()
    # And the service refuses on its own, whatever calls it.
    with pytest.raises(services.AccountError, match="Only a network admin"):
        services.user_invite(actor=staff[Role.ORG_ADMIN], organisation=organisations["ngo"], username="mallory",
                             display_name="", role=Role.NETWORK_ADMIN)
    with pytest.raises(services.AccountError, match="Only a network admin"):
        services.membership_grant(actor=staff[Role.ORG_ADMIN], user=staff[Role.CASEWORKER],
                                  organisation=organisations["ngo"], role=Role.NETWORK_ADMIN)
    assert not User.objects.filter(username="mallory").exists()
    assert not Membership.objects.filter(role=Role.NETWORK_ADMIN, organisation=organisations["ngo"]).exists()


def test_an_org_admin_cannot_grant_in_another_organisation(staff, organisations) -> None:  # type: ignore[no-untyped-def]
    admin = staff[Role.ORG_ADMIN]
    for organisation in (organisations["other"], organisations["trustee"]):
        with pytest.raises(services.AccountError, match="only in an organisation you administer"):
            services.user_invite(actor=admin, organisation=organisation, username="spy", display_name="",
                                 role=Role.ORG_ADMIN)
        with pytest.raises(services.AccountError, match="only in an organisation you administer"):
            services.membership_grant(actor=admin, user=admin, organisation=organisation, role=Role.ORG_ADMIN)
    # Being an org admin *somewhere* is not enough: the trustee is not hers.
    with pytest.raises(services.AccountError):
        services.membership_grant(actor=admin, user=admin, organisation=organisations["trustee"],
                                  role=Role.HOTLINE_OPERATOR)
    assert not Membership.objects.filter(user=admin).exclude(organisation=organisations["ngo"]).exists()
    assert not User.objects.filter(username="spy").exists()
    # Other roles give nobody anything.
    for role in (Role.CASEWORKER, Role.RESEARCHER, Role.COORDINATOR, Role.HOTLINE_OPERATOR):
        assert grants.grantable_roles(actor=staff[role], organisation=organisations["ngo"]) == []


def test_a_hotline_operator_exists_only_in_a_trustee(staff, organisations) -> None:  # type: ignore[no-untyped-def]
    police = Organisation.objects.create(name="Police", type=OrganisationType.LAW_ENFORCEMENT)
    network_admin = staff[Role.NETWORK_ADMIN]
    for organisation in (organisations["ngo"], police):
        with pytest.raises(services.AccountError, match="does not exist in this type of organisation"):
            services.user_invite(actor=network_admin, organisation=organisation, username="op", display_name="",
                                 role=Role.HOTLINE_OPERATOR)
        assert Role.HOTLINE_OPERATOR not in dict(grants.grantable_roles(actor=network_admin, organisation=organisation))
    page = signed_in_client(network_admin).get(url("accounts:organisation_staff", police.pk)).content.decode()
    assert Role.HOTLINE_OPERATOR not in role_options(page) and Role.CASEWORKER in role_options(page)
    assert Role.HOTLINE_OPERATOR in dict(grants.grantable_roles(actor=network_admin, organisation=organisations["trustee"]))


# ------------------------------------------------------------------- checks name the organisation


def test_a_police_operator_cannot_enter_the_trustees_inbox_read_or_triage(staff, organisations, operator) -> None:  # type: ignore[no-untyped-def]
    police = Organisation.objects.create(name="Police", type=OrganisationType.LAW_ENFORCEMENT)
    # Such a membership can no longer be granted; one made before the policy (or by hand) must
    # still give nothing in the trustee.
    cop = make_staff("cop", police, Role.HOTLINE_OPERATOR)
    report = new_report()
    client = keyed_client(cop)
    assert client.get(url("report:inbox")).status_code == 404
    assert client.get(url("report:staff_entry")).status_code == 404
    assert client.get(url("report:report", report.pk)).status_code == 404
    triage = client.post(url("report:report", report.pk), {"action": "triage", "status": "closed", "kind": "labour",
                                                           "indicators": ""})
    assert triage.status_code == 404
    report.refresh_from_db()
    assert report.status == Report.Status.NEW
    assert not ReportAccess.objects.filter(user=cop).exists()
    assert not AuditEvent.objects.filter(actor_id=cop.pk, action="report.triaged").exists()
    # The trustee's own operator still works.
    assert keyed_client(operator).get(url("report:inbox")).status_code == 200


def test_an_org_admin_cannot_close_the_account_of_a_member_who_also_belongs_elsewhere(staff, organisations, operator) -> None:  # type: ignore[no-untyped-def]
    # The trustee's operator also helps out at the NGO: the NGO's admin does not administer her account.
    Membership.objects.create(user=operator, organisation=organisations["ngo"], role=Role.CASEWORKER)
    client = signed_in_client(staff[Role.ORG_ADMIN])
    assert client.post(url("accounts:user_offboard", operator.pk), {"confirm": "yes"}).status_code == 404
    assert client.post(url("accounts:user_otp_reset", operator.pk)).status_code == 404
    operator.refresh_from_db()
    assert operator.is_active and TOTPDevice.objects.filter(user=operator).exists()
    # A member of the NGO alone is hers to manage.
    only_ngo = make_staff("only_ngo", organisations["ngo"], Role.CASEWORKER)
    assert client.post(url("accounts:user_offboard", only_ngo.pk), {"confirm": "yes"}).status_code == 200


# --------------------------------------------------------------------------- key-holder confirmation


def test_a_network_admin_cannot_make_himself_a_reader_of_new_reports(  # type: ignore[no-untyped-def]
    staff, organisations, operator, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    operator.email = "hanako@trustee.example"
    operator.save(update_fields=["email"])
    network_admin = staff[Role.NETWORK_ADMIN]
    with django_capture_on_commit_callbacks(execute=True):
        invite = services.user_invite(actor=network_admin, organisation=organisations["trustee"], username="mallory",
                                      display_name="", role=Role.HOTLINE_OPERATOR)
    mallory = onboarded(invite)
    membership = mallory.memberships.get()
    assert membership.pending
    # Pending: nothing is sealed to her and no page opens.
    report = new_report()
    assert ReportAccess.objects.filter(report=report, user=operator).exists()
    assert not ReportAccess.objects.filter(report=report, user=mallory).exists()
    mallory_client = keyed_client(mallory)
    assert mallory_client.get(url("report:inbox")).status_code == 404
    assert "awaiting confirmation" in mallory_client.get(url("accounts:home")).content.decode()
    # Neither she nor the network admin can confirm it; the operator of the trustee can.
    for outsider in (mallory, network_admin):
        assert keyed_client(outsider).post(url("accounts:membership_decide", membership.pk),
                                           {"decision": "confirm"}).status_code == 404
    with pytest.raises(services.AccountError):
        services.membership_confirm(actor=network_admin, membership=membership)
    membership.refresh_from_db()
    assert membership.pending
    # The key holder was told: by e-mail without names or roles, and on her home page.
    assert [m.to for m in mailoutbox] == [["hanako@trustee.example"]]
    assert "mallory" not in mailoutbox[0].body + mailoutbox[0].subject
    holder = keyed_client(operator)
    home = holder.get(url("accounts:home")).content.decode()
    assert 'id="awaiting-confirmation"' in home and "mallory" in home
    assert holder.post(url("accounts:membership_decide", membership.pk), {"decision": "confirm"}).status_code == 200
    membership.refresh_from_db()
    assert not membership.pending
    assert AuditEvent.objects.filter(action="membership.confirmed", actor_id=operator.pk,
                                     target_id=str(mallory.pk)).exists()
    later = new_report()
    assert ReportAccess.objects.filter(report=later, user=mallory).exists()
    assert mallory_client.get(url("report:inbox")).status_code == 200


def test_a_trustee_admin_holding_only_the_organisation_key_cannot_make_a_reader_of_reports(  # type: ignore[no-untyped-def]
    organisations, operator
) -> None:
    trustee = organisations["trustee"]
    admin = make_staff("tadmin", trustee, Role.ORG_ADMIN)
    keys.keyring_create_for(admin, password=PASSWORD)
    orgkeys.organisation_key_ensure(organisation=trustee)
    # An org admin reads no sealed content, so she holds no share of the key (test_security_key_shares).
    assert not OrganisationKeyShare.objects.filter(user=admin, organisation=trustee).exists()
    # She may invite an operator into her own trustee, but only the operators confirm a new reader.
    services.user_invite(actor=admin, organisation=trustee, username="puppet", display_name="",
                         role=Role.HOTLINE_OPERATOR)
    puppet = User.objects.get(username="puppet")
    membership = puppet.memberships.get()
    assert membership.pending
    assert keyed_client(admin).post(url("accounts:membership_decide", membership.pk),
                                    {"decision": "confirm"}).status_code == 404
    assert "puppet" not in keyed_client(admin).get(url("accounts:home")).content.decode()
    assert "puppet" in keyed_client(operator).get(url("accounts:home")).content.decode()
    keys.keyring_create_for(puppet, password=PASSWORD)
    assert not ReportAccess.objects.filter(report=new_report(), user=puppet).exists()


@pytest.fixture
def saved(staff) -> ScreeningRecord:  # type: ignore[no-untyped-def]
    assert keyed_client(staff[Role.CASEWORKER]).post(url("screening:interview"), secret_post()).status_code == 302
    return ScreeningRecord.objects.get()


def test_a_new_caseworker_gets_no_key_share_until_a_key_holder_confirms(  # type: ignore[no-untyped-def]
    staff, organisations, saved, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    caseworker = staff[Role.CASEWORKER]
    caseworker.email = "cw@ngo.example"
    caseworker.save(update_fields=["email"])
    ngo = organisations["ngo"]
    with django_capture_on_commit_callbacks(execute=True):
        invite = services.user_invite(actor=staff[Role.NETWORK_ADMIN], organisation=ngo, username="newcw",
                                      display_name="", role=Role.CASEWORKER)
    newcomer = onboarded(invite)
    membership = newcomer.memberships.get()
    assert membership.pending
    holder_key = keys.keyring_unlock(caseworker, password=PASSWORD)
    assert holder_key is not None
    # None of the usual ways to share the key works while the membership is pending.
    assert orgkeys.organisation_shares_grant_pending(user=caseworker, private_key=holder_key) == 0
    assert not orgkeys.organisation_share_grant(actor=caseworker, private_key=holder_key, organisation=ngo, user=newcomer)
    assert not OrganisationKeyShare.objects.filter(user=newcomer).exists()
    assert keyed_client(newcomer).get(url("screening:record", saved.pk)).status_code == 404
    assert [m.to for m in mailoutbox] == [["cw@ngo.example"]]
    # The key holder confirms with her unlocked key: the share is sealed at once.
    holder = keyed_client(caseworker)
    assert "newcw" in holder.get(url("accounts:home")).content.decode()
    assert holder.post(url("accounts:membership_decide", membership.pk), {"decision": "confirm"}).status_code == 200
    assert OrganisationKeyShare.objects.filter(user=newcomer, organisation=ngo).exists()
    assert AuditEvent.objects.filter(action="key.shared", actor_id=caseworker.pk, target_id=str(newcomer.pk)).exists()
    assert content_of(saved, newcomer)["reference"] == REFERENCE


def test_a_key_made_anew_is_not_sealed_to_a_pending_member(staff, organisations) -> None:  # type: ignore[no-untyped-def]
    ngo = organisations["ngo"]
    caseworker = staff[Role.CASEWORKER]
    keys.keyring_create_for(caseworker, password=PASSWORD)
    orgkeys.organisation_key_ensure(organisation=ngo)
    services.user_invite(actor=staff[Role.NETWORK_ADMIN], organisation=ngo, username="newcw", display_name="",
                         role=Role.CASEWORKER)
    newcomer = User.objects.get(username="newcw")
    keys.keyring_create_for(newcomer, password=PASSWORD)
    OrganisationKeyShare.objects.filter(organisation=ngo).delete()  # the last holder left: a new key is made
    orgkeys.organisation_key_ensure(organisation=ngo)
    assert OrganisationKeyShare.objects.filter(user=caseworker, organisation=ngo).exists()
    assert not OrganisationKeyShare.objects.filter(user=newcomer).exists()


def test_a_key_holder_declines_and_the_membership_ends(staff, organisations, saved) -> None:  # type: ignore[no-untyped-def]
    caseworker = staff[Role.CASEWORKER]
    invite = services.user_invite(actor=staff[Role.NETWORK_ADMIN], organisation=organisations["ngo"],
                                  username="stranger", display_name="", role=Role.CASEWORKER)
    stranger = User.objects.get(username="stranger")
    membership = stranger.memberships.get()
    response = keyed_client(caseworker).post(url("accounts:membership_decide", membership.pk), {"decision": "decline"})
    assert response.status_code == 200
    assert not Membership.objects.filter(user=stranger).exists()
    assert not Invitation.objects.filter(user=stranger).exists()
    assert services.invitation_get(token=invite.token) is None
    assert AuditEvent.objects.filter(action="membership.declined", actor_id=caseworker.pk,
                                     target_id=str(stranger.pk)).exists()
    orgkeys.organisation_shares_grant_pending(user=caseworker, private_key=keys.keyring_unlock(caseworker, password=PASSWORD))
    assert not OrganisationKeyShare.objects.filter(user=stranger).exists()


def test_the_first_member_of_an_organisation_without_key_holders_is_confirmed_and_audited(staff) -> None:  # type: ignore[no-untyped-def]
    police = Organisation.objects.create(name="Police", type=OrganisationType.LAW_ENFORCEMENT)
    services.user_invite(actor=staff[Role.NETWORK_ADMIN], organisation=police, username="first", display_name="",
                         role=Role.CASEWORKER)
    first = User.objects.get(username="first")
    assert not first.memberships.get().pending
    assert AuditEvent.objects.filter(action="membership.confirmed", target_id=str(first.pk),
                                     details__via="bootstrap").exists()


def test_createadmin_into_an_organisation_with_key_holders_waits_too(staff, organisations, saved) -> None:  # type: ignore[no-untyped-def]
    admin = services.user_create_admin(username="root2", password="a much longer passphrase 42",
                                       organisation_name=organisations["ngo"].name)
    assert admin.memberships.get().pending
    assert not OrganisationKeyShare.objects.filter(user=admin).exists()
    assert not grants.is_network_admin(admin)


# ------------------------------------------------------------------------------------ audit page


def test_the_audit_page_shows_what_an_invitation_gave(staff, organisations) -> None:  # type: ignore[no-untyped-def]
    invite = services.user_invite(actor=staff[Role.NETWORK_ADMIN], organisation=organisations["ngo"],
                                  username="eve", display_name="", role=Role.CASEWORKER)
    page = signed_in_client(staff[Role.NETWORK_ADMIN]).get(url("accounts:audit")).content.decode()
    rows = [row for row in re.findall(r"<tr>(.*?)</tr>", page, re.S) if "user.invited" in row]
    assert len(rows) == 1
    assert "Caseworker" in rows[0] and "Test NGO" in rows[0] and f"user {invite.user.pk}" in rows[0]


def test_client_without_session_is_sent_to_sign_in(organisations) -> None:  # type: ignore[no-untyped-def]
    response = Client().post(url("accounts:membership_decide", 1), {"decision": "confirm"})
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


# ------------------------------------------------------------------------- emptied organisations


def test_emptying_an_organisation_of_key_holders_does_not_let_a_network_admin_refill_it(  # type: ignore[no-untyped-def]
    staff, organisations, operator
) -> None:
    """The residual risk of the bootstrap: close every key holder's account, then invite your own.
    The trustee had a confirmed operator, so it is established: the newcomer waits, and only a
    server administrator (`tipnet keys confirm`) can confirm where no key holder is left."""
    trustee = organisations["trustee"]
    network_admin = staff[Role.NETWORK_ADMIN]
    trustee.refresh_from_db()
    assert trustee.keys_established
    for member in User.objects.filter(memberships__organisation=trustee).exclude(pk=network_admin.pk).distinct():
        services.user_offboard(actor=network_admin, user=member)
    assert not grants.confirmers(trustee, Role.HOTLINE_OPERATOR).exists()
    invite = services.user_invite(actor=network_admin, organisation=trustee, username="mallory",
                                  display_name="", role=Role.HOTLINE_OPERATOR)
    mallory = onboarded(invite)
    membership = mallory.memberships.get()
    assert membership.pending
    assert not AuditEvent.objects.filter(action="membership.confirmed", target_id=str(mallory.pk)).exists()
    report = new_report()
    assert not ReportAccess.objects.filter(report=report, user=mallory).exists()
    with pytest.raises(services.AccountError):
        services.membership_confirm(actor=network_admin, membership=membership)
    # At the server, and only there, the way back.
    services.membership_confirm_by_server_admin(username="mallory", organisation_name=trustee.name,
                                                role=Role.HOTLINE_OPERATOR)
    membership.refresh_from_db()
    assert not membership.pending
    assert AuditEvent.objects.filter(action="membership.confirmed", target_id=str(mallory.pk),
                                     details__via="server_admin").exists()


def test_the_server_administrator_cannot_confirm_over_the_key_holders(organisations, operator) -> None:  # type: ignore[no-untyped-def]
    trustee = organisations["trustee"]
    newcomer = User.objects.create(username="newcomer", is_active=True)
    Membership.objects.create(user=newcomer, organisation=trustee, role=Role.HOTLINE_OPERATOR, pending=True)
    with pytest.raises(services.AccountError, match="key holders"):
        services.membership_confirm_by_server_admin(username="newcomer", organisation_name=trustee.name,
                                                    role=Role.HOTLINE_OPERATOR)
    with pytest.raises(services.AccountError, match="No such membership"):
        services.membership_confirm_by_server_admin(username="newcomer", organisation_name=trustee.name,
                                                    role=Role.CASEWORKER)
    assert Membership.objects.get(user=newcomer).pending
