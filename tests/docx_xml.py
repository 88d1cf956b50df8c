"""Read a DOCX back the way Word resolves it: paragraphs with their text, and the effective (style-chain) font, size
and paragraph properties of each. Independent of docgen's writer: it reads only the XML."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def q(tag: str) -> str:
    prefix, name = tag.split(":")
    assert prefix == "w"
    return f"{{{W}}}{name}"


@dataclass
class Para:
    element: etree._Element
    style_id: str
    text: str
    runs: list[tuple[str, str | None]]  # (text, character style id)


class DocxXml:
    def __init__(self, data: bytes) -> None:
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.document = self.part("word/document.xml")
        self.styles = self.part("word/styles.xml")
        self.settings = self.part("word/settings.xml")
        self.style_elements = {s.get(q("w:styleId")): s for s in self.styles.findall("w:style", NS)}

    def part(self, name: str) -> etree._Element:
        return etree.fromstring(self.zip.read(name))

    def names(self) -> list[str]:
        return self.zip.namelist()

    @property
    def body(self) -> etree._Element:
        return self.document.find("w:body", NS)

    @property
    def sect_pr(self) -> etree._Element:
        return self.body.find("w:sectPr", NS)

    def paragraphs(self) -> list[Para]:
        out = []
        for p in self.body.findall("w:p", NS):
            style = p.find("w:pPr/w:pStyle", NS)
            runs = []
            for r in p.findall("w:r", NS):
                rstyle = r.find("w:rPr/w:rStyle", NS)
                text = "".join(
                    t.text or "" if t.tag == q("w:t") else ("\t" if t.tag == q("w:tab") else "\n")
                    for t in r
                    if t.tag in (q("w:t"), q("w:tab"), q("w:br"))
                )
                runs.append((text, rstyle.get(q("w:val")) if rstyle is not None else None))
            out.append(
                Para(p, style.get(q("w:val")) if style is not None else "Normal", "".join(t for t, _ in runs), runs)
            )
        return out

    def style_name(self, style_id: str) -> str:
        return self.style_elements[style_id].find("w:name", NS).get(q("w:val"))

    def _chain(self, style_id: str | None) -> list[etree._Element]:
        chain = []
        while style_id:
            style = self.style_elements[style_id]
            chain.append(style)
            based = style.find("w:basedOn", NS)
            style_id = based.get(q("w:val")) if based is not None else None
        return chain

    def _lookup(self, elements: list[etree._Element], path: str, attr: str) -> str | None:
        for element in elements:
            if element is None:
                continue
            found = element.find(path, NS)
            if found is not None and found.get(q(f"w:{attr}")) is not None:
                return found.get(q(f"w:{attr}"))
        return None

    def run_property(self, para: Para, run_style: str | None, path: str, attr: str) -> str | None:
        """Effective run property: run style chain, then paragraph style chain, then docDefaults."""
        layers = []
        layers += [s.find("w:rPr", NS) for s in self._chain(run_style)]
        layers += [s.find("w:rPr", NS) for s in self._chain(para.style_id)]
        layers.append(self.styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS))
        return self._lookup(layers, path, attr)

    def para_property(self, para: Para, path: str, attr: str) -> str | None:
        """Effective paragraph property: direct pPr, then the style chain, then docDefaults."""
        layers = [para.element.find("w:pPr", NS)]
        layers += [s.find("w:pPr", NS) for s in self._chain(para.style_id)]
        layers.append(self.styles.find("w:docDefaults/w:pPrDefault/w:pPr", NS))
        return self._lookup(layers, path, attr)

    def east_asian_font(self, para: Para, run_style: str | None = None) -> str | None:
        return self.run_property(para, run_style, "w:rFonts", "eastAsia")

    def size_pt(self, para: Para, run_style: str | None = None) -> float:
        return int(self.run_property(para, run_style, "w:sz", "val")) / 2
