"""The one copier adapter: rendering a template version, with copier's errors
translated to ours where copier is called.

Used by `new` (into the project, with the template's `_tasks`) and by `update`/`diff`
(into temporary directories, where a template's `_tasks` must never run).
"""

from __future__ import annotations

import multiprocessing
import re
import warnings
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffold.errors import GitError, ScaffoldError, TemplateError, UsageError

DIRTY_TEMPLATE_WARNING = (
    "the template repository has uncommitted changes: copier rendered them from a "
    "temporary commit, so the recorded template version (_commit) cannot be updated from "
    "later; commit them and generate again for an updatable project"
)


@contextmanager
def copier_errors(destination: Path) -> Iterator[list[str]]:
    """Translate copier's errors (and its dirty-template warning) around a copier call.

    Yields a list that receives one-line notices for the user once the call is done.
    """
    # Imported here, not at module level: importing copier takes 0.3 s, and every
    # `scaffold --help` would pay for it.
    from copier.errors import (
        CopierError,
        DirtyLocalWarning,
        InteractiveSessionError,
        InvalidTypeError,
    )
    from plumbum import ProcessExecutionError  # noqa: PLC0415 (copier's process runner)

    notices: list[str] = []
    # Not thread-safe (warning filters are global), which a CLI run does not need.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DirtyLocalWarning)
        try:
            yield notices
        except KeyboardInterrupt:  # includes copier's CopierAnswersInterrupt
            raise
        except InteractiveSessionError as error:
            raise UsageError(
                "the questions need a terminal: pass --defaults and --data KEY=VALUE"
            ) from error
        except InvalidTypeError as error:  # an answer of the wrong type (or a bad question)
            if str(error).startswith("Unsupported type"):
                raise TemplateError(f"the template is invalid: {error}") from error
            raise UsageError(f"invalid answer: {error}") from error
        except CopierError as error:
            raise TemplateError(f"the template failed: {error}") from error
        except ValueError as error:  # copier's answer checks: validators, choices, casts
            raise UsageError(answer_error(str(error))) from error
        except ProcessExecutionError as error:  # copier's own git calls
            detail = str(error.stderr).strip() or f"exit status {error.retcode}"
            raise GitError(f"git failed while fetching the template: {detail}") from error
        except OSError as error:
            raise ScaffoldError(f"cannot write {destination}: {error}") from error
    for warning in caught:
        if issubclass(warning.category, DirtyLocalWarning):
            notices.append(DIRTY_TEMPLATE_WARNING)
        else:  # not ours to swallow: hand it back to the warning filters
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    notices[:] = list(dict.fromkeys(notices))


@dataclass(frozen=True)
class Rendered:
    """One render of a template version into a directory."""

    commit: str | None
    """`git describe` of the rendered version, as copier recorded it (`_commit`)."""
    answers: dict[str, Any]
    """The answers copier recorded (question name to value)."""
    skip_if_exists: Callable[[Path], bool] = field(repr=False, default=lambda _: False)
    """The template's `_skip_if_exists` patterns, as a matcher on project-relative paths."""
    notices: tuple[str, ...] = ()


def render_version(  # noqa: PLR0913 (keyword-only copier settings)
    src: str,
    destination: Path,
    *,
    vcs_ref: str | None,
    answers: Mapping[str, Any],
    answers_file: str | None,
    defaults: bool = True,
    user_defaults: Mapping[str, Any] | None = None,
    run_tasks: bool = False,
) -> Rendered:
    """Render version `vcs_ref` of `src` into `destination` (empty); the template's
    `_tasks` run only with `run_tasks` (a new project), never into a temporary render.

    `answers_file` None is the template's own; questions not answered are asked on
    the terminal unless `defaults`. On failure, what was written stays: the caller
    owns the destination and removes it.
    """
    from scaffold.template.copier_worker import Worker  # noqa: PLC0415 (lazy: see copier_errors)

    with copier_errors(destination) as notices:
        worker = Worker.for_copy(
            src,
            destination,
            data=dict(answers),
            answers_file=answers_file,
            vcs_ref=vcs_ref,
            defaults=defaults,
            user_defaults=dict(user_defaults or {}),
            skip_tasks=not run_tasks,
        )
        with worker:
            worker.run_copy()
    remembered = {
        key: value
        for key, value in worker.answers.combined.items()
        if not key.startswith("_")
        and key in worker.template.questions_data
        and key not in worker.template.secret_questions
    }
    return Rendered(
        commit=worker.template.commit,
        answers=remembered,
        skip_if_exists=worker.match_skip,
        notices=tuple(notices),
    )


class BackgroundRender:
    """Render the recorded version in a forked process while the new one renders here."""

    def __init__(
        self, src: str, destination: Path, ref: str, answers: dict[str, Any], answers_file: str
    ) -> None:
        self._args = (src, destination, ref, answers, answers_file)
        self._pool: ProcessPoolExecutor | None = None
        self._future: Future[None] | None = None
        if "fork" in multiprocessing.get_all_start_methods():
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
            self._future = self._pool.submit(_render_base, *self._args)

    def result(self) -> None:
        if self._future is None:
            _render_base(*self._args)
            return
        self._future.result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


def _render_base(
    src: str, destination: Path, ref: str, answers: dict[str, Any], answers_file: str
) -> None:
    try:
        render_version(src, destination, vcs_ref=ref, answers=answers, answers_file=answers_file)
    except ScaffoldError as error:
        raise type(error)(f"rendering the recorded version {ref}: {error}") from None
    except Exception as error:  # noqa: BLE001 (crossing a process boundary: keep it picklable)
        raise TemplateError(f"rendering the recorded version {ref} failed: {error}") from None


_ANSWER_ERRORS = (
    re.compile(r"^Validation error for question '(?P<name>[^']+)': (?P<why>.*)$", re.DOTALL),
    re.compile(r"^Invalid choice for '(?P<name>[^']+)': (?P<why>.*)$", re.DOTALL),
)
_REQUIRED_ERROR = re.compile(r'^Question "(?P<name>[^"]+)" is required$')


def answer_error(message: str) -> str:
    for pattern in _ANSWER_ERRORS:
        if match := pattern.match(message):
            return f"invalid answer for {match['name']!r}: {match['why']}"
    if match := _REQUIRED_ERROR.match(message):
        name = match["name"]
        return f"question {name!r} has no default: answer it with --data {name}=VALUE"
    return f"invalid answer: {message}"
