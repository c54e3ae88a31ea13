"""`--format html`: the print HTML handed to WeasyPrint, written with its CSS, fonts and pictures
beside it, so a layout can be debugged in a browser and the renderer measured on its own."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .files import write_atomic
from .render import Document

_STYLE = re.compile(r"<style>(.*?)</style>", re.S)
_FILE_URL = re.compile(r"""file://[^"')\s<>]+""")


def export(document: Document, target: Path) -> int:
    """Write `target` (.html) and `<stem>_files/` (style.css, fonts, pictures); the HTML's size."""
    folder = target.parent / f"{target.stem}_files"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    names: dict[str, str] = {}

    def local(match: re.Match[str]) -> str:
        url = match.group(0)
        if url not in names:
            source = Path(unquote(urlsplit(url).path))
            name = source.name
            if name in names.values():
                name = f"{len(names)}-{name}"
            shutil.copyfile(source, folder / name)
            names[url] = name
        return names[url]

    styles = "\n".join(_STYLE.findall(document.html))
    css = _FILE_URL.sub(local, styles)  # relative to style.css, which sits beside them
    write_atomic(folder / "style.css", css.encode("utf-8"))
    html = _STYLE.sub("", document.html, count=0)
    html = html.replace("</head>", f'<link rel="stylesheet" href="{folder.name}/style.css">\n</head>', 1)
    html = _FILE_URL.sub(lambda m: f"{folder.name}/{local(m)}", html)
    data = html.encode("utf-8")
    write_atomic(target, data)
    return len(data)
