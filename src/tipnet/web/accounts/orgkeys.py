"""Organisation keys: one X25519 key pair per organisation, its private key shared member by member.

Why: records that belong to a whole organisation (saved screenings now, cases later) must be readable
by its caseworkers without being readable from a copy of the database. Each record gets its own
random key sealed to the organisation's public key, so writing needs no secret at all; reading needs
the organisation's private key, which is stored only sealed to each member's keyring public key
(``OrganisationKeyShare``). A member unseals their share with the private key that sign-in put in
the session (``keys.current_private_key``).

Nobody but a member who already holds the key can give it to someone else, so a colleague who
joins later receives a share at the next sign-in of any key-holding colleague
(``organisation_shares_grant_pending``), and only once a key holder of the organisation has
confirmed their membership (grants.py): creating an account never reaches the key by itself.

Only memberships with a role that reads sealed content (``roles.ORGANISATION_KEY_ROLES``: caseworker,
case supervisor) receive a share: a researcher's, coordinator's or admin's keyring opens nothing of
the organisation's, so their stolen password exposes no victim's story. Offboarding, and ending a
user's last such role in the organisation (``organisation_share_drop_without_role``), delete the share.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from tipnet.core import crypto
from tipnet.web.accounts.audit import Action, audit_record
from tipnet.web.accounts.models import (
    Membership,
    Organisation,
    OrganisationKey,
    OrganisationKeyShare,
    StaffKeyring,
    User,
)
from tipnet.web.accounts.roles import ORGANISATION_KEY_ROLES


def key_role_memberships(organisation: Organisation) -> QuerySet[Membership]:
    """The memberships that entitle to a share: confirmed, of an active user, with a role that reads
    sealed content (``ORGANISATION_KEY_ROLES``). A pending member (grants.py) receives no share until
    a key holder of the organisation confirms them; researchers, coordinators, admins and trainees
    never do."""
    return Membership.objects.filter(
        organisation=organisation, pending=False, user__is_active=True, role__in=ORGANISATION_KEY_ROLES
    )


def holds_key_role(*, user: User, organisation: Organisation) -> bool:
    return key_role_memberships(organisation).filter(user=user).exists()


def _members_with_keyring(organisation: Organisation) -> QuerySet[StaffKeyring]:
    """Keyrings of the members entitled to a share (``key_role_memberships``; a member may hold
    several roles: one keyring each)."""
    return StaffKeyring.objects.filter(
        user_id__in=key_role_memberships(organisation).values("user_id")
    ).select_related("user")


def _share_create(*, actor: User, organisation: Organisation, ring: StaffKeyring, org_private: bytes) -> None:
    """Seal the organisation's private key to one member's keyring (audited as ``key.shared``)."""
    OrganisationKeyShare.objects.create(
        organisation=organisation, user=ring.user, sealed_private=crypto.seal(bytes(ring.public_key), org_private)
    )
    audit_record(actor=actor, action=Action.KEY_SHARED, organisation=organisation, target_type="user",
                 target_id=ring.user_id)


def organisation_public_key(*, organisation: Organisation) -> bytes | None:
    row = OrganisationKey.objects.filter(organisation=organisation).only("public_key").first()
    return bytes(row.public_key) if row else None


@transaction.atomic
def organisation_key_ensure(*, organisation: Organisation) -> OrganisationKey | None:
    """The organisation's key, made now if missing, with its private key sealed to every member
    entitled to a share (``key_role_memberships``) who has a keyring (only their public keys are
    needed; the private key is then forgotten).

    Returns None, and makes nothing, while no such member has a keyring: a key nobody holds would lock
    away everything written to it. For the same reason an existing key of which nobody holds a
    share any more (the last holder left) is replaced: records written to it were already
    unreadable, and the organisation can start again.
    """
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    existing = OrganisationKey.objects.filter(organisation=organisation).first()
    if existing is not None and OrganisationKeyShare.objects.filter(organisation=organisation).exists():
        return existing
    keyrings = list(_members_with_keyring(organisation))
    if not keyrings:
        return existing
    public, private = crypto.new_keypair()
    if existing is None:
        existing = OrganisationKey.objects.create(organisation=organisation, public_key=public)
        replaced = False
    else:
        existing.public_key = public
        existing.save(update_fields=["public_key"])
        replaced = True
    OrganisationKeyShare.objects.filter(organisation=organisation).delete()
    OrganisationKeyShare.objects.bulk_create(
        OrganisationKeyShare(organisation=organisation, user=ring.user, sealed_private=crypto.seal(bytes(ring.public_key), private))
        for ring in keyrings
    )
    audit_record(
        actor=None, action=Action.ORGANISATION_KEY_CREATED, organisation=organisation,
        details={"shares": len(keyrings), "replaced": replaced},
    )
    return existing


def organisations_only_held_by(*, user: User) -> list[Organisation]:
    """Organisations whose key only ``user`` holds: closing their account or ending their last
    role there makes every record sealed to that key unreadable for good (nobody else can open
    it, and no one can re-share it). The offboarding page warns with this list; the remedy is for
    the user to sign in once, which shares the key with colleagues who have a keyring."""
    held = OrganisationKeyShare.objects.filter(user=user).values("organisation_id")
    others = (
        OrganisationKeyShare.objects.filter(organisation_id__in=held)
        .exclude(user=user)
        .values("organisation_id")
    )
    return list(Organisation.objects.filter(pk__in=held).exclude(pk__in=others).order_by("name"))


def organisation_has_share(*, user: User, organisation: Organisation) -> bool:
    return OrganisationKeyShare.objects.filter(user=user, organisation=organisation).exists()


def organisation_private_key(*, user: User, private_key: bytes | None, organisation: Organisation) -> bytes | None:
    """The organisation's private key from the user's share, or None if the user has no share yet
    or no unlocked key in this session (``private_key`` None).

    A share that the user's key cannot open (only if their keyring were replaced) also gives None:
    the caller shows "not set up yet" rather than an error about the record.
    """
    if private_key is None:
        return None
    share = OrganisationKeyShare.objects.filter(user=user, organisation=organisation).first()
    if share is None:
        return None
    try:
        return crypto.unseal(private_key, bytes(share.sealed_private))
    except crypto.DecryptionError:
        return None


@transaction.atomic
def organisation_share_grant(
    *, actor: User, private_key: bytes, organisation: Organisation, user: User
) -> bool:
    """Seal the organisation's key to ``user`` if the actor holds it and the user has a keyring and
    a confirmed membership with a role that reads sealed content (in this organisation) but no
    share yet. True if a share was made. Audited."""
    if not holds_key_role(user=user, organisation=organisation):
        return False
    if OrganisationKeyShare.objects.filter(organisation=organisation, user=user).exists():
        return False
    ring = StaffKeyring.objects.filter(user=user).select_related("user").first()
    if ring is None:
        return False
    org_private = organisation_private_key(user=actor, private_key=private_key, organisation=organisation)
    if org_private is None:
        return False
    _share_create(actor=actor, organisation=organisation, ring=ring, org_private=org_private)
    return True


@transaction.atomic
def organisation_shares_grant_pending(*, user: User, private_key: bytes) -> int:
    """After ``user`` signed in (their key is unlocked): give every colleague entitled to a share
    who has a keyring but no share of an organisation the user holds a share of. Returns the number
    of shares made.

    A share held without a role that reads sealed content there (one made before shares followed
    roles, kept by migration 0010 because nobody entitled held one) is handed over here: once a
    colleague entitled to it holds the key, every such share of the organisation is removed
    (``_unentitled_shares_drop``)."""
    granted = 0
    for share in OrganisationKeyShare.objects.filter(user=user).select_related("organisation"):
        organisation = share.organisation
        try:
            org_private = crypto.unseal(private_key, bytes(share.sealed_private))
        except crypto.DecryptionError:
            continue
        holders = OrganisationKeyShare.objects.filter(organisation=organisation).values("user_id")
        for ring in _members_with_keyring(organisation).exclude(user_id__in=holders):
            _share_create(actor=user, organisation=organisation, ring=ring, org_private=org_private)
            granted += 1
        _unentitled_shares_drop(actor=user, organisation=organisation)
    return granted


def _unentitled_shares_drop(*, actor: User | None, organisation: Organisation) -> set[int]:
    """The hand-over's second half: once someone entitled (``key_role_memberships``) holds the
    organisation's key, remove every share held by someone who is not. Returns their user ids."""
    entitled = key_role_memberships(organisation).values("user_id")
    if not OrganisationKeyShare.objects.filter(organisation=organisation, user_id__in=entitled).exists():
        return set()
    dropped: set[int] = set()
    for share in (OrganisationKeyShare.objects.filter(organisation=organisation)
                  .exclude(user_id__in=entitled).select_related("user")):
        organisation_shares_remove(actor=actor, user=share.user, organisations=[organisation])
        dropped.add(share.user_id)
    return dropped


def organisation_share_drop_without_role(*, actor: User | None, user: User, organisation: Organisation) -> bool:
    """Remove ``user``'s share of ``organisation``'s key if she holds no role that reads sealed
    content there any more (a role was revoked). Audited as ``key.share_removed``
    (``organisation_shares_remove``). True if a share was removed.

    As at offboarding the key itself stays: she may have copied it while entitled, which only a new
    key for new records would address; ``organisation_key_ensure`` makes one as soon as nobody holds
    the old one (the next record written is then sealed to a new key that only the remaining
    caseworkers and case supervisors hold). Removing the organisation's only share locks its
    records away for good, as closing the sole holder's account does: the offboarding page warns
    (``organisations_only_held_by``); the remedy is for her to sign in once before, which shares the
    key with entitled colleagues who have a keyring.
    """
    if holds_key_role(user=user, organisation=organisation):
        return False
    return organisation_shares_remove(actor=actor, user=user, organisations=[organisation]) > 0


@transaction.atomic
def organisation_shares_remove(*, actor: User | None, user: User, organisations: list[Organisation] | None = None) -> int:
    """Delete the user's shares (all, or of the given organisations). Audited per organisation.

    The organisation's key itself stays: the user may have copied it while a member, which only a
    new key for new records would address; a departed member's access to the database is what the
    sign-in and session controls take away."""
    shares = OrganisationKeyShare.objects.filter(user=user)
    if organisations is not None:
        shares = shares.filter(organisation__in=organisations)
    removed = 0
    for share in shares.select_related("organisation"):
        audit_record(
            actor=actor, action=Action.KEY_SHARE_REMOVED, organisation=share.organisation, target_type="user",
            target_id=user.pk,
        )
        share.delete()
        removed += 1
    return removed
