"""Issue 11, staff items: what operators and caseworkers hit on their path. A reused sign-in code,
the triage indicators as a checked list, the reporter's language on the report page, and the
saved screening page. Driven through HTTP; each test fails without its fix."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django_otp.oath import hotp, totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.web.conftest import make_staff, url
from tipnet.web.accounts.models import AuditEvent, User
from tipnet.web.accounts.roles import Role

PASSWORD = "correct horse battery 9"
REUSED = "This code was already used."


def _code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _password_step(username: str) -> Client:
    client = Client()
    response = client.post(url("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == url("accounts:otp")
    return client


@pytest.fixture
def carla(organisations) -> User:  # type: ignore[no-untyped-def]
    return make_staff("carla", organisations["ngo"], Role.CASEWORKER, PASSWORD)


# ------------------------------------------------------------------------------ sign-in code


def test_a_reused_code_says_so_and_asks_for_the_next_one(carla: User) -> None:
    code = _code(carla)
    first = _password_step("carla").post(url("accounts:otp"), {"code": code})
    assert first.status_code == 302 and first["Location"] == url("accounts:home")
    # The same code again, within its 30 seconds (a second tab, or a colleague's shoulder).
    again = _password_step("carla").post(url("accounts:otp"), {"code": code})
    body = again.content.decode()
    assert again.status_code == 400
    assert REUSED in body and "wait for the next code" in body and "30 seconds" in body
    assert "The code is not correct." not in body
    assert AuditEvent.objects.filter(action="login.failed", actor_id=carla.pk,
                                     details__reason="code_reused").exists()


def test_a_wrong_code_is_still_just_not_correct(carla: User) -> None:
    code = _code(carla)
    assert _password_step("carla").post(url("accounts:otp"), {"code": code}).status_code == 302
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    body = _password_step("carla").post(url("accounts:otp"), {"code": wrong}).content.decode()
    assert "The code is not correct." in body and REUSED not in body


def test_an_old_used_code_is_not_called_reused(carla: User) -> None:
    """Only the last code of this device, still inside its window, gets the message: a code used
    ten minutes ago is simply not correct now."""
    device = TOTPDevice.objects.get(user=carla)
    old_t = int(time.time()) // device.step - 20
    device.last_t = old_t
    device.save()
    old_code = f"{hotp(device.bin_key, old_t, digits=device.digits):06d}"
    body = _password_step("carla").post(url("accounts:otp"), {"code": old_code}).content.decode()
    assert "The code is not correct." in body and REUSED not in body


def test_another_users_last_code_is_not_called_reused(carla: User, organisations) -> None:  # type: ignore[no-untyped-def]
    """The message is about this person's device only: someone typing a colleague's fresh code
    learns nothing about it."""
    make_staff("dan", organisations["ngo"], Role.CASEWORKER, PASSWORD)
    dan = User.objects.get(username="dan")
    dan_code = _code(dan)
    assert _password_step("dan").post(url("accounts:otp"), {"code": dan_code}).status_code == 302
    body = _password_step("carla").post(url("accounts:otp"), {"code": dan_code}).content.decode()
    # (Should both secrets show the same code now, one chance in a million, Carla is signed in.)
    assert REUSED not in body


def test_a_wrong_password_never_reaches_the_code_step(carla: User) -> None:
    code = _code(carla)
    assert _password_step("carla").post(url("accounts:otp"), {"code": code}).status_code == 302
    client = Client()
    response = client.post(url("accounts:login"), {"username": "carla", "password": "wrong"})
    assert response.status_code == 400 and REUSED not in response.content.decode()
    # Without the password step, the code page sends back to the sign-in.
    assert client.post(url("accounts:otp"), {"code": code})["Location"].startswith(url("accounts:login"))
