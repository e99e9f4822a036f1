"""`portal docs`: write the documentation site of the case types (no database, no Flask app)."""

from __future__ import annotations

import os
import time

import click

from webapp.infra.cli_support import CommandError, case_type_paths


@click.command(short_help="write the case types' documentation as a static HTML site")
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option(
    "--out",
    "out",
    default=os.path.join("build", "docs"),
    show_default=True,
    metavar="DIR",
    help="the folder to write the site into (created if needed)",
)
def docs(paths: tuple[str, ...], out: str) -> None:
    """Write an HTML page per case type (its pages, questions, conditions and rules in plain
    English, its declaration and workflow) and an index by category into DIR, from the case
    types under PATH (default: $PORTAL_CASETYPES or casetypes/). Definitions with errors are
    reported as `portal validate` reports them, and nothing is written (exit 1)."""
    from engine import load_catalogue
    from webapp.docsite.site import write_site

    if not out.strip():  # `--out ""` wrote the site into the current folder
        raise CommandError("argument --out: give the folder to write the site into", 2)
    paths = case_type_paths(paths)
    started = time.perf_counter()
    catalogue = load_catalogue(list(paths))
    if catalogue.errors:
        for problem in catalogue.problems:
            click.echo(str(problem))
        raise CommandError(
            f"{len(catalogue.errors)} error(s) in the case types; nothing written (see above)"
        )
    try:
        written = write_site(catalogue, out, roots=paths)
    except OSError as error:  # --out names a file, or a folder that cannot be written
        raise CommandError(f"cannot write the site into {out}: {_why_not(error)}") from None
    elapsed = time.perf_counter() - started
    click.echo(
        f"wrote {len(written)} page(s) for {len(catalogue.case_types)} case type(s) into "
        f"{out} ({os.path.join(out, 'index.html')}); {elapsed * 1000:.0f} ms",
        err=True,
    )


def _why_not(error: OSError) -> str:
    """Why a folder could not be written, in a few words: "it is a file, not a folder"."""
    if isinstance(error, FileExistsError):
        return f"{error.filename} is a file, not a folder"
    if isinstance(error, NotADirectoryError):
        return f"a part of {error.filename} is a file, not a folder"
    reason = (error.strerror or str(error)).lower()
    return f"{reason} ({error.filename})" if error.filename else reason
