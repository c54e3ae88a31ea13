"""The e-books pass Ace by DAISY, the EPUB accessibility checker, with no violation at all, and
claim the conformance Ace looks for (EPUB Accessibility 1.1, WCAG 2.1 AA) in a package that says
its language.

Ace (npm's `@daisy/ace-cli`, whose command is `ace-cli`, `ace` in older releases) drives a
headless Chromium through Puppeteer: here Debian's /usr/bin/chromium (PUPPETEER_EXECUTABLE_PATH),
never one Puppeteer downloads. Ace launches it with --no-sandbox itself
(@daisy/ace-axe-runner-puppeteer), so it runs as root in a container too. scripts/setup installs it.

Where Ace or chromium is missing these tests FAIL, saying what to install, as the browser tests do
(tests/browser.py); with PRESSBOOK_NO_BROWSER=1 they are skipped instead. Ace takes 5 to 10 seconds
a book.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from pressbook.build import BuildOptions, build

from .browser import CHROMIUM, SETUP_HINT

ISSUES = ("2017-01", "2017-02", "2017")
OPF = "http://www.idpf.org/2007/opf"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _ace() -> str:
    if os.environ.get("PRESSBOOK_NO_BROWSER") == "1":
        pytest.skip("PRESSBOOK_NO_BROWSER=1: the browser tests (Ace) are skipped")
    command = shutil.which("ace-cli") or shutil.which("ace")
    if command is None:
        pytest.fail(f"Ace by DAISY (`ace-cli`, npm's @daisy/ace-cli) is not installed: {SETUP_HINT}", pytrace=False)
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing (Debian's `chromium` package), which Ace drives: {SETUP_HINT}", pytrace=False)
    return command


@pytest.fixture(scope="module")
def ebooks(sample_project, tmp_path_factory) -> dict[str, Path]:
    """The sample's January, February and 2017 e-books, by issue."""
    out = tmp_path_factory.mktemp("ace-books")
    books = {}
    for issue in ISSUES:
        built = build(sample_project, BuildOptions(issue=issue, formats=("epub",), out_dir=out / issue))
        books[issue] = next(o.path for o in built.outputs if o.format == "epub")
    return books


def ace_report(epub: Path, out: Path) -> dict:
    """Ace's report.json on `epub`; the test fails if Ace itself could not check the book."""
    command = _ace()
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": str(CHROMIUM), "PUPPETEER_SKIP_DOWNLOAD": "1"}
    # -E: exit 2 when the book has violations, 1 when Ace failed.
    result = subprocess.run(
        [command, "--silent", "--exiterror2", "--force", "--outdir", str(out), str(epub)],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    report = out / "report.json"
    if result.returncode not in (0, 2) or not report.is_file():
        pytest.fail(f"Ace did not check {epub.name} (exit {result.returncode}):\n{result.stdout}\n{result.stderr}", pytrace=False)
    return json.loads(report.read_text(encoding="utf-8"))


def violations(report: dict) -> list[str]:
    """Every failed check: rule (impact) in document at CSS selector: the element."""
    found = []
    for document in report.get("assertions", []):
        where = document.get("earl:testSubject", {}).get("url", "?")
        for check in document.get("assertions", []):
            result = check["earl:result"]
            if result["earl:outcome"] != "fail":
                continue
            test = check["earl:test"]
            pointer = result.get("earl:pointer", {})
            place = ", ".join(pointer.get("css", [])) or "(package)"
            found.append(
                f"{test['dct:title']} ({test.get('earl:impact', '?')}) in {where} at {place}: "
                f"{result.get('dct:description', '')} {result.get('html', '')}".rstrip()
            )
    return found


@pytest.mark.parametrize("issue", ISSUES)
def test_ace_finds_no_violation(issue, ebooks, tmp_path) -> None:
    report = ace_report(ebooks[issue], tmp_path / "ace")
    found = violations(report)
    assert found == [], f"Ace finds {len(found)} violation(s) in the {issue} e-book:\n" + "\n".join(found)
    assert report["earl:result"]["earl:outcome"] == "pass"
    # The accessibility metadata Ace looks for is there (certifier's credential and report are not claimed).
    missing = set(report["a11y-metadata"]["missing"]) - {"a11y:certifierCredential", "a11y:certifierReport"}
    assert missing == set() and report["a11y-metadata"]["empty"] == []


@pytest.mark.parametrize("issue", ISSUES)
def test_package_claims_conformance_in_its_language(issue, ebooks, sample_project) -> None:
    with zipfile.ZipFile(ebooks[issue]) as z:
        container = etree.fromstring(z.read("META-INF/container.xml"))
        opf = etree.fromstring(z.read(container.xpath("//*[local-name()='rootfile']/@full-path")[0]))
    language = sample_project.config.publication.language
    assert opf.get(XML_LANG) == language == "vi"

    def meta(prop: str) -> list[str]:
        return opf.xpath(f"//opf:metadata/opf:meta[@property='{prop}']/text()", namespaces={"opf": OPF})

    assert meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    assert meta("a11y:certifiedBy") == [sample_project.config.publication.publisher]
    assert set(meta("schema:accessMode")) == {"textual", "visual"}
    assert meta("schema:accessModeSufficient") == ["textual"]
    assert {"structuralNavigation", "tableOfContents", "readingOrder", "alternativeText", "displayTransformability"} <= set(
        meta("schema:accessibilityFeature")
    )
    assert meta("schema:accessibilityHazard") == ["none"]
    [summary] = meta("schema:accessibilitySummary")
    assert "WCAG 2.1" in summary and "mục lục" in summary  # in the edition's language, Vietnamese
