"""Writes for accounts: sign-in, two-factor enrolment, onboarding and offboarding, roles.

Each function takes keyword-only arguments with the acting user first, runs in one transaction and
writes its audit row there (DESIGN.md, "services.py").
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import password_validation
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tipnet.web.accounts import grants, orgkeys, throttle
from tipnet.web.accounts.audit import Action, audit_record
from tipnet.web.accounts.keys import keyring_create_for
from tipnet.web.accounts.models import Invitation, Membership, Organisation, User
from tipnet.web.accounts.notify import notify_confirmation_needed
from tipnet.web.accounts.roles import Role
from tipnet.web.api.tokens import tokens_revoke_all

RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_LENGTH = 16  # hex digits (recovery_codes_issue); a TOTP code has 6
USERNAME_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,150}")
INVITATION_LIFETIME = timedelta(days=7)


class AccountError(Exception):
    """A user-facing failure; the message is already translated."""


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_check_password(*, username: str, password: str, client: str = "") -> User:
    """First factor. Raises AccountError with one message for every failure, so nobody learns
    whether an account exists. Too many failures lock the name for that client, and a flood from
    many clients locks it for clients that never signed in to it (accounts.throttle). ``client``
    is tipnet.web.clientaddr.client_address of the request.

    The failure count is committed before the error is raised (raising inside the transaction
    would roll the count back and make the throttle useless)."""
    with transaction.atomic():
        user, error = _check_password_and_count(username, password, client)
    if error:
        raise AccountError(error)
    assert user is not None
    return user


def _check_password_and_count(username: str, password: str, client: str) -> tuple[User | None, str]:
    if throttle.is_locked(username=username, client=client):
        return None, _("Too many failed attempts. Please wait and try again later.")
    user = User.objects.filter(username__iexact=username.strip(), is_active=True).first()
    if user is None or not user.check_password(password):
        if user is None:
            # Spend the same time as a real check, so timing does not reveal unknown names.
            User().set_password(password)
        throttle.record_failure(username=username, client=client)
        audit_record(actor=user, action=Action.LOGIN_FAILED, details={"factor": "password"})
        return None, _("The user name or password is not correct.")
    throttle.record_success(username=username, client=client)
    return user, ""


def user_has_confirmed_otp(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def user_verify_second_factor(*, user: User, code: str) -> TOTPDevice | StaticDevice:
    """Second factor: a TOTP code or one unused recovery code. django-otp throttles wrong codes;
    its counters are committed before the error is raised."""
    with transaction.atomic():
        device, error = _verify_code(user, "".join(code.split()))
    if device is None:
        raise AccountError(error)
    return device


def _verify_code(user: User, code: str) -> tuple[TOTPDevice | StaticDevice | None, str]:
    """A recovery code (16 hex digits) goes only to the recovery-code device and anything else only
    to the authenticator, each with its own django-otp throttle: a wrong authenticator code must not
    block the recovery code that is the way out of a lost phone (issue 10, finding 17)."""
    recovery = code.replace("-", "").lower()
    throttled = False
    if len(recovery) == RECOVERY_CODE_LENGTH:
        for static in StaticDevice.objects.select_for_update().filter(user=user, confirmed=True):
            allowed, _wait = static.verify_is_allowed()
            throttled = throttled or not allowed
            if allowed and static.verify_token(recovery):
                audit_record(actor=user, action=Action.RECOVERY_CODE_USED)
                audit_record(actor=user, action=Action.LOGIN, details={"factor": "recovery_code"})
                return static, ""
    else:
        reused_step = 0
        for device in TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True):
            allowed, _wait = device.verify_is_allowed()
            throttled = throttled or not allowed
            if allowed and code.isdigit() and device.verify_token(code):
                audit_record(actor=user, action=Action.LOGIN, details={"factor": "totp"})
                return device, ""
            if allowed and code.isdigit() and _totp_code_just_used(device, code):
                reused_step = device.step
        if reused_step and not throttled:
            audit_record(actor=user, action=Action.LOGIN_FAILED, details={"factor": "otp", "reason": "code_reused"})
            return None, _("This code was already used. Please wait for the next code in your app (a new one "
                           "comes every %(seconds)s seconds) and enter that one.") % {"seconds": reused_step}
    audit_record(actor=user, action=Action.LOGIN_FAILED, details={"factor": "otp"})
    if throttled:
        return None, _("Too many wrong codes. Please wait and try again later.")
    return None, _("The code is not correct.")


def _totp_code_just_used(device: TOTPDevice, code: str) -> bool:
    """Whether ``code`` is exactly the last code this device accepted, and would still be valid now
    but for django-otp's rule that a code is accepted once (``last_t``, RFC 6238 §5.2). Only then
    does the person get "already used" instead of "not correct": this step is reached only after the
    right password, and it says nothing about any other code."""
    if device.last_t < 0:
        return False
    if int(code) != hotp(device.bin_key, device.last_t, digits=device.digits):
        return False
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    return abs(now - device.last_t) <= device.tolerance


@transaction.atomic
def otp_enrolment_pending(*, user: User) -> TOTPDevice:
    """The user's unconfirmed TOTP device, made on first need; its secret is shown only to the
    user in their own half-signed-in session, never to an admin."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@dataclass(frozen=True)
class EnrolmentResult:
    device: TOTPDevice
    recovery_codes: list[str]


@transaction.atomic
def otp_enrolment_confirm(*, user: User, code: str) -> EnrolmentResult:
    """Confirm the pending device with a code from the app; issue fresh recovery codes."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None:
        raise AccountError(_("Start the set-up again."))
    code = "".join(code.split())
    if not code.isdigit() or not device.verify_token(code):
        raise AccountError(_("The code is not correct."))
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_issue(actor=user, user=user)
    audit_record(actor=user, action=Action.OTP_ENROLLED)
    return EnrolmentResult(device=device, recovery_codes=codes)


@transaction.atomic
def recovery_codes_issue(*, actor: User, user: User) -> list[str]:
    """Replace the user's recovery codes. Shown once; django-otp stores them for single use."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    # 64 bits each, stored as 16 hex digits (django-otp's column holds 16), shown in groups of 4.
    raw = [secrets.token_hex(8) for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in raw)
    codes = ["-".join(c[i : i + 4] for i in range(0, 16, 4)) for c in raw]
    audit_record(actor=actor, action=Action.RECOVERY_CODES_ISSUED, target_type="user", target_id=user.pk)
    return codes


def _end_sessions(user: User) -> int:
    """Delete every session of ``user`` (database sessions: decode and match)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def otp_reset(*, actor: User, user: User) -> None:
    """An admin removes a user's second factor (lost phone); the user enrols again at next sign-in.
    The admin never sees a secret: a new one is made only in the user's own session."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    _end_sessions(user)
    audit_record(actor=actor, action=Action.OTP_RESET, target_type="user", target_id=user.pk)


@dataclass(frozen=True)
class Invite:
    user: User
    token: str


@transaction.atomic
def user_invite(
    *, actor: User, organisation: Organisation, username: str, display_name: str, role: str
) -> Invite:
    """Onboarding: create an inactive account with a role and a one-time set-up token."""
    username = username.strip()
    if not USERNAME_PATTERN.fullmatch(username):
        raise AccountError(_("Choose a user name of letters, digits, dots, dashes or underscores."))
    refusal = grants.grant_refusal(actor=actor, organisation=organisation, role=role)
    if refusal:
        raise AccountError(refusal)
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(_("This user name is already taken."))
    user = User.objects.create(username=username, display_name=display_name.strip(), is_active=False)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    via = _confirmation(actor=actor, organisation=organisation, role=role)
    pending = via == PENDING
    membership = Membership.objects.create(user=user, organisation=organisation, role=role, pending=pending)
    token = secrets.token_urlsafe(32)
    Invitation.objects.create(
        user=user, token_hash=_hash_token(token), expires_at=timezone.now() + INVITATION_LIFETIME, created_by=actor
    )
    audit_record(
        actor=actor, action=Action.USER_INVITED, organisation=organisation, target_type="user",
        target_id=user.pk, details={"role": role, "pending": pending},
    )
    _after_membership_created(actor=actor, membership=membership, via=via)
    return Invite(user=user, token=token)


PENDING = "pending"


def _confirmation(*, actor: User | None, organisation: Organisation, role: str) -> str:
    """How a new membership is confirmed, decided before it exists: it waits for a key holder of the
    organisation who holds what it would reach (``PENDING``, grants.confirmers), unless the granter
    is one (their grant is their confirmation) or there is none at all in an organisation that never
    had a confirmed member (nothing encrypted can be reached yet: bootstrap). An organisation whose
    key holders have all gone waits for a server administrator (`tipnet keys confirm`)."""
    holders = grants.confirmers(organisation, role)
    if not holders.exists():
        established = Organisation.objects.filter(pk=organisation.pk, keys_established=True).exists()
        return PENDING if established else "bootstrap"
    if actor is not None and holders.filter(pk=actor.pk).exists():
        return "granted_by_key_holder"
    return PENDING


def _after_membership_created(*, actor: User | None, membership: Membership, via: str) -> None:
    """Audit how a confirmed membership was confirmed, or tell the key holders about a pending one."""
    organisation = membership.organisation
    if membership.pending:
        transaction.on_commit(lambda: notify_confirmation_needed(organisation, membership.role))
        return
    audit_record(
        actor=actor, action=Action.MEMBERSHIP_CONFIRMED, organisation=organisation, target_type="user",
        target_id=membership.user_id, details={"role": membership.role, "via": via},
    )


def invitation_get(*, token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("user")
        .filter(token_hash=_hash_token(token), expires_at__gt=timezone.now())
        .first()
    )


@transaction.atomic
def user_onboard(*, token: str, password: str) -> User:
    """The invited person chooses a password; two-factor enrolment follows at first sign-in."""
    invitation = invitation_get(token=token)
    if invitation is None:
        raise AccountError(_("This set-up link is not valid or has expired."))
    user = invitation.user
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise AccountError(" ".join(error.messages)) from error
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    invitation.delete()
    user.recovery_code = keyring_create_for(user, password=password)  # type: ignore[attr-defined]
    audit_record(actor=user, action=Action.USER_ONBOARDED, target_type="user", target_id=user.pk)
    return user


@transaction.atomic
def user_offboard(*, actor: User, user: User) -> None:
    """Offboarding: the account can no longer sign in, its devices and sessions are gone, its
    memberships end. The user row stays so that history (audit, authorship) keeps its names."""
    if user.pk == actor.pk:
        raise AccountError(_("You cannot remove your own account."))
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["is_active", "password"])
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    roles = list(user.memberships.values_list("organisation_id", "role"))
    user.memberships.all().delete()
    # Without a membership the shares would only be a way back in; the organisations' records stay
    # readable by the colleagues who hold their own shares.
    orgkeys.organisation_shares_remove(actor=actor, user=user)
    tokens_revoke_all(actor=actor, user=user)
    from tipnet.web.cases.services import referrals_revoke_of_departed

    referrals_revoke_of_departed(actor=actor, user=user)
    _end_sessions(user)
    audit_record(
        actor=actor, action=Action.USER_OFFBOARDED, target_type="user", target_id=user.pk,
        details={"ended_roles": [f"{org}:{role}" for org, role in roles]},
    )


@transaction.atomic
def membership_grant(
    *, actor: User, user: User, organisation: Organisation, role: str, actor_private_key: bytes | None = None
) -> Membership:
    """Give ``user`` a role, if the actor may give it there (grants.py). A grant by someone who is
    not a key holder of the organisation is pending until a key holder confirms it. If the actor's
    unlocked key is at hand (from their session) and they hold the organisation's key, the new
    member gets their share now instead of at a colleague's next sign-in."""
    refusal = grants.grant_refusal(actor=actor, organisation=organisation, role=role)
    if refusal:
        raise AccountError(refusal)
    membership = Membership.objects.filter(user=user, organisation=organisation, role=role).first()
    if membership is None:
        via = _confirmation(actor=actor, organisation=organisation, role=role)
        pending = via == PENDING
        membership = Membership.objects.create(user=user, organisation=organisation, role=role, pending=pending)
        audit_record(
            actor=actor, action=Action.ROLE_GRANTED, organisation=organisation, target_type="user",
            target_id=user.pk, details={"role": role, "pending": pending},
        )
        _after_membership_created(actor=actor, membership=membership, via=via)
    if actor_private_key is not None and not membership.pending:
        orgkeys.organisation_share_grant(
            actor=actor, private_key=actor_private_key, organisation=organisation, user=user
        )
    return membership


def _membership_decision_check(*, actor: User, membership: Membership) -> None:
    if not membership.pending:
        raise AccountError(_("This membership is not waiting for confirmation."))
    if not grants.may_confirm(actor, membership):
        raise AccountError(_("Only a key holder of this organisation can confirm or decline."))


@transaction.atomic
def membership_confirm(*, actor: User, membership: Membership, actor_private_key: bytes | None = None) -> None:
    """A key holder of the organisation confirms a pending membership. With the actor's unlocked key
    the organisation key share is sealed at once; otherwise at the next key holder's sign-in."""
    membership = Membership.objects.select_for_update().select_related("user", "organisation").get(pk=membership.pk)
    _membership_decision_check(actor=actor, membership=membership)
    membership.pending = False
    membership.save(update_fields=["pending"])
    audit_record(
        actor=actor, action=Action.MEMBERSHIP_CONFIRMED, organisation=membership.organisation, target_type="user",
        target_id=membership.user_id, details={"role": membership.role, "via": "key_holder"},
    )
    if actor_private_key is not None:
        orgkeys.organisation_share_grant(
            actor=actor, private_key=actor_private_key, organisation=membership.organisation, user=membership.user
        )


@transaction.atomic
def membership_confirm_by_server_admin(*, username: str, organisation_name: str, role: str) -> Membership:
    """`tipnet keys confirm`: the way back for an organisation whose key holders have all gone.

    Only where nobody in the web application can confirm (no confirmer for that role in that
    organisation): while a key holder exists, the decision is theirs, and a server administrator
    is refused. The person at the server's console can read the database and its keys' files
    anyway; what this keeps from a network admin is doing it from a browser. Audited."""
    membership = (
        Membership.objects.select_for_update().select_related("user", "organisation")
        .filter(user__username=username, organisation__name=organisation_name, role=role).first()
    )
    if membership is None:
        raise AccountError(_("No such membership: check the user name, the organisation and the role."))
    if not membership.pending:
        raise AccountError(_("This membership is not waiting for confirmation."))
    if grants.confirmers(membership.organisation, membership.role).exists():
        raise AccountError(_("This organisation has key holders: one of them confirms or declines on their home page."))
    membership.pending = False
    membership.save(update_fields=["pending"])
    audit_record(
        actor=None, action=Action.MEMBERSHIP_CONFIRMED, organisation=membership.organisation, target_type="user",
        target_id=membership.user_id, details={"role": membership.role, "via": "server_admin"},
    )
    return membership


@transaction.atomic
def membership_decline(*, actor: User, membership: Membership) -> None:
    """A key holder declines a pending membership: it ends. A never-used invitation whose only
    membership this was ends with it."""
    membership = Membership.objects.select_for_update().select_related("user", "organisation").get(pk=membership.pk)
    _membership_decision_check(actor=actor, membership=membership)
    audit_record(
        actor=actor, action=Action.MEMBERSHIP_DECLINED, organisation=membership.organisation, target_type="user",
        target_id=membership.user_id, details={"role": membership.role},
    )
    user = membership.user
    membership.delete()
    if not user.memberships.exists():
        Invitation.objects.filter(user=user).delete()


@transaction.atomic
def membership_revoke(*, actor: User, membership: Membership) -> None:
    """End one role. The organisation key share goes with the last role in that organisation that
    reads sealed content (roles.ORGANISATION_KEY_ROLES), even if other roles remain: a caseworker
    who stays on as a researcher keeps no key."""
    audit_record(
        actor=actor, action=Action.ROLE_REVOKED, organisation=membership.organisation, target_type="user",
        target_id=membership.user_id, details={"role": membership.role},
    )
    membership.delete()
    orgkeys.organisation_share_drop_without_role(actor=actor, user=membership.user, organisation=membership.organisation)


def user_create_active(*, username: str, password: str) -> User:
    """An active account with a password that passes the validators (no role, no keyring yet):
    the shared first step of `tipnet createadmin` and of joining a training cohort. Call it inside
    the caller's transaction."""
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(_("This user name is already taken."))
    user = User(username=username, is_active=True)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise AccountError(" ".join(error.messages)) from error
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def user_create_admin(*, username: str, password: str, organisation_name: str) -> User:
    """For `tipnet createadmin`: a network admin in a network organisation (created if missing)."""
    user = user_create_active(username=username, password=password)
    user.recovery_code = keyring_create_for(user, password=password)  # type: ignore[attr-defined]
    organisation, created = Organisation.objects.get_or_create(
        name=organisation_name, defaults={"type": "ngo"}
    )
    if not grants.role_fits(role=Role.NETWORK_ADMIN, organisation=organisation):
        raise AccountError(_("This role does not exist in this type of organisation."))
    if created:
        audit_record(actor=None, action=Action.ORGANISATION_CREATED, organisation=organisation)
    # Server access must not reach encrypted content either: in an organisation that has key
    # holders the new admin waits for one of them like everybody else.
    via = _confirmation(actor=None, organisation=organisation, role=Role.NETWORK_ADMIN)
    pending = via == PENDING
    membership = Membership.objects.create(user=user, organisation=organisation, role=Role.NETWORK_ADMIN, pending=pending)
    audit_record(
        actor=None, action=Action.ROLE_GRANTED, organisation=organisation, target_type="user",
        target_id=user.pk, details={"role": Role.NETWORK_ADMIN, "via": "createadmin", "pending": pending},
    )
    _after_membership_created(actor=None, membership=membership, via=via)
    # After the membership, so that the new admin holds a share of a newly made key.
    orgkeys.organisation_key_ensure(organisation=organisation)
    return user
