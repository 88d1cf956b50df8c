"""The OOXML that python-docx has no API for, in one place: East Asian fonts, language, the document grid, borders
on paragraphs, Chinese typography switches and fields. Each helper edits an element python-docx gives us."""

from __future__ import annotations

import copy

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

# Order of the pPr and rPr children that we write (ECMA-376 §17.3.1.26 / §17.3.2.28): Word rejects files whose
# children are out of schema order, LibreOffice does not, so keep them in order.
_PPR_ORDER = (
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd tabs "
    "suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd "
    "snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
    "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
).split()
_RPR_ORDER = (
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof snapToGrid "
    "vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText vertAlign rtl cs em "
    "lang eastAsianLayout specVanish oMath"
).split()


def _child(parent: etree._Element, tag: str, order: list[str]) -> etree._Element:
    """Get or insert ``w:tag`` under parent, at its schema position."""
    existing = parent.find(qn(f"w:{tag}"))
    if existing is not None:
        return existing
    element = OxmlElement(f"w:{tag}")
    rank = order.index(tag)
    for index, sibling in enumerate(parent):
        name = etree.QName(sibling).localname
        if name in order and order.index(name) > rank:
            parent.insert(index, element)
            return element
    parent.append(element)
    return element


def ppr_child(ppr: etree._Element, tag: str, **attrs: str | int) -> etree._Element:
    element = _child(ppr, tag, _PPR_ORDER)
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), str(value))
    return element


def rpr_child(rpr: etree._Element, tag: str, **attrs: str | int) -> etree._Element:
    element = _child(rpr, tag, _RPR_ORDER)
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), str(value))
    return element


def add_text(r: etree._Element, text: str) -> None:
    """Text into a run as python-docx's ``run.text`` writes it, without its character-by-character walk when the
    text holds no tab or line break (which become w:tab and w:br)."""
    if "\t" in text or "\n" in text or "\r" in text:
        r.text = text
        return
    t = OxmlElement("w:t")
    t.text = text
    if len(text.strip()) < len(text):
        t.set(qn("xml:space"), "preserve")
    r.append(t)


def set_fonts(rpr: etree._Element, *, latin: str, east_asian: str) -> None:
    """All four w:rFonts slots, theme references removed (python-docx only writes ascii/hAnsi)."""
    fonts = rpr_child(rpr, "rFonts")
    for attr in list(fonts.attrib):
        if attr.endswith("Theme") or attr.endswith("theme"):
            del fonts.attrib[attr]
    for slot, name in (("ascii", latin), ("hAnsi", latin), ("cs", latin), ("eastAsia", east_asian)):
        fonts.set(qn(f"w:{slot}"), name)


def set_language(rpr: etree._Element) -> None:
    rpr_child(rpr, "lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA")


def set_size(rpr: etree._Element, points: float) -> None:
    half_points = round(points * 2)
    rpr_child(rpr, "sz", val=half_points)
    rpr_child(rpr, "szCs", val=half_points)


def set_tracking(rpr: etree._Element, twips: int) -> None:
    rpr_child(rpr, "spacing", val=twips)


def set_color(rpr: etree._Element, hex_rgb: str) -> None:
    rpr_child(rpr, "color", val=hex_rgb)


def set_line_exact(ppr: etree._Element, line_twips: int, before: int = 0, after: int = 0) -> None:
    ppr_child(ppr, "spacing", before=before, after=after, line=line_twips, lineRule="exact")


def set_chinese_typography(ppr: etree._Element) -> None:
    """Switches for 公文 body text.

    widowControl off: every page holds all 22 lines (widow control would leave 21).
    overflowPunct on: this is Word's own default (允许标点溢出边界). LibreOffice reads this switch inverted
    (writerfilter DomainMapper: hanging = value == 0), so the value 1 is the one that makes LibreOffice push a
    character down instead of hanging punctuation into the margin, as docgen's PDF does.
    autoSpaceDE/DN (space between Chinese and Latin/digits) stay at Word's default, on: LibreOffice adds that
    space whatever the file says, and docgen's layout counts it too.
    """
    ppr_child(ppr, "widowControl", val=0)
    ppr_child(ppr, "kinsoku", val=1)
    ppr_child(ppr, "overflowPunct", val=1)


_EMU_PER_POINT = 12700


def _anchor(
    shape: str,
    shape_id: int,
    name: str,
    horizontal: tuple[str, float],
    vertical: tuple[str, float],
    extent: tuple[float, float],
    namespaces: str = "",
) -> str:
    """A floating drawing (wrapNone, in front of the text) holding one wordprocessing shape: ``horizontal`` and
    ``vertical`` are (relativeFrom, offset in pt), ``extent`` its (width, height) in pt."""
    emu = lambda points: str(round(points * _EMU_PER_POINT))  # noqa: E731
    return f"""
<wp:anchor xmlns:wp="{_WP}" xmlns:a="{_A}" xmlns:wps="{_WPS}"{namespaces} distT="0" distB="0" distL="0" distR="0"
    simplePos="0" relativeHeight="{shape_id}" behindDoc="0" locked="1" layoutInCell="1" allowOverlap="1">
  <wp:simplePos x="0" y="0"/>
  <wp:positionH relativeFrom="{horizontal[0]}"><wp:posOffset>{emu(horizontal[1])}</wp:posOffset></wp:positionH>
  <wp:positionV relativeFrom="{vertical[0]}"><wp:posOffset>{emu(vertical[1])}</wp:posOffset></wp:positionV>
  <wp:extent cx="{emu(extent[0])}" cy="{emu(extent[1])}"/>
  <wp:effectExtent l="0" t="0" r="0" b="0"/>
  <wp:wrapNone/>
  <wp:docPr id="{shape_id}" name="{name}"/>
  <wp:cNvGraphicFramePr/>
  <a:graphic>
    <a:graphicData uri="{_WPS}">
      {shape}
    </a:graphicData>
  </a:graphic>
</wp:anchor>"""


def anchored_rule(
    paragraph_element: etree._Element,
    *,
    top: float,
    width: float,
    thickness: float,
    color: str,
    shape_id: int,
    name: str,
    left: float = 0.0,
    relative_from: str = "line",
    horizontal_from: str = "margin",
) -> None:
    """A straight line ``width`` points long whose centre is ``top`` points below its reference — the top of the
    line holding the anchor (``line``, so the rule moves with its paragraph when a clerk adds text above it) or of
    the type area (``margin``) or of the page (``page``) — and ``left`` points right of the type area's (or, with
    ``horizontal_from="page"``, the page's) left edge. It takes no room in the
    text (wrapNone) and never pushes the lines below it off the grid. The anchor run goes first in its paragraph:
    LibreOffice draws no shape anchored in the part of a paragraph that runs onto another page."""
    emu = lambda points: str(round(points * _EMU_PER_POINT))  # noqa: E731
    run = OxmlElement("w:r")
    drawing = OxmlElement("w:drawing")
    run.append(drawing)
    shape = f"""<wps:wsp>
        <wps:cNvCnPr/>
        <wps:spPr>
          <a:xfrm><a:off x="0" y="0"/><a:ext cx="{emu(width)}" cy="0"/></a:xfrm>
          <a:prstGeom prst="line"><a:avLst/></a:prstGeom>
          <a:ln w="{emu(thickness)}"><a:solidFill><a:srgbClr val="{color}"/></a:solidFill></a:ln>
        </wps:spPr>
        <wps:bodyPr/>
      </wps:wsp>"""
    xml = _anchor(shape, shape_id, name, (horizontal_from, left), (relative_from, top), (width, 0.0))
    drawing.append(etree.fromstring(xml))
    _first_run(paragraph_element, run)


def anchored_text_box(
    paragraph_element: etree._Element,
    content: etree._Element,
    *,
    left: float,
    top: float,
    width: float,
    height: float,
    shape_id: int,
    name: str,
) -> None:
    """A text box without border or insets at (``left``, ``top``) points from the page's corner, its text turned a
    quarter clockwise (``vert``: lines run down the page, their tops to the right), holding one paragraph."""
    emu = lambda points: str(round(points * _EMU_PER_POINT))  # noqa: E731
    shape = f"""<wps:wsp>
        <wps:cNvSpPr txBox="1"/>
        <wps:spPr>
          <a:xfrm><a:off x="0" y="0"/><a:ext cx="{emu(width)}" cy="{emu(height)}"/></a:xfrm>
          <a:prstGeom prst="rect"><a:avLst/></a:prstGeom>
          <a:noFill/>
          <a:ln><a:noFill/></a:ln>
        </wps:spPr>
        <wps:txbx><w:txbxContent/></wps:txbx>
        <wps:bodyPr rot="0" vert="vert" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" anchor="t">
          <a:noAutofit/>
        </wps:bodyPr>
      </wps:wsp>"""
    xml = _anchor(shape, shape_id, name, ("page", left), ("page", top), (width, height), f' xmlns:w="{_W}"')
    element = etree.fromstring(xml)
    element.find(f".//{{{_W}}}txbxContent").append(content)
    _first_run(paragraph_element, _drawing_run(element))


def _drawing_run(anchor: etree._Element) -> etree._Element:
    """A run holding a drawing that holds ``anchor``."""
    run = OxmlElement("w:r")
    drawing = OxmlElement("w:drawing")
    run.append(drawing)
    drawing.append(anchor)
    return run


def anchored_picture(
    paragraph_element: etree._Element,
    *,
    rel_id: str,
    left: float,
    top: float,
    width: float,
    height: float,
    shape_id: int,
    name: str,
    behind: bool = True,
) -> None:
    """A picture (a seal) ``left`` points right of the type area's left edge and ``top`` points below the top of
    the anchor paragraph's area (before its space before), behind the text (as a stamp's ink under the printed
    name), taking no room. Not ``relativeFrom="line"``: LibreOffice 7.4 turns a line-relative picture's offset
    upside down (+10 pt is drawn 10 pt above the line), which Word does not."""
    emu = lambda points: str(round(points * _EMU_PER_POINT))  # noqa: E731
    run = OxmlElement("w:r")
    drawing = OxmlElement("w:drawing")
    run.append(drawing)
    xml = f"""
<wp:anchor xmlns:wp="{_WP}" xmlns:a="{_A}" xmlns:pic="{_PIC}" xmlns:r="{_R}" distT="0" distB="0" distL="0"
    distR="0" simplePos="0" relativeHeight="{shape_id}" behindDoc="{int(behind)}" locked="1" layoutInCell="1"
    allowOverlap="1">
  <wp:simplePos x="0" y="0"/>
  <wp:positionH relativeFrom="margin"><wp:posOffset>{emu(left)}</wp:posOffset></wp:positionH>
  <wp:positionV relativeFrom="paragraph"><wp:posOffset>{emu(top)}</wp:posOffset></wp:positionV>
  <wp:extent cx="{emu(width)}" cy="{emu(height)}"/>
  <wp:effectExtent l="0" t="0" r="0" b="0"/>
  <wp:wrapNone/>
  <wp:docPr id="{shape_id}" name="{name}"/>
  <wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>
  <a:graphic>
    <a:graphicData uri="{_PIC}">
      <pic:pic>
        <pic:nvPicPr><pic:cNvPr id="{shape_id}" name="{name}"/><pic:cNvPicPr/></pic:nvPicPr>
        <pic:blipFill><a:blip r:embed="{rel_id}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>
        <pic:spPr>
          <a:xfrm><a:off x="0" y="0"/><a:ext cx="{emu(width)}" cy="{emu(height)}"/></a:xfrm>
          <a:prstGeom prst="rect"><a:avLst/></a:prstGeom>
        </pic:spPr>
      </pic:pic>
    </a:graphicData>
  </a:graphic>
</wp:anchor>"""
    drawing.append(etree.fromstring(xml))
    _first_run(paragraph_element, run)


def _first_run(paragraph_element: etree._Element, run: etree._Element) -> None:
    """Put a run before the paragraph's text (after its properties)."""
    ppr = paragraph_element.find(qn("w:pPr"))
    paragraph_element.insert(paragraph_element.index(ppr) + 1 if ppr is not None else 0, run)


def frame(ppr: etree._Element, *, x: int, y: int, width: int, height: int) -> None:
    """A frame (w:framePr) at (x, y) twips from the type area's top-left corner: a line placed off the grid (a
    标志). wrap="none": the flow takes no room for it, so the layout's space before the next paragraph does."""
    ppr_child(
        ppr,
        "framePr",
        w=width,
        h=height,
        hRule="exact",
        wrap="none",
        vAnchor="margin",
        hAnchor="margin",
        x=x,
        y=y,
    )


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
_PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def set_doc_grid(sect_pr: etree._Element, line_pitch: int) -> None:
    """A line grid (no character grid): see README "Why a line grid and letter spacing"."""
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    for attr in list(grid.attrib):
        del grid.attrib[attr]
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(line_pitch))


def add_page_field(paragraph_element: etree._Element) -> None:
    """Append a PAGE field (its cached result "1" is replaced by Word and LibreOffice)."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), " PAGE ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph_element.append(field)


def right_to_left(run_element: etree._Element) -> None:
    """w:rtl: a run of Hebrew or Arabic, its neutral characters set right to left and its characters formatted as
    complex script (w:cs font, w:szCs size); the font hint follows."""
    rpr = run_element.get_or_add_rPr()
    rpr_child(rpr, "rFonts", hint="cs")
    rpr_child(rpr, "rtl")


def east_asian_hint(run_element: etree._Element) -> None:
    """w:hint="eastAsia": quotes, dashes and ellipses in this run take the Chinese font, as one grid cell each
    (without it Word sets “”—… in the Latin font, at Latin widths)."""
    rpr = run_element.get_or_add_rPr()
    rpr_child(rpr, "rFonts", hint="eastAsia")


def section_type(sect_pr: etree._Element, kind: str) -> None:
    """How a section starts: nextPage, evenPage, oddPage (``w:type`` comes after the header/footer references)."""
    for old in sect_pr.findall(qn("w:type")):
        sect_pr.remove(old)
    element = OxmlElement("w:type")
    element.set(qn("w:val"), kind)
    references = sect_pr.findall(qn("w:headerReference")) + sect_pr.findall(qn("w:footerReference"))
    at = max((list(sect_pr).index(r) + 1 for r in references), default=0)
    sect_pr.insert(at, element)


def end_section(paragraph_element: etree._Element, sect_pr: etree._Element) -> None:
    """Make the paragraph the last of a section with these properties (``w:sectPr`` in its pPr, after rPr)."""
    ppr = paragraph_element.find(qn("w:pPr"))
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        paragraph_element.insert(0, ppr)
    change = ppr.find(qn("w:pPrChange"))
    if change is not None:
        change.addprevious(sect_pr)
    else:
        ppr.append(sect_pr)


def split_paragraph(paragraph_element: etree._Element, offset: int) -> etree._Element:
    """Cut a paragraph after ``offset`` characters of its text: the first part keeps its place and ends with a line
    break (so that its last line is set as before, justified); the rest becomes a new paragraph right after it,
    with the same properties. Returns the new paragraph. Runs keep their properties on both sides of the cut."""
    second = OxmlElement("w:p")
    ppr = paragraph_element.find(qn("w:pPr"))
    if ppr is not None:
        second.append(copy.deepcopy(ppr))
    seen = 0
    cut_run: etree._Element | None = None
    moving: list[etree._Element] = []
    for run in paragraph_element.findall(qn("w:r")):
        if cut_run is not None:
            moving.append(run)
            continue
        texts = run.findall(qn("w:t"))
        length = sum(len(t.text or "") for t in texts)
        if seen + length <= offset:
            seen += length
            if seen == offset:
                cut_run = run
            continue
        # the cut falls inside this run: its tail goes to a copy of the run
        tail = copy.deepcopy(run)
        for t in tail.findall(qn("w:t")):
            tail.remove(t)
        keep = offset - seen
        for t in texts:
            text = t.text or ""
            if keep >= len(text):
                keep -= len(text)
                continue
            t.text, rest = text[:keep], text[keep:]
            t.set(qn("xml:space"), "preserve")
            if t.text == "":
                run.remove(t)
            if rest:
                add_text(tail, rest)
            keep = 0
        seen = offset
        cut_run = run
        moving.append(tail)
    for run in moving:
        if run.getparent() is not None:
            run.getparent().remove(run)
        second.append(run)
    if cut_run is not None:
        br = OxmlElement("w:r")
        rpr = cut_run.find(qn("w:rPr"))
        if rpr is not None:
            br.append(copy.deepcopy(rpr))
        br.append(OxmlElement("w:br"))
        cut_run.addnext(br)
    paragraph_element.addnext(second)
    return second


_BORDER = '<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'


def table(widths: tuple[int, ...]) -> etree._Element:
    """An empty w:tbl as wide as its columns (twips), centred, fixed layout, single sz 4 borders everywhere, cell
    margins 0/108/0/108 (docs/libreoffice-tables.md)."""
    from docx.oxml import parse_xml

    borders = "".join(_BORDER.format(side=side) for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    cols = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    xml = (
        f'<w:tbl xmlns:w="{_W}"><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr>'
        f"<w:tblGrid>{cols}</w:tblGrid></w:tbl>"
    )
    return parse_xml(xml)


def table_row(tbl: etree._Element, height: int, *, header: bool) -> etree._Element:
    """A row of an exact height (twips) that never splits; a header row is repeated on every page."""
    from docx.oxml import parse_xml

    head = "<w:tblHeader/>" if header else ""
    tr = parse_xml(
        f'<w:tr xmlns:w="{_W}"><w:trPr><w:cantSplit/><w:trHeight w:val="{height}" w:hRule="exact"/>{head}'
        "</w:trPr></w:tr>"
    )
    tbl.append(tr)
    return tr


def table_cell(tr: etree._Element, width: int, span: int, merge: str | None = None) -> etree._Element:
    """A cell ``width`` twips wide over ``span`` columns, with one empty paragraph; ``merge``: restart (the first
    of cells merged down) or continue."""
    from docx.oxml import parse_xml

    grid = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    vmerge = {"restart": '<w:vMerge w:val="restart"/>', "continue": "<w:vMerge/>", None: ""}[merge]
    tc = parse_xml(
        f'<w:tc xmlns:w="{_W}"><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{grid}{vmerge}</w:tcPr><w:p/></w:tc>'
    )
    tr.append(tc)
    return tc


def turn_section(sect_pr: etree._Element, size: tuple[int, int], margins: tuple[int, int, int, int]) -> None:
    """A landscape section: the page's size (width, height in twips, ``w:orient``) and its margins (top, right,
    bottom, left)."""
    size_element = sect_pr.find(qn("w:pgSz"))
    size_element.set(qn("w:w"), str(size[0]))
    size_element.set(qn("w:h"), str(size[1]))
    size_element.set(qn("w:orient"), "landscape")
    margin = sect_pr.find(qn("w:pgMar"))
    for name, value in zip(("top", "right", "bottom", "left"), margins, strict=True):
        margin.set(qn(f"w:{name}"), str(value))


def hairline_paragraph() -> etree._Element:
    """An empty paragraph of one twip's height, off the grid: what carries a section's properties after a table."""
    paragraph = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    paragraph.append(ppr)
    ppr_child(ppr, "snapToGrid", val=0)
    ppr_child(ppr, "spacing", before=0, after=0, line=1, lineRule="exact")
    rpr = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "2")
    rpr.append(size)
    ppr.append(rpr)
    return paragraph


def drop_title_page(sect_pr: etree._Element) -> None:
    """No first-page footer of its own for this section."""
    for element in sect_pr.findall(qn("w:titlePg")) + [
        r for r in sect_pr.findall(qn("w:footerReference")) if r.get(qn("w:type")) == "first"
    ]:
        sect_pr.remove(element)
