"""Encryption helpers for reports and the keys of their recipients (libsodium through PyNaCl).

No home-made primitives: X25519 sealed boxes (``crypto_box_seal``) for anything sent to a public
key, XSalsa20-Poly1305 secret boxes for anything under a symmetric key, Argon2id
(``crypto_pwhash``) to turn a password, a receipt or a recovery code into a key. Every decryption
failure (wrong key or tampered bytes) raises :class:`DecryptionError`; nothing partial is returned.

Design (after SecureDrop and GlobaLeaks, see ../shared/reference/anonymous-reporting.md):

* each recipient (hotline operator) has an X25519 key pair; the private key is stored twice,
  under a key derived from the recipient's password and under a random recovery key shown once;
* each report has its own key pair; its content and messages are sealed to the report's public
  key; the report's private key is sealed to every recipient and stored under a key the reporter
  derives from the receipt, so both sides can read the exchange;
* staff-only material (internal notes) is under a per-report staff key sealed only to recipients.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass

import nacl.exceptions
import nacl.pwhash
import nacl.secret
import nacl.utils
from nacl.public import PrivateKey, PublicKey, SealedBox

KEY_BYTES = nacl.secret.SecretBox.KEY_SIZE
SALT_BYTES = nacl.pwhash.argon2id.SALTBYTES
# Argon2id: 64 MiB and 3 passes (libsodium's "moderate" ops limit, a quarter of its memory).
ARGON2_MEMLIMIT = 64 * 1024 * 1024
ARGON2_OPSLIMIT = nacl.pwhash.argon2id.OPSLIMIT_MODERATE


class DecryptionError(Exception):
    """Wrong key, or the ciphertext was changed. Nothing was decrypted."""


def derive_key(secret: bytes, salt: bytes, *, size: int = KEY_BYTES, memlimit: int = ARGON2_MEMLIMIT,
               opslimit: int = ARGON2_OPSLIMIT) -> bytes:
    """A key (32 bytes by default) from a secret (password, receipt, recovery code) with Argon2id."""
    if len(salt) != SALT_BYTES:
        raise ValueError(f"salt must be {SALT_BYTES} bytes")
    return nacl.pwhash.argon2id.kdf(size, secret, salt, opslimit=opslimit, memlimit=memlimit)


def new_salt() -> bytes:
    return nacl.utils.random(SALT_BYTES)


def new_key() -> bytes:
    return nacl.utils.random(KEY_BYTES)


def secret_encrypt(key: bytes, plaintext: bytes) -> bytes:
    return bytes(nacl.secret.SecretBox(key).encrypt(plaintext))


def secret_decrypt(key: bytes, ciphertext: bytes) -> bytes:
    try:
        return nacl.secret.SecretBox(key).decrypt(ciphertext)
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as error:
        raise DecryptionError("cannot decrypt: wrong key or changed ciphertext") from error


def seal(public_key: bytes, plaintext: bytes) -> bytes:
    return bytes(SealedBox(PublicKey(public_key)).encrypt(plaintext))


def unseal(private_key: bytes, ciphertext: bytes) -> bytes:
    try:
        return SealedBox(PrivateKey(private_key)).decrypt(ciphertext)
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as error:
        raise DecryptionError("cannot decrypt: wrong key or changed ciphertext") from error


def record_seal(public_key: bytes, plaintext: bytes) -> tuple[bytes, bytes]:
    """(sealed record key, ciphertext): a fresh random key per record, sealed to ``public_key``, so
    one leaked record key opens one record and writing needs no secret (saved screenings, cases)."""
    record_key = new_key()
    return seal(public_key, record_key), secret_encrypt(record_key, plaintext)


def record_open(private_key: bytes, sealed_key: bytes, ciphertext: bytes) -> bytes:
    """The plaintext of ``record_seal``, or DecryptionError (changed bytes or a wrong key)."""
    return secret_decrypt(unseal(private_key, sealed_key), ciphertext)


def new_keypair() -> tuple[bytes, bytes]:
    """(public, private) X25519 key pair."""
    private = PrivateKey.generate()
    return bytes(private.public_key), bytes(private)


# --------------------------------------------------------------------------- recipients


@dataclass(frozen=True)
class Keyring:
    """A recipient's key pair as stored: the private key only ever encrypted."""

    public_key: bytes
    password_salt: bytes
    private_by_password: bytes
    recovery_salt: bytes
    private_by_recovery: bytes


def _recovery_text(raw: bytes) -> str:
    text = base64.b32encode(raw).decode().rstrip("=")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def _recovery_secret(code: str) -> bytes:
    return "".join(ch for ch in code.upper() if ch.isalnum()).encode()


def keyring_create(*, password: str) -> tuple[Keyring, str]:
    """A new key pair for a recipient, and the recovery code to show them once."""
    public, private = new_keypair()
    recovery_code = _recovery_text(secrets.token_bytes(20))
    password_salt, recovery_salt = new_salt(), new_salt()
    keyring = Keyring(
        public_key=public,
        password_salt=password_salt,
        private_by_password=secret_encrypt(derive_key(password.encode(), password_salt), private),
        recovery_salt=recovery_salt,
        private_by_recovery=secret_encrypt(derive_key(_recovery_secret(recovery_code), recovery_salt), private),
    )
    return keyring, recovery_code


def keyring_unlock(keyring: Keyring, *, password: str) -> bytes:
    return secret_decrypt(derive_key(password.encode(), keyring.password_salt), keyring.private_by_password)


def keyring_unlock_with_recovery(keyring: Keyring, *, recovery_code: str) -> bytes:
    return secret_decrypt(derive_key(_recovery_secret(recovery_code), keyring.recovery_salt), keyring.private_by_recovery)


def keyring_rewrap(keyring: Keyring, *, private_key: bytes, new_password: str) -> Keyring:
    """After a password change or a recovery: the same key pair under the new password."""
    salt = new_salt()
    return Keyring(
        public_key=keyring.public_key,
        password_salt=salt,
        private_by_password=secret_encrypt(derive_key(new_password.encode(), salt), private_key),
        recovery_salt=keyring.recovery_salt,
        private_by_recovery=keyring.private_by_recovery,
    )


# --------------------------------------------------------------------------- reports


@dataclass(frozen=True)
class ReportKeys:
    """What is stored for one report's keys. ``private_key`` and ``staff_key`` exist only in memory."""

    public_key: bytes
    private_key: bytes
    staff_key: bytes
    private_for_reporter: bytes

    def sealed_for_recipient(self, recipient_public_key: bytes) -> tuple[bytes, bytes]:
        """(report private key, staff key), each sealed to one recipient."""
        return seal(recipient_public_key, self.private_key), seal(recipient_public_key, self.staff_key)


def report_keys_create(*, reporter_key: bytes) -> ReportKeys:
    """A key pair for a new report; the private key also stored under the reporter's key (derived
    from the receipt with Argon2id, see tipnet.core.receipts.receipt_keys)."""
    public, private = new_keypair()
    return ReportKeys(
        public_key=public,
        private_key=private,
        staff_key=new_key(),
        private_for_reporter=secret_encrypt(reporter_key, private),
    )


def report_private_for_reporter(*, reporter_key: bytes, private_for_reporter: bytes) -> bytes:
    return secret_decrypt(reporter_key, private_for_reporter)
