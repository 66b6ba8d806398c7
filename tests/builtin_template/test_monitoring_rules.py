"""The generated Prometheus alert rules load in Prometheus's own checker, and each deploy
target's scrape job is the one they watch."""

import re
import subprocess
from pathlib import Path

import copier
import pytest
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


@pytest.mark.parametrize("target", ["compose", "kubernetes"])
def test_the_scrape_job_is_the_one_the_alerts_watch_and_sends_the_token(
    template_repo: Path, tmp_path: Path, target: str
) -> None:
    """Each deploy target's scrape job (deploy/<target>/scrape.yml) is the job the alert
    rules watch, on /metrics, with METRICS_TOKEN as a bearer token (without it /metrics
    answers 401), and Prometheus's own checker accepts it."""
    project = tmp_path / "p"
    data = {"deploy_target": target}
    copier.run_copy(str(template_repo), project, data=data, defaults=True, quiet=True)
    alerts = yaml.safe_load((project / "deploy" / "monitoring" / "alerts.yml").read_text())
    expressions = [rule["expr"] for group in alerts["groups"] for rule in group["rules"]]
    scrape = project / "deploy" / target / "scrape.yml"
    (job,) = yaml.safe_load(scrape.read_text())["scrape_configs"]
    watched = {name for expr in expressions for name in re.findall(r'job="(.+?)"', expr)}
    assert watched == {job["job_name"]}
    assert job["metrics_path"] == "/metrics"
    assert job["authorization"]["type"] == "Bearer"
    assert job["authorization"]["credentials_file"].startswith("/etc/prometheus/")
    assert not (project / "deploy" / "monitoring" / "scrape.yml").exists()
