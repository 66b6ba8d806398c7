"""Regenerate the frontend's API client in the template, one per combination of the
answers that change the API (payments: stripe adds the billing routes).

    uv run python -m tools.frontend_client

Each client is generated the way a generated project's `make client` does it: the
project is rendered and installed from its lock, its OpenAPI document written by
devtools/openapi_document.py, and @hey-api/openapi-ts (the version frontend's
package-lock.json pins) turns it into TypeScript. Run it after changing a route or a
schema; every generated project's own tests regenerate its client and fail on any
difference.
"""

import itertools
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

import copier
import yaml

from tools.pythons import newest_installed, offered_pythons, uv_env
from tools.snapshot import snapshot_template

REPO_ROOT = Path(__file__).resolve().parents[1]
FRONTEND = REPO_ROOT / "template" / "{% if frontend == 'react' %}frontend{% endif %}"
CLIENT = FRONTEND / "src" / "client"
# The questions whose answers change the routes or schemas the app serves.
CLIENT_QUESTIONS = ("payments",)


def variant_name(answers: Mapping[str, str], name: str) -> str:
    """The template name of a client file that differs between the answers: `name` for
    these answers, nothing otherwise."""
    condition = " and ".join(f"{key} == '{answers[key]}'" for key in CLIENT_QUESTIONS)
    return f"{{% if {condition} %}}{name}{{% endif %}}"


def client_variants() -> list[dict[str, str]]:
    questions = yaml.safe_load((REPO_ROOT / "copier.yml").read_text())
    choices = [[str(choice) for choice in questions[name]["choices"]] for name in CLIENT_QUESTIONS]
    return [
        dict(zip(CLIENT_QUESTIONS, values, strict=True)) for values in itertools.product(*choices)
    ]


def generate(answers: Mapping[str, str], workdir: Path, template: Path) -> Path:
    """Render, install and generate; return the generated client directory."""
    project = workdir / "-".join(answers.values())
    data = {"project_name": "Client Sentinel", "frontend": "react", **answers}
    copier.run_copy(str(template), project, data=data, defaults=True, quiet=True)
    env = uv_env(newest_installed(offered_pythons()))
    subprocess.run(["uv", "sync", "--frozen", "--quiet"], cwd=project, env=env, check=True)
    document = project / ".tmp" / "openapi.json"
    subprocess.run(
        ["uv", "run", "--frozen", "python", "-m", "devtools.openapi_document", str(document)],
        cwd=project,
        env=env,
        check=True,
    )
    frontend = project / "frontend"
    npm = ["uv", "run", "--frozen", "npm", "--prefix", str(frontend)]
    install = [*npm, "ci", "--no-audit", "--no-fund", "--silent"]
    subprocess.run(install, cwd=project, env=env, check=True)
    output = workdir / f"client-{project.name}"
    subprocess.run(
        [*npm, "run", "--silent", "client"],
        cwd=project,
        env={**env, "OPENAPI_DOCUMENT": str(document), "CLIENT_OUTPUT": str(output)},
        check=True,
    )
    return output


def write(generated: Mapping[tuple[tuple[str, str], ...], Path]) -> None:
    """The clients into CLIENT: a file the same in every variant once, under its own
    name; a file that differs once per variant, under `variant_name`."""
    shutil.rmtree(CLIENT, ignore_errors=True)
    names = {path.relative_to(root) for root in generated.values() for path in root.rglob("*")}
    for name in sorted(path for path in names if not path.is_dir()):
        versions = {key: root / name for key, root in generated.items()}
        texts = {key: path.read_bytes() for key, path in versions.items() if path.is_file()}
        if not texts:
            continue  # a directory
        target = CLIENT / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if len(texts) == len(generated) and len(set(texts.values())) == 1:
            target.write_bytes(next(iter(texts.values())))
            continue
        for key, text in texts.items():
            (target.parent / variant_name(dict(key), target.name)).write_bytes(text)


def main(arguments: list[str]) -> int:
    if arguments:
        raise SystemExit("usage: python -m tools.frontend_client")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        template = snapshot_template(REPO_ROOT, workdir / "template", "0.0.0")
        generated = {
            tuple(answers.items()): generate(answers, workdir, template)
            for answers in client_variants()
        }
        write(generated)
    varying = sorted(str(path.relative_to(CLIENT)) for path in CLIENT.rglob("*{% if*"))
    print(f"{CLIENT.relative_to(REPO_ROOT)}: one variant per answer of {varying}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
