"""Secrets Tarjama must use again in the clear later (webhook signing keys), stored sealed.

A password is kept as a hash, but an HMAC key has to be read back to sign each delivery. So it
is encrypted (Fernet: AES-CBC with an HMAC) under a key derived from the server's secret key
(`TARJAMA_SECRET_KEY`): a database dump or backup alone does not give it away. A value stored
before sealing existed is read as it is and sealed the next time it is used.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken

from service.settings import Settings, dev_secret

PREFIX = "sealed:v1:"


class CannotUnseal(Exception):
    """The server's secret key changed since the value was sealed: it must be entered again."""


def _fernet(settings: Settings) -> Fernet:
    server_key = settings.secret_key or dev_secret(settings.data_dir)
    digest = hashlib.sha256(b"tarjama sealed secrets\0" + server_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def seal(settings: Settings, value: str) -> str:
    return PREFIX + _fernet(settings).encrypt(value.encode()).decode()


def unseal(settings: Settings, stored: str) -> str:
    if not is_sealed(stored):
        return stored
    try:
        return _fernet(settings).decrypt(stored.removeprefix(PREFIX).encode()).decode()
    except InvalidToken:
        raise CannotUnseal from None
