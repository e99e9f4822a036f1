"""What every `portal` command shares (webapp/cli.py is the command itself): the app it works
in, its one-line errors and the wording of its choices.

Import-light on purpose: Click and the settings only, so that `portal validate` starts without
Flask. A command module imports this, never webapp.cli (which finds the command modules).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from flask import Flask


class CommandError(click.ClickException):
    """A command's refusal: one line, `portal COMMAND: message`, on stderr, and its exit code
    (1 when the request cannot be done, 2 when the settings or the usage are wrong)."""

    def __init__(self, message: str, exit_code: int = 1, command: str | None = None):
        super().__init__(message)
        self.exit_code = exit_code
        self.command = command or command_name(click.get_current_context(silent=True))

    def show(self, file=None) -> None:
        click.echo(f"{self.command}: {self.message}", file=file, err=True)


def command_name(ctx: click.Context | None) -> str:
    """`portal COMMAND`, the name a one-line error starts with (`portal db` for `db upgrade`)."""
    if ctx is None:
        return "portal"
    while ctx.parent is not None and ctx.parent.parent is not None:
        ctx = ctx.parent
    return ctx.command_path


class Choice(click.Choice):
    """Click's choice, refused in the words `portal` has always used: "invalid choice: …"."""

    def get_invalid_choice_message(self, value, ctx) -> str:
        choices = ", ".join(repr(choice) for choice in self.choices)
        return f"invalid choice: {value!r} (choose from {choices})"


@contextlib.contextmanager
def portal_app(overrides: dict | None = None, *, server: bool = False) -> Iterator[Flask]:
    """The portal's app for a command, with its app context pushed, and its database engine
    disposed afterwards. A command signs no web sessions, so it needs no SECRET_KEY: it gets a
    throwaway one unless one is set. A server (`portal run`) is given the settings as they are
    and no app context: each request, and each batch of its worker, pushes its own."""
    from webapp import create_app
    from webapp.infra.config import without_web_sessions

    app = create_app(({} if server else without_web_sessions()) | (overrides or {}))
    try:
        with contextlib.nullcontext() if server else app.app_context():
            yield app
    finally:
        app.extensions["db_engine"].dispose()


def case_type_paths(paths: tuple[str, ...]) -> list[str]:
    """The files or folders a command reads case types from: those given, else
    $PORTAL_CASETYPES or casetypes/; exit 2 with one line when one does not exist."""
    import os

    from webapp.infra.config import casetypes_folder

    paths = paths or (casetypes_folder("casetypes"),)
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        raise CommandError(f"no such file or folder: {missing[0] or repr('')}", 2)
    return list(paths)
