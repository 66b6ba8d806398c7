"""The generated Prometheus alert rules load in Prometheus's own checker."""

import subprocess
from pathlib import Path

import copier
import yaml

from tests.external_tools import promtool


def test_promtool_accepts_the_alert_rules(template_repo: Path, tmp_path: Path) -> None:
    project = tmp_path / "p"
    copier.run_copy(str(template_repo), project, defaults=True, quiet=True)
    alerts = project / "deploy" / "monitoring" / "alerts.yml"
    rules = [
        rule for group in yaml.safe_load(alerts.read_text())["groups"] for rule in group["rules"]
    ]
    result = subprocess.run(
        [promtool(), "check", "rules", str(alerts)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(rules) >= 6
    assert f"SUCCESS: {len(rules)} rules found" in result.stdout  # every one, none skipped
