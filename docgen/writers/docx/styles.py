"""Named Word styles built from the style profile, so a clerk editing the DOCX gets the right face and size for
text typed or pasted later: body text is Normal (shown as 正文 in Chinese Word), the rest are 公文 styles."""

from __future__ import annotations

from dataclasses import dataclass

from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn

from docgen.layout.metrics import grid_pitch_twips, grid_tracking
from docgen.style import RoleStyle, StyleProfile
from docgen.units import twips
from docgen.writers.docx import oxml


@dataclass(frozen=True)
class WordStyle:
    """The Word style of a role: its display name (the profile's ``word_style``) and id."""

    style_id: str
    name: str
    role: str
    kind: str = "paragraph"  # or "character" (text of the role inside another role's paragraph)


def _camel(role: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in role.split("-"))


def word_styles(style: StyleProfile) -> list[WordStyle]:
    """A paragraph style for every role (body text is Word's Normal, shown as 正文 in Chinese Word), then a
    character style for every role that names one (run-in headings)."""
    paragraph = [
        WordStyle(f"Gw{_camel(name)}", role.word_style or name, name)
        for name, role in style.roles.items()
        if role.word_style != "Normal"
    ]
    character = [
        WordStyle(f"Gw{_camel(name)}Char", role.char_style, name, "character")
        for name, role in style.roles.items()
        if role.char_style
    ]
    return paragraph + character


_ALIGN = {"left": "left", "center": "center", "right": "right", "justify": "both"}


def line_pitch_twips(style: StyleProfile) -> int:
    """Grid pitch in twips, rounded down: 12756 / 22 = 579.8 → 579 (580 would fit only 21 lines in Word)."""
    return grid_pitch_twips(style)


def _run_properties(rpr, style: StyleProfile, role: RoleStyle, *, tracking: bool = True) -> None:  # type: ignore[no-untyped-def]
    face = style.fonts[role.font]
    latin = style.latin.name if role.font != "songti" else face.name  # page numbers: 4号半角宋体 digits
    oxml.set_fonts(rpr, latin=latin, east_asian=face.name)
    oxml.set_size(rpr, role.size)
    oxml.set_color(rpr, role.color)
    oxml.set_tracking(rpr, twips(grid_tracking(style, role.size)) if tracking else 0)
    oxml.set_language(rpr)


def _paragraph_properties(ppr, style: StyleProfile, role: RoleStyle, pitch: int) -> None:  # type: ignore[no-untyped-def]
    oxml.set_line_exact(
        ppr, pitch * (role.lines or 1), before=pitch * role.space_before, after=pitch * role.space_after
    )
    if role.lines is not None:  # a fixed line height: off the grid, which would size the line by its font instead
        oxml.ppr_child(ppr, "snapToGrid", val=0)
    oxml.ppr_child(ppr, "jc", val=_ALIGN[role.align])
    size = role.size
    oxml.ppr_child(
        ppr,
        "ind",
        left=twips(role.indent_left * size),
        right=twips(role.indent_right * size),
        firstLine=twips(role.first_indent * size),
        firstLineChars=round(role.first_indent * 100),
    )
    oxml.set_chinese_typography(ppr)


def install_styles(document: WordDocument, style: StyleProfile) -> None:
    """Replace python-docx's template styles by docgen's: docDefaults and Normal from the body role, then one
    style per role. Everything else (Heading 1 with theme fonts, tables, lists) is removed from the gallery."""
    styles_element = document.styles.element
    keep = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList"}
    for element in list(styles_element.findall(qn("w:style"))):
        if element.get(qn("w:styleId")) not in keep:
            styles_element.remove(element)
    latent = styles_element.find(qn("w:latentStyles"))
    if latent is not None:
        styles_element.remove(latent)

    pitch = line_pitch_twips(style)
    body = style.role("body")
    defaults = styles_element.find(qn("w:docDefaults"))
    _run_properties(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")), style, body)
    ppr_default = defaults.find(qn("w:pPrDefault"))
    oxml.set_line_exact(ppr_default.find(qn("w:pPr")), pitch)

    normal = document.styles["Normal"]
    _run_properties(normal.element.get_or_add_rPr(), style, body)
    _paragraph_properties(normal.element.get_or_add_pPr(), style, body, pitch)

    for spec in word_styles(style):
        role = style.role(spec.role)
        kind = WD_STYLE_TYPE.CHARACTER if spec.kind == "character" else WD_STYLE_TYPE.PARAGRAPH
        word_style = document.styles.add_style(spec.name, kind)
        word_style.element.set(qn("w:styleId"), spec.style_id)
        word_style.quick_style = True
        if spec.kind == "character":
            rpr = word_style.element.get_or_add_rPr()
            face = style.fonts[role.font]
            oxml.set_fonts(rpr, latin=style.latin.name, east_asian=face.name)
            if role.size != body.size:
                oxml.set_size(rpr, role.size)
            if role.color != body.color:
                oxml.set_color(rpr, role.color)
            continue
        word_style.base_style = normal
        word_style.next_paragraph_style = normal
        _run_properties(word_style.element.get_or_add_rPr(), style, role)
        ppr = word_style.element.get_or_add_pPr()
        _paragraph_properties(ppr, style, role, pitch)
        if role.outline_level is not None:
            oxml.ppr_child(ppr, "outlineLvl", val=role.outline_level - 1)
        if role.page_break_before:
            oxml.ppr_child(ppr, "pageBreakBefore")
        if role.keep_with_next:
            oxml.ppr_child(ppr, "keepNext")
