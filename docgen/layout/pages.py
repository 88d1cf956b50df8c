"""The layout's entry: DocModel → pages of lines on the 公文 grid (compose each block, then paginate).

No PDF or font library is imported here (a test checks it): lines are measured with the grid's metrics.
``position.py`` then turns the pages into the page frame, with the fonts resolved on the machine.
"""

from __future__ import annotations

from docgen.layout.compose import Chunk, Composer, TextLine
from docgen.layout.linebreak import Metrics
from docgen.layout.metrics import GridMetrics
from docgen.layout.paginate import Geometry, Page, PagedDocument, Placed, RuleMark, paginate
from docgen.model.blocks import Block, DocModel, Table, Text
from docgen.style import StyleProfile

__all__ = ["Page", "PagedDocument", "Placed", "RuleMark", "TextLine", "layout_document"]


def layout_document(model: DocModel, style: StyleProfile, metrics: Metrics | None = None) -> PagedDocument:
    """Place every line of the model on pages of ``style.lines_per_page`` rows."""
    composer = Composer(style, metrics or GridMetrics(style))
    chunks: list[Chunk] = []
    index = 0
    turned = _turned_blocks(model.blocks, composer)
    for position, block in enumerate(model.blocks):
        landscape = position in turned  # set as wide as the turned type area
        composer.width = style.type_height if landscape else style.type_width
        chunk, used = composer.compose(index, block)
        chunk.landscape = landscape
        chunks.append(chunk)
        index += used
    composer.width = style.type_width
    paged = paginate(chunks, Geometry.of(style))
    if not model.number_first_page and paged.pages:
        paged.pages[0].numbered = False
    paged.notes = list(dict.fromkeys(composer.notes))
    if paged.pages and not any(_is_body(p.text.role) for p in paged.pages[0].lines) and _has_body(paged):
        paged.notes.append("首页没有正文：版头、标题和主送机关占满了第一页（GB/T 9704 要求首页显示正文）")
        paged.first_page_without_body = True
    return paged


def _is_body(role: str) -> bool:
    return role == "body" or role.startswith("heading-")


def _has_body(paged: PagedDocument) -> bool:
    return any(_is_body(p.text.role) for page in paged.pages for p in page.lines)


def _turned_blocks(blocks: list[Block], composer: Composer) -> set[int]:
    """The blocks on landscape pages (§8): each landscape table, the texts kept with it (its title, an 附件's
    title) and the text that starts the page they sit on (the 附件 label), which would otherwise stand alone."""
    turned: set[int] = set()
    for position, block in enumerate(blocks):
        if not (isinstance(block, Table) and block.landscape):
            continue
        turned.add(position)
        before = position - 1
        while before >= 0 and _carried(blocks[before]) and _keeps_with_next(blocks[before], composer):
            turned.add(before)
            before -= 1
        if before >= 0 and before + 1 != position and _carried(blocks[before]):
            text = blocks[before]
            breaks = composer.role(text.role).page_break_before
            if text.page_break_before if text.page_break_before is not None else breaks:
                turned.add(before)
    return turned


#: What a landscape table takes onto its turned pages: its title, and the 附件 label and title it starts (never the
#: document's own title or 主送, when the table comes first in the body)
_CARRIED_ROLES = ("table-title", "annex-label", "annex-title")


def _carried(block: Block) -> bool:
    return isinstance(block, Text) and block.role in _CARRIED_ROLES


def _keeps_with_next(block: Text, composer: Composer) -> bool:
    keep = block.keep_with_next
    return composer.role(block.role).keep_with_next if keep is None else keep
