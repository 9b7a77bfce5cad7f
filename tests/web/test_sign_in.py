"""Staff sign-in: password (Argon2id) then a mandatory TOTP code, throttling, recovery codes,
enrolment, logout by POST, session expiry. Driven through HTTP with Django's client."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.web.conftest import make_staff, signed_in_client, url
from tipnet.web.accounts import services
from tipnet.web.accounts.models import AuditEvent, User
from tipnet.web.accounts.roles import Role

PASSWORD = "correct horse battery 9"



def current_code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def caseworker(organisations) -> User:  # type: ignore[no-untyped-def]
    return make_staff("carla", organisations["ngo"], Role.CASEWORKER, PASSWORD)


def test_passwords_are_hashed_with_argon2id(caseworker: User) -> None:
    assert identify_hasher(caseworker.password).algorithm == "argon2"
    assert "argon2id" in caseworker.password


def test_full_sign_in_needs_both_factors(caseworker: User) -> None:
    client = Client()
    response = client.post(url("accounts:login"), {"username": "carla", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == url("accounts:otp")
    # Password alone opens nothing.
    assert client.get(url("accounts:home")).status_code == 302
    response = client.post(url("accounts:otp"), {"code": current_code(caseworker)})
    assert response.status_code == 302 and response["Location"] == url("accounts:home")
    assert client.get(url("accounts:home")).status_code == 200
    assert AuditEvent.objects.filter(action="login", actor_id=caseworker.pk).exists()


def test_wrong_password_and_unknown_user_get_the_same_message(caseworker: User) -> None:
    wrong = Client().post(url("accounts:login"), {"username": "carla", "password": "nope"})
    unknown = Client().post(url("accounts:login"), {"username": "nobody", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 400
    assert b"The user name or password is not correct." in wrong.content
    assert b"The user name or password is not correct." in unknown.content


def test_wrong_code_is_refused(caseworker: User) -> None:
    client = Client()
    client.post(url("accounts:login"), {"username": "carla", "password": PASSWORD})
    response = client.post(url("accounts:otp"), {"code": "000000" if current_code(caseworker) != "000000" else "111111"})
    assert response.status_code == 400 and b"The code is not correct." in response.content
    assert client.get(url("accounts:home")).status_code == 302


def test_password_guessing_is_throttled(caseworker: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TIPNET_LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        Client().post(url("accounts:login"), {"username": "carla", "password": "guess"})
    response = Client().post(url("accounts:login"), {"username": "carla", "password": PASSWORD})
    assert response.status_code == 400 and b"Too many failed attempts" in response.content


def test_code_guessing_is_throttled_by_django_otp(caseworker: User) -> None:
    client = Client()
    client.post(url("accounts:login"), {"username": "carla", "password": PASSWORD})
    good = current_code(caseworker)
    bad = "000000" if good != "000000" else "111111"
    client.post(url("accounts:otp"), {"code": bad})
    response = client.post(url("accounts:otp"), {"code": good})
    # After a failure django-otp imposes a delay: even the right code waits.
    assert b"Too many wrong codes" in response.content


def test_recovery_code_signs_in_once(caseworker: User) -> None:
    codes = services.recovery_codes_issue(actor=caseworker, user=caseworker)
    assert len(codes) == 10 and len(set(codes)) == 10
    client = Client()
    client.post(url("accounts:login"), {"username": "carla", "password": PASSWORD})
    assert client.post(url("accounts:otp"), {"code": codes[0]}).status_code == 302
    second = Client()
    second.post(url("accounts:login"), {"username": "carla", "password": PASSWORD})
    assert second.post(url("accounts:otp"), {"code": codes[0]}).status_code == 400


def test_first_sign_in_enrols_totp_and_shows_recovery_codes(organisations) -> None:  # type: ignore[no-untyped-def]
    user = User.objects.create(username="newbie")
    user.set_password(PASSWORD)
    user.save()
    user.memberships.create(organisation=organisations["ngo"], role=Role.CASEWORKER)
    client = Client()
    response = client.post(url("accounts:login"), {"username": "newbie", "password": PASSWORD})
    assert response["Location"] == url("accounts:enrol")
    page = client.get(url("accounts:enrol"))
    assert page.status_code == 200 and b'id="otp-secret"' in page.content
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    # Reloading the page keeps the same secret (the app the user scanned keeps working).
    client.get(url("accounts:enrol"))
    assert TOTPDevice.objects.get(user=user, confirmed=False).key == device.key
    code = f"{totp(device.bin_key):06d}"
    done = client.post(url("accounts:enrol"), {"code": code})
    assert done.status_code == 200 and done.content.count(b"<li>") >= 10
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get(url("accounts:home")).status_code == 200


def test_logout_only_by_post(caseworker: User) -> None:
    client = signed_in_client(caseworker)
    assert client.get(url("accounts:logout")).status_code == 405
    assert client.get(url("accounts:home")).status_code == 200
    assert client.post(url("accounts:logout")).status_code == 302
    assert client.get(url("accounts:home")).status_code == 302


def test_session_has_an_absolute_lifetime(caseworker: User, settings) -> None:  # type: ignore[no-untyped-def]
    client = signed_in_client(caseworker)
    session = client.session
    session["tipnet_started"] = time.time() - settings.TIPNET_SESSION_MAX_SECONDS - 1
    session.save()
    assert client.get(url("accounts:home")).status_code == 302


def test_idle_sessions_expire(settings) -> None:  # type: ignore[no-untyped-def]
    assert settings.SESSION_COOKIE_AGE <= 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST


def test_forged_csrf_token_is_refused_with_a_clear_message(caseworker: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get(url("accounts:login"))
    response = client.post(url("accounts:login"), {"username": "carla", "password": PASSWORD, "csrfmiddlewaretoken": "forged" * 8})
    assert response.status_code == 403 and b"The form has expired" in response.content
    assert "tipnet_pending_user" not in client.session


def test_pending_password_step_expires(caseworker: User) -> None:
    client = Client()
    client.post(url("accounts:login"), {"username": "carla", "password": PASSWORD})
    session = client.session
    session["tipnet_pending_at"] = time.time() - 3600
    session.save()
    assert client.post(url("accounts:otp"), {"code": current_code(caseworker)})["Location"] == url("accounts:login")


def test_production_hasher_is_argon2id_with_real_costs() -> None:
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from tipnet.web import settings as production_settings

    assert production_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert Argon2PasswordHasher.memory_cost >= 64 * 1024 and Argon2PasswordHasher.time_cost >= 2
