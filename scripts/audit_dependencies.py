"""Audit the installed dependencies for known vulnerabilities with pip-audit (`make audit`).

pip-audit asks PyPI's JSON API (per release) for advisories. Where that service cannot be
reached — this project's build machines reach PyPI's package index but not that API — pip-audit
skips every package without failing; this script says so plainly instead of letting a skipped
audit pass as a clean one, and fails on it when REQUIRE_AUDIT=1.

Exit status: 0 audited and clean (or not auditable here, and not required); 1 a vulnerability,
or not auditable when required.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys


def main() -> int:
    run = subprocess.run(  # noqa: S603 -- fixed arguments, no shell
        [
            sys.executable,
            "-m",
            "pip_audit",
            "--local",
            "--skip-editable",
            "--progress-spinner",
            "off",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        print(f"audit: pip-audit failed: {run.stderr.strip()[-500:]}", file=sys.stderr)
        return 1
    packages = report.get("dependencies", [])
    found = [(p, v) for p in packages for v in p.get("vulns", [])]
    skipped = [p for p in packages if p.get("skip_reason")]
    for package, vuln in found:
        fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed release yet"
        print(f"audit: {package['name']} {package['version']}: {vuln['id']} (fixed in {fixed})")
    audited = len(packages) - len(skipped)
    print(
        f"audit: {audited} of {len(packages)} installed packages audited, "
        f"{len(found)} known vulnerabilit{'y' if len(found) == 1 else 'ies'}"
    )
    if found:
        return 1
    if skipped:
        names = ", ".join(sorted(p["name"] for p in skipped))
        print(f"audit: NOT audited (no answer from the vulnerability service): {names}")
        if os.environ.get("REQUIRE_AUDIT") == "1":
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
