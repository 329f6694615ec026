"""Encryption at rest for personal data (AES-256-GCM, ``cryptography``).

Tickets hold sensitive personal data under UU 27/2022 (health, sexual life, children), so their
documents and staff notes are stored only as AES-256-GCM ciphertext. Each ciphertext is stored
with the id of the key that sealed it, so keys can rotate: the first configured key encrypts,
every configured key decrypts (``LAPOR_DATA_ENCRYPTION_KEY="new-key,old-key"``), and
:meth:`lapor_aman.storage.tickets.TicketStore.reencrypt_all` re-seals old rows with the new key.

The associated data binds a ciphertext to its row (e.g. ``ticket:LA-7K3M-Q9XP``): a document
copied into another row does not decrypt.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES: Final = 32  # AES-256
NONCE_BYTES: Final = 12  # the GCM standard nonce; random per message
KEY_ID_LENGTH: Final = 12


class DecryptionError(Exception):
    """A ciphertext could not be opened: unknown key id, wrong row, or tampered data."""


@dataclass(frozen=True)
class Sealed:
    """A ciphertext (nonce ‖ ciphertext ‖ tag) and the id of the key that sealed it."""

    key_id: str
    blob: bytes


def decode_key(text: str) -> bytes:
    """A 32-byte key from its base64 form (standard or URL-safe alphabet)."""
    cleaned = text.strip()
    try:
        raw = base64.urlsafe_b64decode(cleaned.replace("+", "-").replace("/", "_"))
    except (binascii.Error, ValueError):
        raise ValueError("encryption key is not valid base64") from None
    if len(raw) != KEY_BYTES:
        raise ValueError(f"encryption key must be {KEY_BYTES} bytes, got {len(raw)}")
    return raw


def key_id_for(key: bytes) -> str:
    """A short public id of a key (a hash prefix; reveals nothing usable about the key)."""
    return hashlib.sha256(b"lapor-aman-key-id:" + key).hexdigest()[:KEY_ID_LENGTH]


def generate_key() -> str:
    """A fresh random key in the base64 form the settings expect."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii")


class DataCipher:
    """Seal and open byte strings with a key ring; the first key is the current one."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise ValueError("at least one encryption key is required")
        self._ring: dict[str, AESGCM] = {}
        for key in keys:
            if len(key) != KEY_BYTES:
                raise ValueError(f"encryption keys must be {KEY_BYTES} bytes")
            self._ring.setdefault(key_id_for(key), AESGCM(key))
        self.current_key_id: str = key_id_for(keys[0])

    @classmethod
    def from_setting(cls, value: str) -> DataCipher:
        """From ``data_encryption_key``: one base64 key, or several separated by commas (newest first)."""
        return cls([decode_key(part) for part in value.split(",") if part.strip()])

    @property
    def key_ids(self) -> frozenset[str]:
        return frozenset(self._ring)

    def seal(self, plaintext: bytes, associated_data: bytes) -> Sealed:
        nonce = os.urandom(NONCE_BYTES)
        blob = nonce + self._ring[self.current_key_id].encrypt(nonce, plaintext, associated_data)
        return Sealed(key_id=self.current_key_id, blob=blob)

    def open(self, sealed: Sealed, associated_data: bytes) -> bytes:
        aead = self._ring.get(sealed.key_id)
        if aead is None:
            raise DecryptionError(f"no key with id {sealed.key_id} is configured")
        nonce, ciphertext = sealed.blob[:NONCE_BYTES], sealed.blob[NONCE_BYTES:]
        try:
            return aead.decrypt(nonce, ciphertext, associated_data)
        except InvalidTag:
            raise DecryptionError("ciphertext does not open with its key and row") from None

    def seal_text(self, text: str, associated_data: str) -> Sealed:
        return self.seal(text.encode("utf-8"), associated_data.encode("utf-8"))

    def open_text(self, sealed: Sealed, associated_data: str) -> str:
        return self.open(sealed, associated_data.encode("utf-8")).decode("utf-8")
