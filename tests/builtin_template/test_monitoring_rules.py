"""The generated Prometheus alert rules load in Prometheus's own checker."""

import subprocess
from pathlib import Path

import copier

from tests.external_tools import promtool


def test_promtool_accepts_the_alert_rules(template_repo: Path, tmp_path: Path) -> None:
    project = tmp_path / "p"
    copier.run_copy(str(template_repo), project, defaults=True, quiet=True)
    result = subprocess.run(
        [promtool(), "check", "rules", str(project / "deploy" / "monitoring" / "alerts.yml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 5 rules found" in result.stdout
