"""Frame → OFD (GB/T 33190-2016《电子文件存储与交换格式 版式文档》) bytes. The layout placed everything; this
package only serializes the frame.

The package::

    OFD.xml                              entry: DocInfo (DocID, Title, Author, CreationDate, Creator) and DocRoot
    Doc_0/Document.xml                   MaxUnitID, PageArea (the most common page size), resource files, pages
    Doc_0/PublicRes.xml                  Fonts: one per (font file, official name), FontFile → Res/font_N.ttf
    Doc_0/DocumentRes.xml                MultiMedias: the images (only when there are images)
    Doc_0/Pages/Page_N/Content.xml       one Body layer: TextObject, PathObject, ImageObject in drawing order
    Doc_0/Annots/…                       a Stamp annotation placeholder at each seal (only when there are images)
    Doc_0/Res/font_N.ttf, image_N.png    TrueType subsets, images

All lengths are millimetres, origin at the page's top-left, y downwards — the frame's own convention, in mm.
``content`` says how text is written, ``subset`` how fonts are embedded, ``package`` how the rest is.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from docgen.layout.frame import Frame
from docgen.writers.ofd.content import Ids, PageWriter, StampPlace
from docgen.writers.ofd.fonts import FontTable
from docgen.writers.ofd.package import (
    DOC,
    annotation_parts,
    doc_id,
    document_res_xml,
    document_xml,
    ofd_xml,
    public_res_xml,
    zip_package,
)
from docgen.writers.ofd.resources import ImageTable
from docgen.writers.ofd.xmltext import um

__all__ = ["render_ofd"]


def render_ofd(frame: Frame, *, doc_id_seed: bytes | None = None, creation_date: dt.date | None = None) -> bytes:
    """The frame as an OFD file. ``doc_id_seed``: bytes the DocID is derived from (by default the package's
    content). ``creation_date``: DocInfo's CreationDate, by default the configured timestamp's day
    (SOURCE_DATE_EPOCH on the command line), else 2000-01-01, so that the same frame always gives the same bytes."""
    if not frame.pages:
        raise ValueError("版面没有任何页面，不能写出 OFD")
    created = creation_date or _documented_date()
    fonts = FontTable()
    images = ImageTable()
    next_id = fonts.collect(frame, 1)
    next_id = images.collect(frame, next_id)
    fonts.make_subsets()

    sizes = [(um(page.width), um(page.height)) for page in frame.pages]
    area = Counter(sizes).most_common(1)[0][0]  # ties: the first page's size (Counter keeps insertion order)
    ids = Ids(next_id)
    writer = PageWriter(fonts, images, ids)
    page_ids: list[int] = []
    pages: list[tuple[str, bytes]] = []
    stamps: list[tuple[int, int, list[StampPlace]]] = []
    for number, (page, size) in enumerate(zip(frame.pages, sizes, strict=True)):
        page_id = ids.next()
        page_ids.append(page_id)
        xml, places = writer.page(page, None if size == area else size)
        pages.append((f"{DOC}/Pages/Page_{number}/Content.xml", xml.encode()))
        if places:
            stamps.append((number, page_id, places))
    annotations = {}
    if stamps:
        annot_ids = [ids.next() for _, _, places in stamps for _ in places]
        annotations = annotation_parts(stamps, annot_ids, created)

    members: list[tuple[str, bytes]] = [
        (f"{DOC}/Document.xml", document_xml(ids.last, area, page_ids, bool(images.images), bool(stamps)).encode()),
        (f"{DOC}/PublicRes.xml", public_res_xml(fonts).encode()),
    ]
    if images.images:
        members.append((f"{DOC}/DocumentRes.xml", document_res_xml(images).encode()))
    members += pages
    members += [(name, xml.encode()) for name, xml in annotations.items()]
    for embedded in fonts.files.values():
        assert embedded.subset is not None
        members.append((f"{DOC}/Res/{embedded.name}", embedded.subset.data))
    members += [(f"{DOC}/Res/{image.name}", image.data) for image in images.images]

    from docgen import __version__  # here, not at import: the package may be importing this module

    identity = doc_id(doc_id_seed, members, frame.title, frame.author)
    entry = ofd_xml(identity, frame.title, frame.author, created, __version__)
    return zip_package([("OFD.xml", entry.encode()), *members])


def _documented_date() -> dt.date:
    """The configured timestamp's day (the command line's SOURCE_DATE_EPOCH, as the DOCX's metadata), else a fixed
    date."""
    from docgen.settings import current

    epoch = current().timestamp
    if epoch is not None:
        return dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc).date()
    return dt.date(2000, 1, 1)
