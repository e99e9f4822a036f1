"""Hashing secrets: passwords and security answers with argon2 (salted; equal passwords give
different hashes), codes and other short-lived secrets with a key (keyed_hash)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

# argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): about 50 ms here,
# where the library's default (64 MiB, 3 passes, 4 lanes) takes 300 ms on two cores.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
# Checked against when the email is unknown, so both paths take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(stored_hash: str | None, password: str) -> bool:
    """Whether `password` matches; always does the full amount of work."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    """A random password for a new user: long, from a CSPRNG, easy to type."""
    return "-".join(secrets.token_urlsafe(6) for _ in range(3))


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 with the app's secret: a leaked table gives no code, even by brute force."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
