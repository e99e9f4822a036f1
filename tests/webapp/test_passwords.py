"""Passwords (SECURITY-CHECKLIST items 1, 2, 9): the rules and the hashing."""

import subprocess
import sys

import pytest

from webapp.areas.auth.policy import password_problem
from webapp.areas.auth.questions import answer_matches, hash_answer
from webapp.domain.passwords import check_password, generate_password, hash_password

CONTEXT = [
    "Priya",
    "Shah",
    "priya.shah",
    "Braunstone Frith Primary School",
    "Leicester City Council",
]


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "Password must be 8 characters or more"),
        ("x" * 65, "Password must be 64 characters or fewer"),
        ("password", "Password is too common: choose one that is harder to guess"),
        ("Password123", "Password is too common: choose one that is harder to guess"),
        ("qwertyuiop", "Password is too common: choose one that is harder to guess"),
        (
            "leicester-2026",
            "Password must not include your name, your school's name or the council's",
        ),
        (
            "braunstone rocks",
            "Password must not include your name, your school's name or the council's",
        ),
        (
            "PriyaPriya99",
            "Password must not include your name, your school's name or the council's",
        ),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password, problem):
    assert password_problem(password, CONTEXT) == problem


@pytest.mark.parametrize(
    "password",
    [
        "plum jam on warm toast",  # spaces allowed, no composition rules
        "school rules ok",  # generic words from the school's name are fine
        "ééé ünïcödé pässwörd",  # any characters
        "a" * 8 + "bcd" * 18 + "x",  # 63 characters: nothing is cut off
    ],
)
def test_reasonable_passwords_are_accepted(password):
    assert password_problem(password, CONTEXT) is None


def test_hashes_are_argon2_salted_and_never_truncated():
    first, second = hash_password("same password here"), hash_password("same password here")
    assert first.startswith("$argon2id$") and first != second
    long_password = "p" * 64
    assert check_password(hash_password(long_password), long_password)
    assert not check_password(hash_password(long_password), "p" * 63)


def test_generated_passwords_are_long_and_random():
    passwords = {generate_password() for _ in range(50)}
    assert len(passwords) == 50
    assert all(len(p) >= 20 and password_problem(p) is None for p in passwords)


def test_security_answers_ignore_case_and_spacing():
    stored = hash_answer("Oak Lane")
    assert answer_matches(stored, "  oak   LANE ")
    assert not answer_matches(stored, "Oak Road")


WORKER_MEMORY = r"""
import sys, threading
from webapp.domain.passwords import check_password, hash_password

def kb(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])

stored = hash_password("correct horse battery staple")
before = kb("VmRSS")
threads = [
    threading.Thread(target=check_password, args=(stored, f"guess {n}")) for n in range(12)
]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print((kb("VmHWM") - before) // 1024)
"""


def test_a_burst_of_sign_ins_holds_one_hashs_memory():
    """Each argon2 hash holds 19 MiB while it is worked out: twelve sign-ins at once in one
    worker (its threads) must not take twelve times that (a worker's budget is 150 MB)."""
    grown = subprocess.run(  # noqa: S603 -- this interpreter, a fixed script
        [sys.executable, "-c", WORKER_MEMORY], capture_output=True, text=True, check=True
    ).stdout
    assert int(grown) <= 19 + 6, f"a worker grew {grown.strip()} MB during the burst"
