"""The generated Prometheus alert rules load in Prometheus's own checker."""

import shutil
import subprocess
from pathlib import Path

import copier


def test_promtool_accepts_the_alert_rules(template_repo: Path, tmp_path: Path) -> None:
    promtool = shutil.which("promtool")
    assert promtool, "promtool is missing: install Debian's prometheus package (.ci/run does)"
    project = tmp_path / "p"
    copier.run_copy(str(template_repo), project, defaults=True, quiet=True)
    result = subprocess.run(
        [promtool, "check", "rules", str(project / "deploy" / "monitoring" / "alerts.yml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 5 rules found" in result.stdout
