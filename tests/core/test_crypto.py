"""Encryption helpers: round trips, wrong keys, tampering, recipients' keyrings and report keys."""

from __future__ import annotations

import pytest

from tipnet.core import crypto
from tipnet.core.crypto import DecryptionError

FAST = {"memlimit": 8 * 1024 * 1024, "opslimit": 1}


def test_seal_round_trip_and_tamper() -> None:
    public, private = crypto.new_keypair()
    sealed = crypto.seal(public, "人身取引の通報".encode())
    assert crypto.unseal(private, sealed).decode() == "人身取引の通報"
    assert "人身取引".encode() not in sealed
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(DecryptionError):
        crypto.unseal(private, tampered)
    _other_public, other_private = crypto.new_keypair()
    with pytest.raises(DecryptionError):
        crypto.unseal(other_private, sealed)


def test_secret_box_round_trip_and_wrong_key() -> None:
    key = crypto.new_key()
    box = crypto.secret_encrypt(key, b"note")
    assert crypto.secret_decrypt(key, box) == b"note"
    with pytest.raises(DecryptionError):
        crypto.secret_decrypt(crypto.new_key(), box)


def test_keyring_unlocks_with_password_and_recovery_only() -> None:
    keyring, recovery = crypto.keyring_create(password="operator passphrase 1")
    private = crypto.keyring_unlock(keyring, password="operator passphrase 1")
    assert crypto.keyring_unlock_with_recovery(keyring, recovery_code=recovery) == private
    assert crypto.keyring_unlock_with_recovery(keyring, recovery_code=recovery.lower().replace("-", " ")) == private
    with pytest.raises(DecryptionError):
        crypto.keyring_unlock(keyring, password="wrong")
    rewrapped = crypto.keyring_rewrap(keyring, private_key=private, new_password="new passphrase 2")
    assert crypto.keyring_unlock(rewrapped, password="new passphrase 2") == private
    assert rewrapped.public_key == keyring.public_key
    # The stored keyring never holds the private key in clear.
    for field in (keyring.private_by_password, keyring.private_by_recovery):
        assert private not in field


def test_report_keys_open_for_reporter_and_recipient() -> None:
    recipient_public, recipient_private = crypto.new_keypair()
    reporter_key = crypto.new_key()
    keys = crypto.report_keys_create(reporter_key=reporter_key)
    content = crypto.seal(keys.public_key, b"my boss keeps our passports")
    sealed_private, sealed_staff = keys.sealed_for_recipient(recipient_public)
    as_recipient = crypto.unseal(recipient_private, sealed_private)
    as_reporter = crypto.report_private_for_reporter(reporter_key=reporter_key, private_for_reporter=keys.private_for_reporter)
    assert crypto.unseal(as_recipient, content) == crypto.unseal(as_reporter, content) == b"my boss keeps our passports"
    assert crypto.unseal(recipient_private, sealed_staff) == keys.staff_key
    with pytest.raises(DecryptionError):
        crypto.report_private_for_reporter(reporter_key=crypto.new_key(), private_for_reporter=keys.private_for_reporter)


def test_argon2_parameters_are_at_least_64_mib() -> None:
    assert crypto.ARGON2_MEMLIMIT >= 64 * 1024 * 1024 and crypto.ARGON2_OPSLIMIT >= 2
