"""Make targets that need a tool the machine lacks say which one, and how to get it,
instead of failing inside the tool (`unknown flag: --file`, `docker: not found`)."""

import shutil
import subprocess
from pathlib import Path

import copier
import pytest

MAKE = shutil.which("make")


@pytest.mark.parametrize(
    ("deploy_target", "deploy_tool"),
    [("compose", "Docker with the Compose plugin (docker compose)"), ("kubernetes", "kubectl")],
)
def test_targets_name_the_missing_tool(
    template_repo: Path, tmp_path: Path, deploy_target: str, deploy_tool: str
) -> None:
    assert MAKE, "make is missing"
    project = tmp_path / "p"
    answers = {"deploy_target": deploy_target}
    copier.run_copy(str(template_repo), project, data=answers, defaults=True, quiet=True)
    nothing = tmp_path / "empty-bin"  # a PATH without docker, kubectl, uv or pyenv
    nothing.mkdir()
    expected = {
        "image": "Docker (docker build, docker push)",
        "push": "Docker (docker build, docker push)",
        "manifests": deploy_tool,
        "deploy-migrate": deploy_tool,
        "deploy-rollout": deploy_tool,
        "deploy": deploy_tool,
    }
    for target, tool in expected.items():
        result = subprocess.run(
            [MAKE, target, "ENV=staging", "IMAGE=app:1"],
            cwd=project,
            env={"PATH": str(nothing)},
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode != 0, target
        assert f"make {target} needs {tool}" in result.stderr, (target, result.stderr)
