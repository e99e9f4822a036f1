"""The autosave baseline: a minimal Flask app whose one endpoint writes a case's answers with
one JSON UPDATE, nothing else (no sign-in, no CSRF, no checks). Served by gunicorn beside the
portal in bench/autosave_load.py:

    DATABASE_URL=postgresql+psycopg://... gunicorn bench.baseline_update:app
"""

from __future__ import annotations

import json
import os

from flask import Flask, jsonify, request
from sqlalchemy import create_engine, text

app = Flask(__name__)
engine = create_engine(os.environ["DATABASE_URL"], pool_size=10, max_overflow=10)


@app.post("/save/<int:case_id>")
def save(case_id: int):
    """Store the posted answers on the case: one UPDATE, committed."""
    answers = json.dumps(request.form.to_dict())
    with engine.begin() as connection:
        version = connection.execute(
            text(
                "update cases set answers = cast(:answers as json), row_version = row_version + 1"
                " where id = :id returning row_version"
            ),
            {"answers": answers, "id": case_id},
        ).scalar()
    return jsonify(saved=True, page_version=version)
