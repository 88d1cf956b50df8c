"""The package around the pages (GB/T 33190-2016 §7): OFD.xml (the entry, with DocInfo), Doc_0/Document.xml
(page area, resource files, page list), Doc_0/PublicRes.xml (fonts), Doc_0/DocumentRes.xml (images), the Stamp
annotation placeholders, and the zip that holds them.

Same frame, same bytes: members in a fixed order, each with the same timestamp and attributes; IDs in order of
first use; DocID a hash of everything else in the package (or of a seed the caller gives).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Sequence

from docgen.writers.ofd.content import StampPlace
from docgen.writers.ofd.fonts import FontTable
from docgen.writers.ofd.resources import ImageTable
from docgen.writers.ofd.xmltext import NS, XML_HEAD, attr, mm, text

__all__ = [
    "annotation_parts",
    "doc_id",
    "document_res_xml",
    "document_xml",
    "ofd_xml",
    "public_res_xml",
    "zip_package",
]

DOC = "Doc_0"
_OPEN = f'xmlns:ofd="{NS}"'
#: the zip timestamp of every member (the earliest a zip can say), as docgen's DOCX
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def ofd_xml(doc_id: str, title: str, author: str, created: dt.date, version: str) -> str:
    info = [f"<ofd:DocID>{doc_id}</ofd:DocID>"]
    if title:
        info.append(f"<ofd:Title>{text(title)}</ofd:Title>")
    if author:
        info.append(f"<ofd:Author>{text(author)}</ofd:Author>")
    info.append(f"<ofd:CreationDate>{created.isoformat()}</ofd:CreationDate>")
    info.append("<ofd:Creator>docgen</ofd:Creator>")
    info.append(f"<ofd:CreatorVersion>{text(version)}</ofd:CreatorVersion>")
    return (
        f'{XML_HEAD}<ofd:OFD {_OPEN} Version="1.0" DocType="OFD">\n<ofd:DocBody>\n<ofd:DocInfo>\n'
        + "\n".join(info)
        + f"\n</ofd:DocInfo>\n<ofd:DocRoot>{DOC}/Document.xml</ofd:DocRoot>\n</ofd:DocBody>\n</ofd:OFD>\n"
    )


def document_xml(
    max_id: int, area: tuple[int, int], page_ids: Sequence[int], with_images: bool, with_annotations: bool
) -> str:
    """Paths in Document.xml are relative to Doc_0/, where it lies."""
    out = [
        f"{XML_HEAD}<ofd:Document {_OPEN}>\n<ofd:CommonData>\n<ofd:MaxUnitID>{max_id}</ofd:MaxUnitID>\n",
        f"<ofd:PageArea><ofd:PhysicalBox>0 0 {mm(area[0])} {mm(area[1])}</ofd:PhysicalBox></ofd:PageArea>\n",
        "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes>\n",
    ]
    if with_images:
        out.append("<ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>\n")
    out.append("</ofd:CommonData>\n<ofd:Pages>\n")
    for number, page_id in enumerate(page_ids):
        out.append(f'<ofd:Page ID="{page_id}" BaseLoc="Pages/Page_{number}/Content.xml"/>\n')
    out.append("</ofd:Pages>\n")
    if with_annotations:
        out.append("<ofd:Annotations>Annots/Annotations.xml</ofd:Annotations>\n")
    out.append("</ofd:Document>\n")
    return "".join(out)


def public_res_xml(fonts: FontTable) -> str:
    """Fonts. BaseLoc "Res" is relative to Doc_0/, and each FontFile to BaseLoc: Doc_0/Res/font_0.ttf."""
    out = [f'{XML_HEAD}<ofd:Res {_OPEN} BaseLoc="Res">\n']
    if fonts.resources:
        out.append("<ofd:Fonts>\n")
        for resource in fonts.resources.values():
            family = attr(resource.family)
            out.append(
                f'<ofd:Font ID="{resource.id}" FontName="{family}" FamilyName="{family}">'
                f"<ofd:FontFile>{resource.file.name}</ofd:FontFile></ofd:Font>\n"
            )
        out.append("</ofd:Fonts>\n")
    out.append("</ofd:Res>\n")
    return "".join(out)


def document_res_xml(images: ImageTable) -> str:
    out = [f'{XML_HEAD}<ofd:Res {_OPEN} BaseLoc="Res">\n<ofd:MultiMedias>\n']
    for image in images.images:
        out.append(
            f'<ofd:MultiMedia ID="{image.id}" Type="Image" Format="{image.format}">'
            f"<ofd:MediaFile>{image.name}</ofd:MediaFile></ofd:MultiMedia>\n"
        )
    out.append("</ofd:MultiMedias>\n</ofd:Res>\n")
    return "".join(out)


def annotation_parts(
    stamps: Sequence[tuple[int, int, list[StampPlace]]], annot_ids: Sequence[int], created: dt.date
) -> dict[str, str]:
    """A Stamp annotation with an empty appearance at each seal's box: the place a signing tool (GB/T 38540) puts
    its electronic seal. The seal image itself stays in the page content, so every reader shows it.
    ``stamps`` holds (page number, page ID, seal boxes) for the pages that have seals."""
    parts: dict[str, str] = {}
    index = [f"{XML_HEAD}<ofd:Annotations {_OPEN}>\n"]
    ids = iter(annot_ids)
    for number, page_id, places in stamps:
        index.append(
            f'<ofd:Page PageID="{page_id}"><ofd:FileLoc>Page_{number}/Annotation.xml</ofd:FileLoc></ofd:Page>\n'
        )
        page = [f"{XML_HEAD}<ofd:PageAnnot {_OPEN}>\n"]
        for place in places:
            page.append(
                f'<ofd:Annot ID="{next(ids)}" Type="Stamp" Creator="docgen" LastModDate="{created.isoformat()}" '
                'Subtype="SealPlaceholder"><ofd:Remark>印章位置（签章时以电子印章替换）</ofd:Remark>'
            )
            if place.key:
                page.append(f'<ofd:Parameters><ofd:Parameter Name="key">{text(place.key)}</ofd:Parameter>'
                            "</ofd:Parameters>")  # fmt: skip
            page.append(
                f'<ofd:Appearance Boundary="{mm(place.left)} {mm(place.top)} {mm(place.width)} {mm(place.height)}"'
                "/></ofd:Annot>\n"
            )
        page.append("</ofd:PageAnnot>\n")
        parts[f"{DOC}/Annots/Page_{number}/Annotation.xml"] = "".join(page)
    index.append("</ofd:Annotations>\n")
    return {f"{DOC}/Annots/Annotations.xml": "".join(index), **parts}


def doc_id(seed: bytes | None, members: Sequence[tuple[str, bytes]], title: str, author: str) -> str:
    """32 hex digits: of the caller's seed, else of the package's content (rebuilding the same frame gives the same
    ID; a changed page gives another)."""
    digest = hashlib.sha256()
    if seed is not None:
        digest.update(seed)
    else:
        for name, data in members:
            digest.update(name.encode() + b"\0" + len(data).to_bytes(8, "big") + data)
        digest.update(title.encode() + b"\0" + author.encode())
    return digest.hexdigest()[:32]


def zip_package(members: Sequence[tuple[str, bytes]]) -> bytes:
    """The OFD container: a zip with deflated XML and fonts and stored (already compressed) images."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.create_system = 3  # the same bytes on every platform
            info.external_attr = 0o644 << 16
            stored = name.endswith((".png", ".jpg"))
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            package.writestr(info, data)
    return out.getvalue()
