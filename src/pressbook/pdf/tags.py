"""Tagged PDF (pdf/ua-1, pdf/ua-2, the "a" levels of PDF/A): what WeasyPrint's tags leave to do,
done on the PDF with pikepdf. The pictures to make artifacts are found from WeasyPrint's layout
by `weasy._decorative_pictures`; this module never imports WeasyPrint."""

from __future__ import annotations


def _content_streams(pdf, holder) -> list:  # noqa: ANN001
    """`holder`'s content streams (a page's, or a form's), then its forms', depth first."""
    import pikepdf

    streams, seen, todo = [], set(), [holder]
    while todo:
        item = todo.pop()
        if item.objgen in seen and item.objgen != (0, 0):
            continue
        seen.add(item.objgen)
        if isinstance(item, pikepdf.Page):
            contents = item.obj.get("/Contents")
            streams += list(contents) if isinstance(contents, pikepdf.Array) else [contents] if contents is not None else []
            resources = item.obj.get("/Resources")
        else:
            streams.append(item)
            resources = item.get("/Resources")
        xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
        if isinstance(xobjects, pikepdf.Dictionary):
            todo += [x for x in xobjects.values() if isinstance(x, pikepdf.Stream) and x.get("/Subtype") == "/Form"]
    return streams


def finish_tags(data: bytes, decorative: set[tuple[int, tuple[float, float, float, float]]] = frozenset()) -> bytes:
    """Complete WeasyPrint's tagged PDF as PDF/UA asks:

    - the pictures in `decorative` (see weasy._decorative_pictures) become artifacts: their figure
      tags leave the structure tree and their marked content is marked `/Artifact`;
    - every table header cell says what it heads (`/Scope`): its row when the cells of its row
      name it as their header (HTML's `scope="row"`, which WeasyPrint follows), else its column;
    - viewers show the document's title, not its file name (`/DisplayDocTitle`)."""
    from io import BytesIO

    import pikepdf

    with pikepdf.open(BytesIO(data)) as pdf:
        if "/StructTreeRoot" not in pdf.Root:
            return data
        return _finish(pdf, decorative)


def _finish(pdf, decorative: set[tuple[int, tuple[float, float, float, float]]]) -> bytes:  # noqa: ANN001 - a pikepdf.Pdf
    from io import BytesIO

    import pikepdf

    root = pdf.Root
    pages = {page.objgen: number for number, page in enumerate(pdf.pages)}
    parent_tree = root.StructTreeRoot.get("/ParentTree")
    nums = parent_tree.get("/Nums") if isinstance(parent_tree, pikepdf.Dictionary) else None
    artifacts: dict[int, set[int]] = {}  # page number: MCIDs

    def walk(element: pikepdf.Dictionary) -> None:
        kids = element.get("/K")
        if not isinstance(kids, pikepdf.Array):
            return
        kept = pikepdf.Array()
        for kid in kids:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type", pikepdf.Name.StructElem) == "/StructElem":
                kind = kid.get("/S")
                if kind == "/Figure" and _is_decorative(kid, pages, decorative):
                    mcids = [int(k) for k in kid.K if isinstance(k, int)] if isinstance(kid.get("/K"), pikepdf.Array) else []
                    artifacts.setdefault(pages[kid.Pg.objgen], set()).update(mcids)
                    continue
                if kind == "/Table":
                    _scope_headers(kid)
                walk(kid)
            kept.append(kid)
        if len(kept) != len(kids):
            element.K = kept

    walk(root.StructTreeRoot)
    for number, mcids in artifacts.items():
        page = pdf.pages[number]
        for stream in _content_streams(pdf, page):
            instructions = pikepdf.parse_content_stream(stream)
            changed = False
            for index, (operands, operator) in enumerate(instructions):
                if (
                    str(operator) == "BDC" and len(operands) == 2 and operands[0] == "/Figure"
                    and isinstance(operands[1], pikepdf.Dictionary) and int(operands[1].get("/MCID", -1)) in mcids
                ):  # fmt: skip
                    instructions[index] = pikepdf.ContentStreamInstruction([pikepdf.Name.Artifact], pikepdf.Operator("BMC"))
                    changed = True
            if changed:
                stream.write(pikepdf.unparse_content_stream(instructions))
        # The page's entry in the parent tree no longer leads these MCIDs anywhere.
        index = page.obj.get("/StructParents")
        if nums is not None and index is not None:
            for at in range(0, len(nums) - 1, 2):
                if int(nums[at]) == int(index) and isinstance(nums[at + 1], pikepdf.Array):
                    for mcid in mcids:
                        if mcid < len(nums[at + 1]):
                            nums[at + 1][mcid] = None
    preferences = root.get("/ViewerPreferences")
    if not isinstance(preferences, pikepdf.Dictionary):
        preferences = root.ViewerPreferences = pikepdf.Dictionary()
    preferences.DisplayDocTitle = True
    out = BytesIO()
    # WeasyPrint's identifier kept (the first), the second made from the content, as join.py does.
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def _is_decorative(figure, pages: dict, decorative: set) -> bool:  # noqa: ANN001 - a struct element
    """Whether a `/Figure` tag is one of the `decorative` pictures: the same page, the same box."""
    import pikepdf

    attributes, page = figure.get("/A"), figure.get("/Pg")
    if not isinstance(attributes, pikepdf.Dictionary) or "/BBox" not in attributes or page is None:
        return False
    box = [float(v) for v in attributes.BBox]
    number = pages.get(page.objgen)
    return any(n == number and all(abs(a - b) < 0.01 for a, b in zip(box, other)) for n, other in decorative)


def _scope_headers(table) -> None:  # noqa: ANN001 - a /Table struct element
    """`/Scope` on every `/TH` of `table` (not of a table inside it)."""
    import pikepdf

    rows = []
    todo = [table]
    while todo:
        element = todo.pop()
        for kid in element.get("/K", ()) if isinstance(element.get("/K"), pikepdf.Array) else ():
            if not isinstance(kid, pikepdf.Dictionary) or "/S" not in kid or kid.S == "/Table":
                continue
            if kid.S == "/TR":
                rows.append(kid)
            todo.append(kid)
    for row in rows:
        cells = [k for k in row.K if isinstance(k, pikepdf.Dictionary) and k.get("/S") in ("/TH", "/TD")]
        named = {
            str(header)
            for cell in cells if cell.S == "/TD" and isinstance(cell.get("/A"), pikepdf.Dictionary)
            for header in cell.A.get("/Headers", ())
        }  # fmt: skip
        for cell in cells:
            if cell.S != "/TH":
                continue
            if not isinstance(cell.get("/A"), pikepdf.Dictionary):
                cell.A = pikepdf.Dictionary(O=pikepdf.Name.Table)
            if "/Scope" not in cell.A:
                row_header = "/ID" in cell and str(cell.ID) in named
                cell.A.Scope = pikepdf.Name.Row if row_header else pikepdf.Name.Column
