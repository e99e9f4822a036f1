"""`portal add-api-client`: a council system's access to the API (webapp/domain/api_clients.py;
webapp/cli.py finds the command here). The key is printed once and never kept."""

from __future__ import annotations

import click

from webapp.infra.cli_support import CommandError, portal_app


@click.command(
    "add-api-client", short_help="add a council system that calls the API (key shown once)"
)
@click.option("--name", required=True, help="what the system is called, e.g. 'SEND case system'")
@click.option(
    "--case-type",
    "case_type_ids",
    required=True,
    multiple=True,
    metavar="ID",
    help="a case type it may read (repeat for more)",
)
@click.option(
    "--action", "actions", multiple=True, help="a workflow action it may take (repeat for more)"
)
@click.option(
    "--allow-network",
    "networks",
    multiple=True,
    metavar="CIDR",
    help="a network or address it may call from, e.g. 192.0.2.0/24 (default: anywhere)",
)
def add_api_client(name: str, case_type_ids, actions, networks) -> None:
    """Create an API client and print its key, once: only a hash of it is kept. Exit 1 when
    the name is taken, or a case type, action or network is not one."""
    from flask import current_app

    from webapp.domain.api_clients import create_client
    from webapp.domain.errors import Refused
    from webapp.infra.database import db

    name = " ".join(name.split())
    if not name or len(name) > 120:
        raise click.BadParameter("must be 1 to 120 characters", param_hint="--name")
    with portal_app():
        catalogue = current_app.extensions["catalogue"]
        try:
            client, key = create_client(db(), catalogue, name, case_type_ids, actions, networks)
        except Refused as refusal:
            raise CommandError(str(refusal)) from None
        click.echo(f"Added API client {client.name} for {', '.join(client.case_type_ids)}.")
        click.echo("Its key, shown this once (keep it secret; only a hash is kept):")
        click.echo(key)
