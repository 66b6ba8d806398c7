"""copier's `Worker`, minus two costs that buy nothing where scaffold renders.

scaffold renders only into new directories (a new project, or a temporary directory
of `update` and `diff`). There copier's per-file work is wasted:

- after writing each file it runs `git config core.fileMode` (and maybe `git
  ls-files`) in the destination, to copy the executable bit into the git index of an
  already tracked file; in a new directory no file is tracked, so by copier's own rule
  it does nothing, at one process per file (0.3 s for the built-in template);
- it compiles every path part and file with jinja afresh; the same few strings
  (`{{ package_name }}`) recur in hundreds of paths, so compiled templates are kept;
- it renders the answers file's path (and the whole render context) again for each
  file; a path without jinja syntax (`.copier-answers.yml`) renders to itself.

All three are private members of copier 9, and its `Worker` is internal (`copier.Worker`
is deprecated; `run_copy` is the public way, and builds exactly this worker):
`tests/template/test_copier_worker.py` fails when copier stops having them or renders
differently from `copier.run_copy`, so an upgrade cannot quietly break the override.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from copier._main import Worker as CopierWorker
from jinja2 import Environment, Template

_COMPILED: WeakKeyDictionary[Environment, dict[str, Template]] = WeakKeyDictionary()


class Worker(CopierWorker):
    @classmethod
    def for_copy(  # noqa: PLR0913 (keyword-only copier settings)
        cls,
        src: str,
        destination: Path,
        *,
        data: dict[str, Any],
        answers_file: str | None,
        vcs_ref: str | None,
        defaults: bool,
        user_defaults: dict[str, Any],
        skip_tasks: bool,
    ) -> Worker:
        """A worker set up as `copier.run_copy` sets one up, quiet, keeping what it wrote
        on failure (the caller owns the destination)."""
        return cls(
            src_path=src,
            dst_path=destination,
            data=data,
            answers_file=Path(answers_file) if answers_file is not None else None,
            vcs_ref=vcs_ref,
            defaults=defaults,
            user_defaults=user_defaults,
            quiet=True,
            skip_tasks=skip_tasks,
            cleanup_on_error=False,
        )

    def _sync_git_index_executable_bit(self, dst_relpath: Path, src_mode: int) -> None:
        """Nothing to sync: no file of a new directory is in a git index yet."""

    def _render_string(self, string: str, extra_context: dict[str, Any] | None = None) -> str:
        compiled = _COMPILED.setdefault(self.jinja_env, {})
        template = compiled.get(string)
        if template is None:
            template = compiled[string] = self.jinja_env.from_string(string)
        return template.render(**self._render_context(), **(extra_context or {}))

    @property
    def answers_relpath(self) -> Path:
        path = str(self.answers_file or self.template.answers_relpath)
        env = self.jinja_env
        syntax = (
            env.block_start_string,
            env.variable_start_string,
            env.comment_start_string,
            env.line_statement_prefix,
            env.line_comment_prefix,
        )
        if any(marker and marker in path for marker in syntax):
            return super().answers_relpath
        return Path(path)
