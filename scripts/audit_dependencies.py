"""Audit the locked runtime dependencies with pip-audit.

A known vulnerability fails (exit 1). When the vulnerability service cannot be reached at all
(offline machine, TLS interception without a CA bundle), the audit is reported as skipped
rather than failing every build for a reason that is not a vulnerability.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any


def evaluate(report: dict[str, Any]) -> tuple[int, list[str]]:
    """Exit code and summary lines for a pip-audit JSON report."""
    deps = report.get("dependencies", [])
    vulnerable = [(d["name"], d["version"], v["id"]) for d in deps for v in d.get("vulns", [])]
    unaudited = [d["name"] for d in deps if d.get("skip_reason")]
    lines = [f"VULNERABLE {name}=={version}: {vuln_id}" for name, version, vuln_id in vulnerable]
    lines.append(
        f"dependency audit: {len(deps) - len(unaudited)} audited, {len(unaudited)} not known to the service, "
        f"{len(vulnerable)} vulnerable"
    )
    return (1 if vulnerable else 0), lines


def main(requirements: str) -> int:
    pip_audit = str(Path(sys.executable).with_name("pip-audit"))
    result = subprocess.run(
        [
            pip_audit,
            "--requirement",
            requirements,
            "--no-deps",
            "--disable-pip",
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
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"dependency audit SKIPPED: the vulnerability service did not answer ({last[:200]})")
        return 0
    code, lines = evaluate(report)
    print("\n".join(lines))
    return code


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
