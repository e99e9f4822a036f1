"""The indexes of the lists of cases (issue 12), for the Case model's table arguments.

My cases sorts one school's cases by each of its columns, then id; the officers' queue sorts
submitted cases (partial indexes), by reference, case type or activity one case type at a
time; counts of filtered lists read only an index that holds every column a filter asks
about; a partial reference is found by trigrams (PostgreSQL's pg_trgm); the retention purge
finds drafts untouched for months by when they were last touched. Migrations 0012-0023,
0025, 0029 and 0032 make the same.
Some exist on PostgreSQL only: SQLite's indexes have no NULLS LAST, and SQLite cannot reflect
an index on an expression (so it could not be compared with its migration).
"""

from __future__ import annotations

from sqlalchemy import Index, func, text

LISTED = ("case_type_name", "service_name", "activity_label", "status")  # sorted by, in lists
SENT_FILTERS = ("case_type_id", "status", "activity_label", "school_id", "assigned_to_id")
ASSIGNEE = ("assignee_last_name", "assignee_first_name")  # nobody's (NULL) last either way
BY_ASSIGNEE_ACTIVITY = ("assigned_to_id", "activity_label", "submitted_at", "id")
BY_STATUS_ACTIVITY = ("case_type_id", "status", "activity_label", "id")
CHANGES_BY = ("status", "activity")  # the API's changes list's filters
SENT = {
    "postgresql_where": text("submitted_at IS NOT NULL"),
    "sqlite_where": text("submitted_at IS NOT NULL"),
}
DRAFTS = {
    "postgresql_where": text("submitted_at IS NULL"),
    "sqlite_where": text("submitted_at IS NULL"),
}


# PostgreSQL takes columns for independent unless told: it guessed a case type's cases of its
# one name a tenth of its cases (the two selectivities multiplied), and chose to sort them
# from a bitmap rather than read a page through (case type, name, id). Told that a case
# type's id all but gives its name and service, it reads the page through the index (the
# name given by domain/case_type_names.py). Made by migration 0029 (PostgreSQL only: Alembic
# compares no statistics), and for tables made from the models (models.py).
TYPE_NAMES_STATISTICS = (
    "CREATE STATISTICS st_cases_type_names (dependencies)"
    " ON case_type_id, case_type_name, service_name FROM cases"
)


def _changes_by(column: str) -> tuple[str, ...]:
    return ("case_type_id", column, "sent_updated_at", "id")


def _by_assignee_desc(name: str, *first: str) -> Index:
    """Sent cases by assignee, descending, nobody's last (then by id, descending)."""
    descending = (text(f"{column} DESC NULLS LAST") for column in ASSIGNEE)
    return Index(name, *first, *descending, text("id DESC"), **SENT)


def case_list_indexes() -> tuple[Index, ...]:
    """The indexes, on either database, then those on PostgreSQL only."""
    length = func.length(text("reference"))
    both = (
        Index("ix_cases_school_updated", "school_id", "updated_at", "id"),
        Index("ix_cases_school_submitted", "school_id", "submitted_at", "id"),
        Index("ix_cases_school_newest", "school_id", "id"),
        *(Index(f"ix_cases_school_{c}", "school_id", c, "id") for c in LISTED),
        Index("ix_cases_school_filters", "school_id", "case_type_id", "status", "service_name"),
        Index("ix_cases_sent_filters", *SENT_FILTERS, **SENT),
        Index("ix_cases_sent_status", "status", "id", **SENT),
        # The API's changes list: each of a client's case types read in order of its changes.
        Index("ix_cases_sent_type_changes", "case_type_id", "sent_updated_at", "id", **SENT),
        # ...and those of a status, or of an activity, when the client filters by it.
        *(Index(f"ix_cases_sent_type_{c}_changes", *_changes_by(c), **SENT) for c in CHANGES_BY),
        Index("ix_cases_sent_assignee", *ASSIGNEE, "id", **SENT),  # the queue by assignee
        # ...and one school's: a page by number was read past every other school's (0032).
        Index("ix_cases_sent_school_assignee", "school_id", *ASSIGNEE, "id", **SENT),
        # The queue filtered by an assignee and an activity, in the order sent (as it opens).
        Index("ix_cases_sent_assignee_activity", *BY_ASSIGNEE_ACTIVITY, **SENT),
        # A case type's cases in the order sent: its export, the queue filtered by it.
        Index("ix_cases_sent_case_type", "case_type_id", "submitted_at", "id", **SENT),
        # The queue reads each case type's cases in turn for sorts that follow the case type
        # (caseviewer/services.py's BY_CASE_TYPE): by name and activity here, reference below.
        Index("ix_cases_sent_type_name", "case_type_id", "case_type_name", "id", **SENT),
        Index("ix_cases_sent_type_activity", "case_type_id", "activity_label", "id", **SENT),
        # ...and filtered by a status, by activity: a status is its activities', which one
        # index of every status's cases in activity order held together far from the first.
        Index("ix_cases_sent_type_status_activity", *BY_STATUS_ACTIVITY, **SENT),
        # Each case type's names and services: whether all its cases hold one, in two probes
        # (domain/case_type_names.py). It took the place of ix_cases_case_type_id, whose
        # queries it serves: an update of a case writes no more index entries than before.
        Index("ix_cases_type_names", "case_type_id", "case_type_name", "service_name"),
        # Drafts by when last touched: the retention purge's (webapp/domain/retention.py).
        Index("ix_cases_draft_updated", "updated_at", "id", **DRAFTS),
    )
    postgresql = (
        Index(
            "ix_cases_school_submitted_desc",
            "school_id",
            text("submitted_at DESC NULLS LAST"),
            text("id DESC"),
        ),
        _by_assignee_desc("ix_cases_sent_assignee_desc"),
        _by_assignee_desc("ix_cases_sent_school_assignee_desc", "school_id"),
        Index("ix_cases_school_reference", "school_id", length, "reference"),
        Index("ix_cases_sent_type_reference", "case_type_id", length, "reference", **SENT),
        Index(
            "ix_cases_reference_trgm",
            func.upper(text("reference")).label("upper_reference"),
            postgresql_using="gin",
            postgresql_ops={"upper_reference": "gin_trgm_ops"},
        ),
    )
    return both + tuple(index.ddl_if(dialect="postgresql") for index in postgresql)
