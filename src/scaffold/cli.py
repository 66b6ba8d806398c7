"""The `scaffold` command: parse options, call the library, print, map errors to exit codes.

The only module that imports typer. The library, and copier (with rich) behind it, are
imported only when a command runs, so `scaffold --help` costs little more than typer.
"""

from __future__ import annotations

import shlex
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from scaffold._version import __version__
from scaffold.errors import ScaffoldError, UsageError

if TYPE_CHECKING:
    from scaffold.commands.new import NewProjectResult

_PATH = Annotated[
    Path, typer.Argument(metavar="PATH", help="The project directory (default: the current one).")
]
_DEBUG = Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")]

EXIT_INTERRUPTED = 130
EXIT_PREVIEW_NEEDS_YOU = 3
"""`update --pretend`: the update would leave files that need the user (nothing was written)."""

app = typer.Typer(
    name="scaffold",
    help="Generate web apps that are production-ready on day one, and keep them up to date.",
    no_args_is_help=True,
    add_completion=False,
    # Plain help: typer's rich formatting would import rich on every --help.
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"scaffold {__version__}")
        raise typer.Exit


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Show the version and exit.",
        ),
    ] = False,
) -> None:
    """Generate web apps that are production-ready on day one, and keep them up to date."""


@contextmanager
def _exit_codes(debug: bool) -> Iterator[None]:
    """The one error handler: a `ScaffoldError` becomes one line on stderr and its code."""
    try:
        yield
    except ScaffoldError as error:
        if debug:
            traceback.print_exc()
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(error.exit_code) from None
    except KeyboardInterrupt as interrupt:  # its message, if any, says what was left
        if debug:
            traceback.print_exc()
        typer.echo(f"aborted: {str(interrupt) or 'nothing was left behind'}", err=True)
        raise typer.Exit(EXIT_INTERRUPTED) from None


def _restore_interrupted_update(path: Path) -> None:
    """Before a command reads the project: undo an update killed while it was writing."""
    from scaffold.merge.journal import recover  # noqa: PLC0415 (lazy)

    restored = recover(path)
    if restored is not None:
        files = f"{restored.files} file{'' if restored.files == 1 else 's'}"
        typer.echo(
            f"warning: an update of {restored.project} was interrupted ({restored.cause}) "
            f"while writing; the project was restored as it was before it ({files})",
            err=True,
        )


def _parse_data(pairs: list[str]) -> dict[str, str]:
    answers: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--data takes KEY=VALUE, got {pair!r}")
        answers[key.strip()] = value
    return answers


@app.command()
def new(  # noqa: PLR0913, PLR0917 (typer maps parameters to options)
    path: Annotated[
        Path, typer.Argument(metavar="PATH", help="Directory to create (new or empty).")
    ],
    defaults: Annotated[
        bool,
        typer.Option("--defaults", help="Use the default for every question not answered."),
    ] = False,
    data: Annotated[
        list[str] | None,
        typer.Option("--data", "-d", metavar="KEY=VALUE", help="Answer a question (repeatable)."),
    ] = None,
    preset: Annotated[
        Path | None,
        typer.Option(
            "--preset", metavar="FILE", help="YAML file of answers (--data wins over it)."
        ),
    ] = None,
    template: Annotated[
        str | None,
        typer.Option(
            "--template",
            metavar="SRC",
            help="Copier template: local path, git URL or gh:/gl: shorthand "
            "(default: the built-in one).",
        ),
    ] = None,
    vcs_ref: Annotated[
        str | None,
        typer.Option(
            "--vcs-ref", metavar="REF", help="Template version: git tag, branch or commit."
        ),
    ] = None,
    no_git: Annotated[
        bool, typer.Option("--no-git", help="Skip git init and the first commit.")
    ] = False,
    debug: _DEBUG = False,
) -> None:
    """Generate a new project in PATH."""
    from scaffold.commands.new import new_project  # noqa: PLC0415 (lazy: see the module docstring)

    with _exit_codes(debug):
        result = new_project(
            path,
            data=_parse_data(data or []),
            defaults=defaults,
            preset=preset,
            template=template,
            vcs_ref=vcs_ref,
            git=not no_git,
        )
    _print_summary(result, typed_path=str(path))


def _print_summary(result: NewProjectResult, typed_path: str) -> None:
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)
    version = result.template_version or "unversioned (not a git template)"
    lines = [
        f"Created {result.path}",
        f"  template: {result.template} @ {version}",
    ]
    if result.env_file is not None:
        lines.append("  .env: fresh secrets written (git-ignored, never committed)")
    if result.git_branch is not None:
        lines.append(f"  git: first commit on branch {result.git_branch}")
    lines.append(f"Next: cd {shlex.quote(typed_path)} && make dev")
    typer.echo("\n".join(lines))


@app.command()
def update(  # noqa: PLR0913, PLR0917 (typer maps parameters to options)
    path: _PATH = Path(),
    vcs_ref: Annotated[
        str | None,
        typer.Option(
            "--vcs-ref",
            metavar="REF",
            help="Template version to update to: tag, branch or commit (default: the newest; "
            ":current: keeps the recorded one, to change answers only).",
        ),
    ] = None,
    pretend: Annotated[
        bool,
        typer.Option("--pretend", help="Show the changes the update would make; change nothing."),
    ] = False,
    defaults: Annotated[
        bool,
        typer.Option("--defaults", help="Keep the recorded answers (new questions: defaults)."),
    ] = False,
    data: Annotated[
        list[str] | None,
        typer.Option("--data", "-d", metavar="KEY=VALUE", help="Change an answer (repeatable)."),
    ] = None,
    conflict: Annotated[
        str,
        typer.Option(
            "--conflict", metavar="inline", help="How conflicts are written: inline (the only way)."
        ),
    ] = "inline",
    debug: _DEBUG = False,
) -> None:
    """Update to a newer template version, keeping your edits."""
    from scaffold.commands.update import update_project  # noqa: PLC0415 (lazy)
    from scaffold.report import update_summary  # noqa: PLC0415 (lazy)

    with _exit_codes(debug):
        _restore_interrupted_update(path)
        result = update_project(
            path,
            vcs_ref=vcs_ref,
            pretend=pretend,
            defaults=defaults,
            data=_parse_data(data or []),
            conflict=conflict,
        )
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)
    if result.patch:
        typer.echo(result.patch.rstrip("\n"))
    typer.echo(update_summary(result))
    if result.ok:
        return
    if result.pretend:  # nothing was written: a preview's answer, not an error
        raise typer.Exit(EXIT_PREVIEW_NEEDS_YOU)
    count = len(result.conflicts) + len(result.set_aside) + len(result.unresolved)
    typer.echo(f"error: {count} file(s) need you (listed above)", err=True)
    raise typer.Exit(1)


@app.command()
def check(path: _PATH = Path(), debug: _DEBUG = False) -> None:
    """Exit 0 when up to date with the template, 1 when behind."""
    from scaffold.commands.check import check_project  # noqa: PLC0415 (lazy)
    from scaffold.report import check_summary  # noqa: PLC0415 (lazy)

    with _exit_codes(debug):
        _restore_interrupted_update(path)
        result = check_project(path)
    typer.echo(check_summary(result))
    if not result.ok:
        raise typer.Exit(1)


@app.command()
def diff(
    path: _PATH = Path(),
    exit_code: Annotated[
        bool,
        typer.Option("--exit-code", help="Exit 1 when a file the template makes was changed."),
    ] = False,
    debug: _DEBUG = False,
) -> None:
    """Show how the project differs from a fresh render of its template."""
    from scaffold.commands.diff import diff_project  # noqa: PLC0415 (lazy)
    from scaffold.report import diff_summary  # noqa: PLC0415 (lazy)

    with _exit_codes(debug):
        _restore_interrupted_update(path)
        result = diff_project(path)
    typer.echo(diff_summary(result))
    if exit_code and result.differs:
        raise typer.Exit(1)


def main() -> None:
    app(prog_name="scaffold")


if __name__ == "__main__":
    main()
