"""Scale-out rehearsal: two `portal serve` instances and two mail workers on one PostgreSQL,
with clients spread over both, through four phases; then the database is checked against what
the portal acknowledged. Prints a table; exits 1 on any violation. Run it with `make scale-out`
or `.venv/bin/python bench/scale_out.py [--clients 8] [--phase-seconds 30]` (about 3 minutes).

It starts everything it uses and stops it all at the end (also on Ctrl+C or a failure):
- its own PostgreSQL 15 cluster (initdb into a temporary folder, pg_ctl on a free port of
  127.0.0.1; never the machine's server), migrated with `portal db upgrade`, with a school per
  two clients and a few users per client (security question chosen, so no first-sign-in steps);
- two `portal serve` instances (gunicorn, PORTAL_ENV=production, one strong SECRET_KEY for
  both, an https PORTAL_BASE_URL) and two `portal mail-worker` processes;
- an SMTP catcher (aiosmtpd, webapp/infra/mail/catcher.py) on a free port;
- client threads (bench/scale_out_clients.py), half with each instance as home, which sign in
  (password, then the emailed code read from the catcher), start cases, type on the first page
  (background saves) and Continue, and sign out and in again every few cases (an email each).

Phases:
  a steady      nothing happens;
  b SIGKILL     a third of the way in, instance 2 and its workers get SIGKILL; its clients go
                to instance 1 (the health check of a load balancer, bench/scale_out_clients.py);
                instance 2 is started again at the end of the phase;
  c PostgreSQL  a third of the way in, `pg_ctl restart -m fast`; the portal is not restarted;
  d SMTP down   the catcher stops for --smtp-outage seconds, then listens again. Mail is retried
                after PORTAL_MAIL_RETRY_SECONDS (--retry-seconds, 1 here; 30 s by default),
                doubling up to 30 minutes: that is how an outage of minutes fits in seconds.
Then the clients stop, the outbox drains, and it checks: every acknowledged save is in the
database (the last acknowledged value, or a later one whose answer was lost in the outage),
no reference twice, every outbox message sent and received exactly once.
"""

from __future__ import annotations

import argparse
import collections
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import scale_out_services as services  # bench/, beside this script
from scale_out_clients import PAGE, PASSWORD, Balancer, Client, Ledger

from webapp.infra.mail.catcher import Catcher

GRACE = 1.0  # seconds after an outage ends in which a request begun during it may still fail


class Rehearsal:
    def __init__(self, options, folder: Path):
        self.options, self.folder = options, folder
        self.postgres = services.Postgres(folder)
        self.catcher = Catcher("127.0.0.1", services.free_port(), keep=10**6)
        self.web_ports = [services.free_port(), services.free_port()]
        self.processes: list[services.Process] = []
        self.ledger = Ledger()
        self.phase = "setup"
        self.rows: list[dict] = []
        self.stop_clients = threading.Event()
        self.threads: list[threading.Thread] = []
        self.balancer = Balancer([f"http://127.0.0.1:{p}" for p in self.web_ports])

    # -- starting and stopping ------------------------------------------------------------
    def start(self) -> None:
        options = self.options
        self.postgres.create()
        self.catcher.start()
        self.env = services.portal_environment(
            self.postgres, self.catcher.port, options.retry_seconds
        )
        services.migrate(self.env)
        self.emails = services.add_users(
            self.postgres.url, options.clients, options.users_per_client, PASSWORD
        )
        self.web = [self._serve(n) for n in (0, 1)]
        for n in (1, 2):
            worker = services.mail_worker(f"mail-worker-{n}", self.env, self.folder)
            self.processes.append(worker.start())
        for port in self.web_ports:
            services.wait_for_port(port)
        self.balancer.start()

    def _serve(self, n: int) -> services.Process:
        name = f"web-{n + 1}"
        web = services.serve(name, self.web_ports[n], self.env, self.folder, self.options.workers)
        self.processes.append(web.start())
        return web

    def stop(self) -> None:
        self.stop_clients.set()
        for thread in self.threads:
            thread.join(5)
        self.balancer.stop()
        for process in reversed(self.processes):
            process.stop()
        self.catcher.stop()
        self.postgres.stop()

    def start_clients(self) -> None:
        for index in range(self.options.clients):
            client = Client(
                index, self.balancer, self.catcher, self.emails, self.ledger, lambda: self.phase
            )
            thread = threading.Thread(target=client.run, args=(self.stop_clients,), daemon=True)
            thread.start()
            self.threads.append(thread)

    # -- the phases -----------------------------------------------------------------------
    def run_phase(self, name: str, event=None, at: float = 1 / 3) -> None:
        """Run `name` for --phase-seconds; `event()` a fraction `at` of the way in, returning
        when the outage it causes is over. The phase lasts longer (a minute at most) until every
        client has had a save acknowledged after the outage."""
        self.phase = name
        seconds = self.options.phase_seconds
        began, caught = time.monotonic(), len(self.catcher.messages)
        outage = None
        if event is not None:
            time.sleep(seconds * at)
            start = time.monotonic()
            event()
            outage = (start, time.monotonic())
        time.sleep(max(0.0, began + seconds - time.monotonic()))
        longest = time.monotonic() + 60
        while (
            outage and time.monotonic() < longest and len(self.resumed(outage)) < len(self.threads)
        ):
            time.sleep(0.2)
        self.rows.append(
            {"phase": name, "began": began, "ended": time.monotonic(), "outage": outage,
             "caught": len(self.catcher.messages) - caught}
        )  # fmt: skip

    def resumed(self, outage) -> set[int]:
        return self.ledger.resumed(outage[1] + GRACE)

    def kill_instance_2(self) -> None:
        self.web[1].kill()

    def restart_postgres(self) -> None:
        self.postgres.restart()

    def smtp_outage(self) -> None:
        self.catcher.stop()
        time.sleep(self.options.smtp_outage)
        self.catcher.start()

    def rehearse(self) -> None:
        self.start_clients()
        self.phase = "warm-up"  # until every client has signed in once (workers warm)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.ledger.counts.get(("warm-up", "sign-ins"), 0) >= self.options.clients:
                break
            time.sleep(0.2)
        self.run_phase("a steady")
        self.run_phase("b SIGKILL", self.kill_instance_2)
        self.web[1] = self._serve(1)  # the operator starts it again; the balancer sees it
        deadline = time.monotonic() + 60
        while not self.balancer.up[1] and time.monotonic() < deadline:
            time.sleep(0.2)
        self.run_phase("c PostgreSQL restart", self.restart_postgres)
        self.run_phase("d SMTP down", self.smtp_outage, at=0.15)
        self.phase = "draining"
        self.stop_clients.set()
        for thread in self.threads:
            thread.join(60)
        self.drained = self.wait_for_outbox()

    def wait_for_outbox(self, timeout: float = 120.0) -> float:
        """Seconds until every queued message was sent (or the timeout)."""
        began = time.monotonic()
        while time.monotonic() - began < timeout:
            with psycopg.connect(self.postgres.dsn) as connection:
                waiting = connection.execute(
                    "select count(*) from outbox_messages where sent_at is null"
                ).fetchone()[0]
            if not waiting:
                time.sleep(1.0)  # the last message's SMTP conversation ends
                return time.monotonic() - began
            time.sleep(0.5)
        return timeout


def check(rehearsal: Rehearsal) -> tuple[dict, list[str]]:
    """Compare the database and the catcher with what the clients were told."""
    ledger = rehearsal.ledger
    with psycopg.connect(rehearsal.postgres.dsn) as connection:
        stored = {  # what the page shows: the input kept while invalid, else the answers
            reference: (raw or {}).get(PAGE) or answers or {}
            for reference, answers, raw in connection.execute(
                "select reference, answers, raw_input from cases"
            )
        }
        twice = connection.execute(
            "select count(*) from (select reference from cases group by reference "
            "having count(*) > 1) as doubled"
        ).fetchone()[0]
        outbox = connection.execute(
            "select to_address, kind, sent_at is not null from outbox_messages"
        ).fetchall()
        retried = connection.execute(
            "select count(*) from outbox_messages where attempts > 1"
        ).fetchone()[0]
    lost = collections.Counter()
    for reference, attempts in ledger.saves.items():
        acked = [n for n, attempt in enumerate(attempts) if attempt.acked]
        if not acked:
            continue
        last = acked[-1]
        typed = stored.get(reference, {}).get("forename")
        if typed not in {a.value for a in attempts[last:]}:
            lost[attempts[last].phase] += 1
    missing_refs = [r for r in ledger.started if r not in stored]
    sent = collections.Counter((to, kind) for to, kind, done in outbox if done)
    caught = collections.Counter(
        (m.to, "sign_in_code" if "sign-in code" in m.subject else "other")
        for m in rehearsal.catcher.messages
    )
    same = collections.Counter((m.to, m.subject, m.body) for m in rehearsal.catcher.messages)
    figures = {
        "lost": lost,
        "cases in database": len(stored),
        "references twice": twice + len(ledger.duplicate_starts),
        "acknowledged references missing": len(missing_refs),
        "outbox": len(outbox),
        "retried": retried,
        "unsent": sum(1 for *_, done in outbox if not done),
        "received": len(rehearsal.catcher.messages),
        "received twice": max(
            sum((caught - sent).values()), sum(n - 1 for n in same.values() if n > 1)
        ),
        "sent, never received": sum((sent - caught).values()),
        "codes that never came": len(ledger.missing_codes),
    }
    problems = [
        f"{figures[name]} {name}"
        for name in (
            "references twice",
            "acknowledged references missing",
            "unsent",
            "received twice",
            "sent, never received",
            "codes that never came",
        )
        if figures[name]
    ]
    if not retried:
        problems.append("no mail was tried while SMTP was down: a longer --smtp-outage")
    if sum(lost.values()):
        problems.append(f"{sum(lost.values())} acknowledged saves lost")
    return figures, problems + phase_problems(rehearsal)


def spoil(rehearsal: Rehearsal) -> None:
    """--prove-checks: lose one acknowledged save, leave a message unsent and receive one
    twice, so that the run shows its checks find each (and then exits 1)."""
    reference = next(
        r for r, saves in rehearsal.ledger.saves.items() if any(a.acked for a in saves)
    )
    with psycopg.connect(rehearsal.postgres.dsn) as connection:
        connection.execute(
            "update cases set answers = '{}', raw_input = '{}' where reference = %s", [reference]
        )
        connection.execute(
            "insert into outbox_messages (kind, to_address, subject, body, created_at, "
            "next_attempt_at, attempts, last_error) values ('spoilt', 'x@example.org', 's', "
            "'b', now() + interval '1 day', now() + interval '1 day', 0, '')"
        )
    rehearsal.catcher._messages.append(rehearsal.catcher.messages[-1])


def phase_figures(rehearsal: Rehearsal, row: dict) -> dict:
    name, ledger = row["phase"], rehearsal.ledger
    failures = [started for started, phase, _ in ledger.failures if phase == name]
    outage = row["outage"]
    after = [s for s in failures if outage and s > outage[1] + GRACE]
    acked_after = sum(
        1
        for attempts in ledger.saves.values()
        for a in attempts
        if a.phase == name and a.acked and (not outage or a.acked_at > outage[1] + GRACE)
    )
    return {
        "seconds": row["ended"] - row["began"],
        "outage": outage[1] - outage[0] if outage else 0.0,
        "requests": ledger.counts.get((name, "requests"), 0),
        "on 1/2": f"{ledger.counts.get((name, 'on 1'), 0)}/{ledger.counts.get((name, 'on 2'), 0)}",
        "failed": len(failures),
        "failed after": len(after),
        "sign-ins": ledger.counts.get((name, "sign-ins"), 0),
        "cases": ledger.counts.get((name, "cases started"), 0),
        "autosaves": ledger.counts.get((name, "autosaves"), 0),
        "continues": ledger.counts.get((name, "continues"), 0),
        "saves after": acked_after,
        "clients carried on": len(rehearsal.resumed(outage))
        if outage
        else rehearsal.options.clients,
        "emails": row["caught"],
    }


def phase_problems(rehearsal: Rehearsal) -> list[str]:
    problems = []
    for row in rehearsal.rows:
        figures = phase_figures(rehearsal, row)
        if figures["failed after"]:
            problems.append(f"{row['phase']}: {figures['failed after']} requests failed after")
        if figures["clients carried on"] < rehearsal.options.clients:
            problems.append(
                f"{row['phase']}: only {figures['clients carried on']} clients of "
                f"{rehearsal.options.clients} had a save acknowledged after the outage"
            )
    return problems


def report(rehearsal: Rehearsal, figures: dict, problems: list[str]) -> None:
    options = rehearsal.options
    print(
        f"\n2 instances x {options.workers} gunicorn workers, 2 mail workers, PostgreSQL 15, "
        f"{options.clients} clients, {options.phase_seconds:g} s a phase, SMTP down "
        f"{options.smtp_outage:g} s, PORTAL_MAIL_RETRY_SECONDS={options.retry_seconds:g}\n"
    )
    head = ("phase", "s", "outage s", "requests", "on 1/2", "failed", "failed after",
            "sign-ins", "cases", "autosaves", "continues", "saves after", "clients carried on",
            "emails", "lost saves")  # fmt: skip
    print(" | ".join(head))
    print(" | ".join("---" for _ in head))
    for row in rehearsal.rows:
        f = phase_figures(rehearsal, row)
        cells = [row["phase"], f"{f['seconds']:.0f}", f"{f['outage']:.1f}"]
        cells += [str(f[k]) for k in head[3:14]] + [str(figures["lost"][row["phase"]])]
        print(" | ".join(cells))
    print(
        f"\ncases in the database {figures['cases in database']}, references twice "
        f"{figures['references twice']}, acknowledged references missing "
        f"{figures['acknowledged references missing']}"
    )
    print(
        f"emails: outbox {figures['outbox']} ({figures['retried']} after failed tries), "
        f"unsent {figures['unsent']}, received "
        f"{figures['received']}, received twice {figures['received twice']}, sent but never "
        f"received {figures['sent, never received']}; outbox drained "
        f"{rehearsal.drained:.1f} s after the clients stopped"
    )
    gave_up = collections.Counter()
    for (_, what), n in rehearsal.ledger.counts.items():
        if what.startswith("gave up: "):
            gave_up[what.removeprefix("gave up: ")] += n
    for why, n in gave_up.most_common(5):
        print(f"a client started again {n} times after: {why}")
    print("'failed after': requests begun over 1 s after the outage ended that failed;")
    print("'saves after': autosaves and continues acknowledged after it; 'clients carried on':")
    print("the clients with one of them (a phase lasts up to a minute longer until all have).")
    print("\nVIOLATIONS:\n  " + "\n  ".join(problems) if problems else "\nno violation")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--phase-seconds", type=float, default=30.0)
    parser.add_argument("--smtp-outage", type=float, default=15.0, help="seconds SMTP is down")
    parser.add_argument("--retry-seconds", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument("--users-per-client", type=int, default=30)
    parser.add_argument(
        "--prove-checks", action="store_true", help="spoil the results: the checks must fail"
    )
    parser.add_argument("--keep", action="store_true", help="keep the folder (logs, database)")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="portal-scale-out-"))
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    rehearsal = Rehearsal(options, folder)
    try:
        rehearsal.start()
        print(f"started: PostgreSQL on {rehearsal.postgres.port}, web on {rehearsal.web_ports}, "
              f"SMTP on {rehearsal.catcher.port}; logs in {folder}", flush=True)  # fmt: skip
        rehearsal.rehearse()
        if options.prove_checks:
            spoil(rehearsal)
        figures, problems = check(rehearsal)
        report(rehearsal, figures, problems)
        return 1 if problems else 0
    except KeyboardInterrupt:
        print("interrupted: stopping everything", file=sys.stderr)
        return 130
    finally:
        rehearsal.stop()
        if options.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
