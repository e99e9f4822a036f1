"""API clients (issue 14, first part): `portal add-api-client` prints a key once and keeps only
its hash; a key works until revoked, two live at once for rotation, from allowed networks."""

import pytest
from sqlalchemy import select

from webapp.cli import main
from webapp.domain.api_clients import client_for_key, revoke_client, revoke_key, rotate_key
from webapp.domain.errors import Refused
from webapp.models import AuditEvent
from webapp.models_api import ApiClient, ApiKey


def add_client(capsys, *extra: str) -> str:
    """The key `portal add-api-client` prints for a SEND system."""
    args = ["add-api-client", "--name", "SEND system", "--case-type", "part-time-timetable"]
    assert main([*args, *extra]) == 0
    return capsys.readouterr().out.splitlines()[-1]


def test_the_key_is_shown_once_and_only_its_hash_is_kept(portal_env, db_session, capsys):
    key = add_client(capsys)
    assert key.startswith("portal_")
    stored = db_session.scalars(select(ApiKey)).one()
    secret = key.split("_", 2)[2]  # the secret may hold "_" itself (URL-safe base64)
    assert secret not in stored.secret_hash and stored.key_id in key
    client = client_for_key(db_session, key)
    assert client.name == "SEND system"
    assert client.case_type_ids == ["part-time-timetable"]
    assert client_for_key(db_session, key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    assert client_for_key(db_session, "portal_nonsense") is None
    assert client_for_key(db_session, "") is None
    audited = db_session.scalars(select(AuditEvent.action)).all()
    assert "api_client_created" in audited
    details = str(db_session.scalars(select(AuditEvent.detail)).all())
    assert secret not in details


def test_rotation_keeps_two_live_keys_and_a_revoked_key_is_refused(portal_env, db_session, capsys):
    old = add_client(capsys)
    client = db_session.scalars(select(ApiClient)).one()
    new = rotate_key(db_session, client)
    assert client_for_key(db_session, old) is client_for_key(db_session, new) is client
    with pytest.raises(Refused, match="2 live keys: revoke one first"):
        rotate_key(db_session, client)
    revoke_key(db_session, client, old.split("_")[1])
    assert client_for_key(db_session, old) is None
    assert client_for_key(db_session, new) is client
    revoke_client(db_session, client)
    assert client_for_key(db_session, new) is None


def _read_client(session):
    """The client as a request reads it before it writes (its read transaction over)."""
    client = session.scalars(select(ApiClient)).one()
    assert client.keys
    session.commit()
    return client


def test_two_rotations_at_once_leave_two_live_keys_not_three(portal_env, app, db_session, capsys):
    """Two council admins press "Issue a new key" at the same moment: each request read the
    client while it had one live key; the second to write is refused, not given a third."""
    add_client(capsys)
    first, second = (app.extensions["db_sessions"]() for _ in range(2))
    try:
        mine, theirs = (_read_client(s) for s in (first, second))
        assert len(mine.keys) == len(theirs.keys) == 1
        rotate_key(first, mine)
        with pytest.raises(Refused, match="2 live keys: revoke one first"):
            rotate_key(second, theirs)
    finally:
        first.close()
        second.close()
    live = db_session.scalars(select(ApiKey).where(ApiKey.revoked_at.is_(None))).all()
    assert len(live) == 2


def test_a_client_with_networks_is_refused_from_elsewhere(portal_env, db_session, capsys):
    key = add_client(
        capsys,
        "--action",
        "Start review",
        "--allow-network",
        "192.0.2.0/24",
        "--allow-network",
        "2001:db8::1",
    )
    assert client_for_key(db_session, key, "192.0.2.7") is not None
    assert client_for_key(db_session, key, "2001:db8::1") is not None
    assert client_for_key(db_session, key, "198.51.100.1") is None
    assert client_for_key(db_session, key, None) is None


def test_an_ipv4_client_on_a_dual_stack_listener_is_let_in_from_its_network(
    portal_env, db_session, capsys
):
    """Bound to [::] (dual stack), the server sees an IPv4 caller as ::ffff:a.b.c.d: the
    council's SEND system at 192.0.2.7 was refused with 401, elsewhere still is."""
    key = add_client(capsys, "--allow-network", "192.0.2.0/24")
    assert client_for_key(db_session, key, "::ffff:192.0.2.7") is not None
    assert client_for_key(db_session, key, "::ffff:198.51.100.1") is None
    assert client_for_key(db_session, key, "::ffff:c000:207") is not None  # the same, in hex


def test_a_network_written_as_the_dual_stack_listener_shows_it_still_lets_its_caller_in(
    portal_env, db_session, capsys
):
    """The audit log records a dual-stack caller as ::ffff:192.0.2.7, and a council admin who
    copied that into the client's networks had it working; unwrapping the caller to 192.0.2.7
    (an IPv4 address, never in an IPv6 network) refused that system with 401. Both forms are
    the one host: neither lets in anyone else."""
    key = add_client(capsys, "--allow-network", "::ffff:192.0.2.7", "--allow-network", "10.0.0.0/8")
    assert client_for_key(db_session, key, "::ffff:192.0.2.7") is not None
    assert client_for_key(db_session, key, "::ffff:10.1.2.3") is not None
    assert client_for_key(db_session, key, "::ffff:192.0.2.8") is None
    assert client_for_key(db_session, key, "2001:db8::1") is None


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--case-type", "nope"], "unknown case type: nope"),
        (["--action", "Fly"], "no officer or system transition of these case types is called: Fly"),
        (
            ["--action", "Resubmit with more information"],  # the school's
            "no officer or system transition of these case types is called: "
            "Resubmit with more information",
        ),
        (["--allow-network", "example.org"], "not a network or address: 'example.org'"),
    ],
)
def test_bad_requests_are_refused_in_one_line(portal_env, capsys, extra, message):
    args = ["add-api-client", "--name", "X", "--case-type", "part-time-timetable", *extra]
    assert main(args) == 1
    assert capsys.readouterr().err == f"portal add-api-client: {message}\n"


def test_a_name_is_used_once(portal_env, db_session, capsys):
    add_client(capsys)
    args = ["add-api-client", "--name", "SEND system", "--case-type", "part-time-timetable"]
    assert main(args) == 1
    assert capsys.readouterr().err == (
        "portal add-api-client: an API client is already called 'SEND system'\n"
    )
