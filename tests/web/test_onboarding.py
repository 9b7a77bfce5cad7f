"""Onboarding and offboarding of staff, role changes, 2FA reset; admins never see TOTP secrets."""

from __future__ import annotations

import base64

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.web.conftest import signed_in_client, url
from tipnet.web.accounts import services
from tipnet.web.accounts.models import AuditEvent, Membership, User
from tipnet.web.accounts.roles import Role


def test_invite_then_onboard(staff, organisations) -> None:  # type: ignore[no-untyped-def]
    admin = staff[Role.ORG_ADMIN]
    client = signed_in_client(admin)
    response = client.post(
        url("accounts:organisation_staff", organisations["ngo"].pk),
        {"username": "dana", "display_name": "Dana", "role": Role.CASEWORKER},
    )
    assert response.status_code == 200
    link = response.content.decode().split('id="invite-link">')[1].split("<")[0]
    token = link.rstrip("/").rsplit("/", 1)[1]
    dana = User.objects.get(username="dana")
    assert not dana.is_active and not dana.has_usable_password()
    welcome = Client().post(url("accounts:welcome", token), {"password": "a long new passphrase 7", "password_again": "a long new passphrase 7"})
    assert welcome.status_code == 200 and b'id="key-recovery-code"' in welcome.content
    dana.refresh_from_db()
    assert dana.keyring.public_key
    assert dana.is_active and dana.check_password("a long new passphrase 7")
    # The link works once.
    assert Client().get(url("accounts:welcome", token)).status_code == 404
    assert AuditEvent.objects.filter(action="user.invited", target_id=str(dana.pk)).exists()


def test_weak_password_is_refused_and_changes_nothing(staff, organisations) -> None:  # type: ignore[no-untyped-def]
    invite = services.user_invite(actor=staff[Role.ORG_ADMIN], organisation=organisations["ngo"], username="eve", display_name="", role=Role.CASEWORKER)
    response = Client().post(url("accounts:welcome", invite.token), {"password": "short", "password_again": "short"})
    assert response.status_code == 400
    invite.user.refresh_from_db()
    assert not invite.user.is_active


def test_offboarding_ends_access_and_keeps_history(staff) -> None:  # type: ignore[no-untyped-def]
    leaver = staff[Role.CASEWORKER]
    leaver_client = signed_in_client(leaver)
    assert leaver_client.get(url("accounts:home")).status_code == 200
    admin_client = signed_in_client(staff[Role.ORG_ADMIN])
    asked = admin_client.post(url("accounts:user_offboard", leaver.pk))
    assert asked.status_code == 200 and b'name="confirm" value="yes"' in asked.content
    leaver.refresh_from_db()
    assert leaver.is_active, "nothing happens before the confirmation"
    assert admin_client.post(url("accounts:user_offboard", leaver.pk), {"confirm": "yes"}).status_code == 200
    leaver.refresh_from_db()
    assert not leaver.is_active and not leaver.has_usable_password()
    assert not Membership.objects.filter(user=leaver).exists()
    assert not TOTPDevice.objects.filter(user=leaver).exists()
    assert leaver_client.get(url("accounts:home")).status_code == 302
    assert AuditEvent.objects.filter(action="user.offboarded", target_id=str(leaver.pk)).exists()


def test_admin_cannot_offboard_self(staff) -> None:  # type: ignore[no-untyped-def]
    admin = staff[Role.ORG_ADMIN]
    response = signed_in_client(admin).post(url("accounts:user_offboard", admin.pk), {"confirm": "yes"})
    assert response.status_code == 400
    admin.refresh_from_db()
    assert admin.is_active


def test_otp_reset_never_shows_the_secret_to_the_admin(staff) -> None:  # type: ignore[no-untyped-def]
    target = staff[Role.CASEWORKER]
    device = TOTPDevice.objects.get(user=target)
    secret_b32 = base64.b32encode(device.bin_key).decode().rstrip("=")
    admin_client = signed_in_client(staff[Role.NETWORK_ADMIN])
    pages = [
        admin_client.get(url("accounts:organisation_staff", target.memberships.first().organisation_id)),
        admin_client.post(url("accounts:user_otp_reset", target.pk)),
    ]
    for page in pages:
        assert secret_b32.encode() not in page.content and device.key.encode() not in page.content
    assert not TOTPDevice.objects.filter(user=target).exists()


def test_django_otp_admin_hides_secrets(settings) -> None:  # type: ignore[no-untyped-def]
    assert settings.OTP_ADMIN_HIDE_SENSITIVE_DATA is True
    # And tipnet mounts no Django admin at all: no page lists devices.
    assert "django.contrib.admin" not in settings.INSTALLED_APPS


def test_role_grant_and_revoke_are_audited(staff, organisations) -> None:  # type: ignore[no-untyped-def]
    admin = staff[Role.NETWORK_ADMIN]
    user = staff[Role.CASEWORKER]
    membership = services.membership_grant(actor=admin, user=user, organisation=organisations["ngo"], role=Role.RESEARCHER)
    services.membership_revoke(actor=admin, membership=membership)
    actions = list(AuditEvent.objects.filter(target_id=str(user.pk)).values_list("action", flat=True))
    assert "role.granted" in actions and "role.revoked" in actions


@pytest.mark.parametrize("username", ["", "a b", "x" * 151, "名前"])
def test_bad_user_names_are_refused(staff, organisations, username: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(services.AccountError):
        services.user_invite(actor=staff[Role.ORG_ADMIN], organisation=organisations["ngo"], username=username, display_name="", role=Role.CASEWORKER)
    assert not User.objects.filter(username=username).exists()
