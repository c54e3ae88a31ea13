"""`--format html`: the print HTML handed to WeasyPrint, written with its CSS, fonts and pictures
beside it, so a layout can be debugged in a browser and the renderer measured on its own."""

from __future__ import annotations

import re
from pathlib import Path

from ..files import referenced_files, write_bundle
from .documents import PrintDocument

_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


def export(document: PrintDocument, target: Path) -> int:
    """Write `target` (.html) and `<stem>_files/` (style.css, fonts, pictures), replacing an old
    pair whole or not at all (see `files.write_bundle`); the HTML's size."""
    folder = target.parent / f"{target.stem}_files"
    # Only files the document really loads, and only from the folders the renderer may read.
    files = referenced_files(document.html, document.readable)
    names: dict[str, str] = {}
    contents: dict[str, bytes | Path] = {}
    for url, source in sorted(files.items(), key=lambda item: len(item[0]), reverse=True):
        name = source.name
        if name in names.values() or name == "style.css":
            name = f"{len(names)}-{name}"
        contents[name] = source
        names[url] = name
    # Longest first, so that no address is replaced inside a longer one.
    pattern = re.compile("|".join(re.escape(url) for url in names)) if names else None

    def relocate(text: str, prefix: str) -> str:
        return pattern.sub(lambda m: prefix + names[m.group(0)], text) if pattern else text

    styles = "\n".join(_STYLE.findall(document.html))
    contents["style.css"] = relocate(styles, "").encode("utf-8")  # relative to style.css, beside them
    html = _STYLE.sub("", document.html, count=0)
    html = html.replace("</head>", f'<link rel="stylesheet" href="{folder.name}/style.css">\n</head>', 1)
    html = relocate(html, f"{folder.name}/")
    data = html.encode("utf-8")
    write_bundle(target, data, folder, contents)
    return len(data)
