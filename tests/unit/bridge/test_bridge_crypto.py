"""AES-256-GCM sealing of personal data, bound to its row, with key rotation."""

from __future__ import annotations

import base64

import pytest

from lapor_aman.config import Settings
from lapor_aman.crypto import (
    DataCipher,
    DecryptionError,
    Sealed,
    decode_key,
    generate_key,
    key_id_for,
)


def test_sealed_text_opens_only_for_the_same_row() -> None:
    cipher = DataCipher.from_setting(generate_key())
    sealed = cipher.seal_text("kronologi rahasia", "ticket:LA-2222-3333")
    assert b"kronologi" not in sealed.blob
    assert cipher.open_text(sealed, "ticket:LA-2222-3333") == "kronologi rahasia"
    with pytest.raises(DecryptionError):
        cipher.open_text(sealed, "ticket:LA-4444-5555")


def test_tampered_ciphertext_is_rejected() -> None:
    cipher = DataCipher.from_setting(generate_key())
    sealed = cipher.seal_text("x" * 40, "aad")
    flipped = bytearray(sealed.blob)
    flipped[-1] ^= 1
    with pytest.raises(DecryptionError):
        cipher.open_text(Sealed(sealed.key_id, bytes(flipped)), "aad")


def test_each_seal_uses_a_fresh_nonce() -> None:
    cipher = DataCipher.from_setting(generate_key())
    assert cipher.seal_text("same", "aad").blob != cipher.seal_text("same", "aad").blob


def test_rotation_new_key_seals_old_key_still_opens() -> None:
    old, new = generate_key(), generate_key()
    sealed_with_old = DataCipher.from_setting(old).seal_text("data", "aad")
    rotated = DataCipher.from_setting(f"{new}, {old}")
    assert rotated.current_key_id == key_id_for(decode_key(new))
    assert rotated.open_text(sealed_with_old, "aad") == "data"
    assert rotated.seal_text("data", "aad").key_id == rotated.current_key_id
    with pytest.raises(DecryptionError, match="no key"):
        DataCipher.from_setting(new).open_text(sealed_with_old, "aad")


def test_keys_must_be_32_bytes_of_base64() -> None:
    with pytest.raises(ValueError):
        decode_key(base64.b64encode(b"short").decode())
    with pytest.raises(ValueError):
        decode_key("not base64 !!")
    with pytest.raises(ValueError):
        DataCipher([])


def test_the_development_default_key_is_usable() -> None:
    key = Settings().data_encryption_key.get_secret_value()
    assert len(decode_key(key)) == 32
