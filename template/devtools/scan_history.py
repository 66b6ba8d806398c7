"""Scan every commit of the git history for secrets, as CI does (`make secrets`).

A secret removed in a later commit is still in the history, and still leaked:
this finds it. Prints where each finding is (commit, file, line, kind), never
the secret itself; exits 1 when there is any.
"""

import subprocess
import sys

from detect_secrets.core.secrets_collection import SecretsCollection
from detect_secrets.settings import default_settings, get_settings

# detect-secrets skips files missing from the working tree; in the history, a
# file deleted since is exactly where a forgotten secret hides.
SKIP_DELETED_FILES_FILTER = "detect_secrets.filters.common.is_invalid_file"


def git(*args: str) -> str:
    result = subprocess.run(["git", *args], capture_output=True, text=True, check=True)  # noqa: S603, S607
    return result.stdout


def findings_in_history() -> list[str]:
    """One line per secret found in what any commit added."""
    findings = []
    with default_settings():
        get_settings().disable_filters(SKIP_DELETED_FILES_FILTER)
        for commit in git("rev-list", "--all").split():
            diff = git("show", "--format=", "--patch", "--no-color", "--no-ext-diff", commit)
            if not diff.strip():
                continue
            collection = SecretsCollection()
            collection.scan_diff(diff)
            for filename, secret in collection:
                findings.append(f"{commit[:12]} {filename}:{secret.line_number} {secret.type}")
    return findings


def main() -> int:
    findings = findings_in_history()
    for finding in findings:
        print(finding, file=sys.stderr)
    if findings:
        print(f"{len(findings)} possible secrets in the git history", file=sys.stderr)
        return 1
    print("no secrets found in the git history")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
