"""Hashing secrets: passwords and security answers with argon2 (salted; equal passwords give
different hashes), codes and other short-lived secrets with a key (keyed_hash)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

# argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): about 50 ms here,
# where the library's default (64 MiB, 3 passes, 4 lanes) takes 300 ms on two cores.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
# Checked against when the email is unknown, so both paths take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))
# Each hash holds 19 MiB while it is worked out, and the C allocator keeps that memory with
# the thread that asked for it: hashed on every request thread, a burst of sign-ins left a
# worker 19 MiB bigger per thread (95 → 179 MB with 4 threads, past its 150 MB budget). One
# thread of its own does a worker's hashing: 19 MiB, whatever the requests. No slower: the
# hashing is CPU work, and there is about one worker per core (docs/deploy.md).
_HASHING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="argon2")


def hash_password(password: str) -> str:
    return _HASHING.submit(_hasher.hash, password).result()


def check_password(stored_hash: str | None, password: str) -> bool:
    """Whether `password` matches; always does the full amount of work."""
    try:
        matches = _HASHING.submit(_hasher.verify, stored_hash or _DUMMY_HASH, password).result()
        return matches and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    """A random password for a new user: long, from a CSPRNG, easy to type."""
    return "-".join(secrets.token_urlsafe(6) for _ in range(3))


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 with the app's secret: a leaked table gives no code, even by brute force."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
