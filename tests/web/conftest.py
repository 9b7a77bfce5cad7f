"""Fixtures for web tests: demo organisations and one staff user per role, signed in with 2FA."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tipnet.web.accounts.middleware import SESSION_STARTED_KEY
from tipnet.web.accounts.models import Membership, Organisation, User
from tipnet.web.accounts.roles import OrganisationType, Role


@pytest.fixture
def organisations(db) -> dict[str, Organisation]:  # type: ignore[no-untyped-def]
    return {
        "ngo": Organisation.objects.create(name="Test NGO", type=OrganisationType.NGO),
        "other": Organisation.objects.create(name="Other NGO", type=OrganisationType.NGO),
        "trustee": Organisation.objects.create(name="Test Trustee", type=OrganisationType.TRUSTEE),
    }


def make_staff(username: str, organisation: Organisation, role: str, password: str = "correct horse battery 9") -> User:
    user = User.objects.create(username=username)
    user.set_password(password)
    user.save()
    Membership.objects.create(user=user, organisation=organisation, role=role)
    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


@pytest.fixture
def staff(organisations) -> dict[str, User]:  # type: ignore[no-untyped-def]
    """One user per role; org admins and caseworkers belong to 'Test NGO'."""
    home = {
        Role.HOTLINE_OPERATOR: organisations["trustee"],
        Role.CASEWORKER: organisations["ngo"],
        Role.ORG_ADMIN: organisations["ngo"],
        Role.RESEARCHER: organisations["other"],
        Role.COORDINATOR: organisations["other"],
        Role.NETWORK_ADMIN: organisations["other"],
        Role.TRAINEE: organisations["ngo"],
    }
    return {role: make_staff(f"user_{role}", org, role) for role, org in home.items()}


def signed_in_client(user: User) -> Client:
    """A client whose session has passed both factors, as after a real sign-in."""
    import time

    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_STARTED_KEY] = time.time()
    session.save()
    return client


def keyed_client(user: User, password: str = "correct horse battery 9") -> Client:
    """A signed-in client whose session holds the user's unlocked private key, as the password step
    of a real sign-in leaves it (split between the session and the HttpOnly cookie). Makes the
    user's keyring first if they have none. No TOTP code is used, so it can be called repeatedly."""
    from tipnet.web.accounts import keys

    if keys.public_key_of(user) is None:
        keys.keyring_create_for(user, password=password)
    private_key = keys.keyring_unlock(user, password=password)
    assert private_key is not None
    client = signed_in_client(user)
    session = client.session
    session[keys.SESSION_FIELD], client.cookies[keys.COOKIE] = keys.split_private_key(private_key)
    session.save()
    return client


@pytest.fixture
def client_for():  # type: ignore[no-untyped-def]
    return signed_in_client


@pytest.fixture
def operator(organisations) -> User:  # type: ignore[no-untyped-def]
    """A hotline operator of the trustee with an encryption key (made from the password)."""
    from tipnet.web.accounts.keys import keyring_create_for

    user = make_staff("hanako", organisations["trustee"], Role.HOTLINE_OPERATOR)
    keyring_create_for(user, password="correct horse battery 9")
    return user


def url(name: str, *args: object, lang: str = "en") -> str:
    """The path of a named URL in ``lang`` (English by default): the language lives in the URL."""
    from django.urls import reverse
    from django.utils import translation

    with translation.override(lang):
        return reverse(name, args=args)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():  # type: ignore[no-untyped-def]
    """The reporting line's rate limits are process memory: every web test starts and ends with
    them empty, so no test is refused because of another's requests."""
    from tipnet.web.report import ratelimit

    ratelimit.reset()
    yield
    ratelimit.reset()
