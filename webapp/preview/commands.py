"""`portal preview`: the case types on a local server, as schools will see them."""

from __future__ import annotations

import click

from webapp.infra.cli_support import case_type_paths


@click.command(short_help="show the case types as schools will see them, on a local server")
@click.argument("paths", nargs=-1, metavar="[PATH]...")
def preview(paths: tuple[str, ...]) -> None:
    """Serve the case types under PATH (default: $PORTAL_CASETYPES or casetypes/) on
    http://127.0.0.1:$PORT (default 5001) with the portal's own pages, reading the files again
    whenever one changes and showing their problems when they are broken. No database, no
    sign-in: answers typed stay in memory, nothing is saved or sent."""
    from webapp.infra import config
    from webapp.preview import create_preview_app

    paths = case_type_paths(paths)
    port = config.port(5001)
    app = create_preview_app(list(paths))
    catalogue = app.extensions["preview_catalogue"].current()
    for problem in catalogue.problems:
        click.echo(str(problem), err=True)
    click.echo(
        f"Preview of {' '.join(paths)}: {len(catalogue.case_types)} case type(s)"
        f"{', with errors (shown on every page)' if catalogue.errors else ''}",
        err=True,
    )
    click.echo(f"Preview — nothing is saved — on http://127.0.0.1:{port}/  (Ctrl+C stops it)")
    app.run(host="127.0.0.1", port=port, debug=False, use_reloader=False)
