"""The autosave baselines: a minimal Flask app whose endpoints write a case's answers, nothing
else (no sign-in, no CSRF, no checks). Served by gunicorn beside the portal in
bench/autosave_load.py:

- POST /save/<id>: one JSON UPDATE (what P3 compares with);
- POST /read-save/<id>: the case's answers read with one SELECT, then that UPDATE: the two
  statements a save that checks the page against the stored answers cannot do without (the
  portal's autosave reads the user and the case in one query, then writes), at no other cost.

    DATABASE_URL=postgresql+psycopg://... gunicorn bench.baseline_update:app
"""

from __future__ import annotations

import json
import os

from flask import Flask, jsonify, request
from sqlalchemy import create_engine, text

app = Flask(__name__)
# Autocommit, as bench/baseline_app.py's connection and the portal's autosave: each statement
# one round trip, no BEGIN and COMMIT of their own.
engine = create_engine(
    os.environ["DATABASE_URL"], pool_size=10, max_overflow=10, isolation_level="AUTOCOMMIT"
)


_WRITE = text(
    "update cases set answers = cast(:answers as json), row_version = row_version + 1"
    " where id = :id returning row_version"
)


@app.post("/save/<int:case_id>")
def save(case_id: int):
    """Store the posted answers on the case: one UPDATE, committed."""
    answers = json.dumps(request.form.to_dict())
    with engine.connect() as connection:
        version = connection.execute(_WRITE, {"answers": answers, "id": case_id}).scalar()
    return jsonify(saved=True, page_version=version)


@app.post("/read-save/<int:case_id>")
def read_then_save(case_id: int):
    """The stored answers read, the posted ones merged in, then written: two statements."""
    with engine.connect() as connection:
        stored = connection.execute(
            text("select answers from cases where id = :id"), {"id": case_id}
        ).scalar()
        answers = json.dumps({**(stored or {}), **request.form.to_dict()})
        version = connection.execute(_WRITE, {"answers": answers, "id": case_id}).scalar()
    return jsonify(saved=True, page_version=version)
