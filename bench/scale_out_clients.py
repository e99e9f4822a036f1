"""The clients of bench/scale_out.py: people signing in, starting cases and typing, over HTTP.

Each client is a thread with a cookie jar of its own (one browser). It has a home instance and
goes through a `Balancer`, which, like a load balancer's health check, sends it to the other
instance while its home does not answer. Every step is the real flow a browser takes: the
sign-in form, the emailed code (read from the SMTP catcher), "Start now", the background save
(autosave) and "Continue". What the portal acknowledged is recorded in a `Ledger`, which the
script checks against the database at the end.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field

import requests

CASE_TYPE = "part-time-timetable"
PAGE = "child"
NEXT_PAGE = "arrangement"
PASSWORD = "scale-out-bench-password-7"  # noqa: S105 -- bench users on a throwaway database
CHILD = {
    "surname": "Miles",
    "date_of_birth-day": "14",
    "date_of_birth-month": "5",
    "date_of_birth-year": "2015",
    "upn": "Y856200124123",
    "year_group": "5",
    "home_postcode": "LE3 1AB",
    "sen_provision": "K",
    "primary_need": "SEMH",
    "looked_after": "no",
    "has_social_worker": "no",
}
TIMEOUT = 15.0  # seconds a request may take
CODE_WAIT = 240.0  # seconds a client waits for its emailed code (SMTP may be down meanwhile)


class Failed(Exception):
    """A request that got no acknowledgement: refused, reset, timed out, or a 5xx."""


@dataclass
class Attempt:
    value: str
    phase: str
    client: int
    acked: bool = False
    acked_at: float = 0.0  # time.monotonic()


@dataclass
class Ledger:
    """What the clients did, and what the portal acknowledged, shared by every client."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    saves: dict[str, list[Attempt]] = field(default_factory=dict)  # reference -> its saves
    started: dict[str, int] = field(default_factory=dict)  # reference -> client index
    duplicate_starts: list[str] = field(default_factory=list)  # one reference given twice
    counts: dict[tuple[str, str], int] = field(default_factory=dict)  # (phase, what) -> n
    failures: list[tuple[float, str, str]] = field(default_factory=list)  # (started, phase, why)
    missing_codes: list[str] = field(default_factory=list)  # addresses whose code never came

    def resumed(self, since: float) -> set[int]:
        """The clients that had a save acknowledged after `since` (time.monotonic())."""
        with self.lock:
            every = [a for saves in self.saves.values() for a in saves]
        return {a.client for a in every if a.acked and a.acked_at > since}

    def count(self, phase: str, what: str) -> None:
        with self.lock:
            self.counts[phase, what] = self.counts.get((phase, what), 0) + 1

    def fail(self, started: float, phase: str, why: str) -> None:
        with self.lock:
            self.failures.append((started, phase, why))

    def start(self, reference: str, client: int) -> None:
        with self.lock:
            if reference in self.started:
                self.duplicate_starts.append(reference)
            self.started[reference] = client
            self.saves.setdefault(reference, [])

    def attempt(self, reference: str, value: str, phase: str, client: int) -> Attempt:
        attempt = Attempt(value, phase, client)
        with self.lock:
            self.saves.setdefault(reference, []).append(attempt)
        return attempt


class Balancer:
    """Which instances answer, as a load balancer's health check sees them (every 0.3 s)."""

    def __init__(self, bases: list[str]):
        self.bases = bases
        self.up = [True] * len(bases)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._check, name="balancer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(5)

    def pick(self, home: int) -> int:
        if self.up[home]:
            return home
        others = [i for i, up in enumerate(self.up) if up]
        return others[0] if others else home

    def _check(self) -> None:
        while not self._stop.wait(0.3):
            for index, base in enumerate(self.bases):
                try:  # the sign-in page: served without the database
                    requests.get(f"{base}/sign-in", timeout=2).raise_for_status()
                    self.up[index] = True
                except requests.RequestException:
                    self.up[index] = False


class Client:
    """One person at one browser; run() works until `stop` is set."""

    def __init__(self, index, balancer, catcher, emails, ledger, phase, cases_per_sign_in=4):
        self.index, self.balancer, self.catcher = index, balancer, catcher
        self.emails, self.ledger, self.phase = emails, ledger, phase  # phase(): current name
        self.cases_per_sign_in = cases_per_sign_in
        self.http = requests.Session()
        self.next_user = 0
        self.typed = 0

    # -- HTTP -----------------------------------------------------------------------------
    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        phase, started = self.phase(), time.monotonic()
        instance = self.balancer.pick(self.index % len(self.balancer.bases))
        base = self.balancer.bases[instance]
        try:
            response = self.http.request(
                method, base + path, timeout=TIMEOUT, allow_redirects=False, **kwargs
            )
        except requests.RequestException as error:
            self.ledger.fail(started, phase, type(error).__name__)
            raise Failed(type(error).__name__) from None
        for cookie in self.http.cookies:  # Secure: send it over http to 127.0.0.1 all the
            cookie.secure = False  # same, as the TLS-ending proxy in front of the portal does
        if response.status_code >= 500:
            self.ledger.fail(started, phase, f"HTTP {response.status_code}")
            raise Failed(f"HTTP {response.status_code} for {method} {path}")
        self.ledger.count(phase, "requests")
        self.ledger.count(phase, f"on {instance + 1}")
        return response

    def form_token(self, path: str) -> tuple[str, str]:
        """The page's CSRF token, and the page."""
        page = self.request("GET", path)
        if page.status_code != 200:
            raise Failed(f"GET {path}: {page.status_code}")
        found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
        found = found or re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
        if not found:
            raise Failed(f"no CSRF token on {path}")
        return found.group(1), page.text

    # -- the person -----------------------------------------------------------------------
    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.sign_in()
                for _ in range(self.cases_per_sign_in):
                    if stop.is_set():
                        break
                    self.work_on_a_case(start_case(self), stop)
                self.sign_out()
            except Failed as failed:
                self.ledger.count(self.phase(), f"gave up: {failed}"[:80])
                time.sleep(0.2)  # then start again from a fresh sign-in (on either instance)

    def sign_in(self) -> None:
        email = self.emails[self.index][self.next_user % len(self.emails[self.index])]
        self.next_user += 1
        self.http.cookies.clear()
        token, _ = self.form_token("/sign-in")
        codes_before = len(self.codes(email))
        sent = self.request(
            "POST", "/sign-in", data={"csrf_token": token, "email": email, "password": PASSWORD}
        )
        if sent.status_code != 302 or "/sign-in/code" not in sent.headers.get("Location", ""):
            raise Failed(f"sign-in refused: {sent.status_code}")
        self.ledger.count(self.phase(), "codes asked")
        code = self.wait_for_code(email, codes_before)
        token, _ = self.form_token("/sign-in/code")
        done = self.request("POST", "/sign-in/code", data={"csrf_token": token, "code": code})
        if done.status_code != 302 or "/sign-in" in done.headers.get("Location", ""):
            raise Failed(f"code refused: {done.status_code}")
        self.ledger.count(self.phase(), "sign-ins")

    def codes(self, email: str) -> list[str]:
        return [m.subject for m in self.catcher.to(email) if "sign-in code" in m.subject]

    def wait_for_code(self, email: str, before: int) -> str:
        deadline = time.monotonic() + CODE_WAIT
        while time.monotonic() < deadline:
            codes = self.codes(email)
            if len(codes) > before:
                return codes[-1].split()[0]
            time.sleep(0.2)
        self.ledger.missing_codes.append(email)
        raise Failed(f"no code for {email}")

    def sign_out(self) -> None:
        token, _ = self.form_token("/sign-out")
        self.request("POST", "/sign-out", data={"csrf_token": token})

    def work_on_a_case(self, reference: str, stop: threading.Event) -> None:
        """Type on the first page (background saves), then Continue."""
        path = f"/cases/{reference}/pages/{PAGE}"
        token, page = self.form_token(path)
        version = re.search(r'name="page_version"[^>]*value="(\d+)"', page).group(1)
        for _ in range(5):
            if stop.is_set():
                return
            version = self.autosave(reference, path, token, version)
            time.sleep(0.05)
        self.save_and_continue(reference, path, token, version)

    def typed_name(self) -> str:
        """A forename nobody typed before (letters only: it must pass the name's checks)."""
        self.typed += 1
        n, letters = self.typed, ""
        while n:
            n, digit = divmod(n, 26)
            letters += "abcdefghijklmnopqrstuvwxyz"[digit]
        return f"Jo{'abcdefghijklmnopqrstuvwxyz'[self.index % 26]}{letters}"

    def autosave(self, reference: str, path: str, token: str, version: str) -> str:
        name = self.typed_name()
        attempt = self.ledger.attempt(reference, name, self.phase(), self.index)
        data = {**CHILD, "forename": name, "page_version": version, "csrf_token": token}
        saved = self.request("POST", f"{path}/autosave", data=data)
        if saved.status_code != 200 or not saved.json().get("saved"):
            raise Failed(f"autosave refused: {saved.status_code}")
        attempt.acked, attempt.acked_at = True, time.monotonic()
        self.ledger.count(attempt.phase, "autosaves")
        return str(saved.json()["page_version"])

    def save_and_continue(self, reference: str, path: str, token: str, version: str) -> None:
        name = self.typed_name()
        attempt = self.ledger.attempt(reference, name, self.phase(), self.index)
        data = {**CHILD, "forename": name, "page_version": version, "csrf_token": token}
        sent = self.request("POST", path, data={**data, "action": "continue"})
        if sent.status_code != 302 or NEXT_PAGE not in sent.headers.get("Location", ""):
            raise Failed(f"continue refused: {sent.status_code}")
        attempt.acked, attempt.acked_at = True, time.monotonic()
        self.ledger.count(attempt.phase, "continues")


def start_case(client: Client) -> str:
    """Start a case as a browser does: Start now (nothing stored), then the first background
    save of the new case's first page, which creates the case: its reference.

    The one place that knows how a case starts, so that a change there is one change here."""
    path = f"/submit-case/{CASE_TYPE}"
    token, page = client.form_token(path)
    school = re.search(r'name="school"[^>]*value="([^"]+)"', page)
    data = {"csrf_token": token} | ({"school": school.group(1)} if school else {})
    started = client.request("POST", path, data=data)
    first = started.headers.get("Location", "")
    if started.status_code != 302 or "/new/" not in first:
        raise Failed(f"start refused: {started.status_code} {first}")
    token, page = client.form_token(first)
    start_token = re.search(r'name="start_token"[^>]*value="([^"]+)"', page)
    if not start_token:
        raise Failed("no start token on the new case's page")
    page_path, query = first.split("?", 1)
    data = {"csrf_token": token, "start_token": start_token.group(1), "page_version": "0"}
    saved = client.request("POST", f"{page_path}/autosave?{query}", data={**CHILD, **data})
    if saved.status_code != 200 or not saved.json().get("saved"):
        raise Failed(f"first save refused: {saved.status_code}")
    reference = saved.json()["reference"]
    client.ledger.start(reference, client.index)
    client.ledger.count(client.phase(), "cases started")
    return reference
