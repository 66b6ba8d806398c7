"""Wheel build hook: ship every release of the built-in template as a git bundle.

`scaffold update` re-renders the template version a project recorded, so an installed
scaffold must carry older releases too (tools/template_bundle.py builds them from this
repository's tags). Built only from a git checkout; a wheel built elsewhere (from an
sdist) carries the current version alone, and says so when an update needs an older one.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

ROOT = Path(__file__).resolve().parent
TARGET = "scaffold/_template_data/template.bundle"


class TemplateBundleHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or not _is_checkout(ROOT):
            return
        sys.path.insert(0, str(ROOT))
        from tools.template_bundle import build_template_bundle  # noqa: PLC0415

        self._tmp = tempfile.TemporaryDirectory(prefix="scaffold-bundle-")
        bundle = Path(self._tmp.name) / "template.bundle"
        build_template_bundle(ROOT, bundle, self.metadata.version)
        build_data["force_include"][str(bundle)] = TARGET

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if hasattr(self, "_tmp"):
            self._tmp.cleanup()


def _is_checkout(root: Path) -> bool:
    done = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode == 0 and Path(done.stdout.strip()).resolve() == root
