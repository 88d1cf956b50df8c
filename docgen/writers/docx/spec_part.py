"""The spec a DOCX was built from, kept inside it: a custom XML part (``customXml/item1.xml``, the OOXML place for an
application's own data, which Word and WPS keep and do not show) holding the spec's data as JSON (base64, so that no
text of the spec can break the XML) and a fingerprint of the document's paragraph texts as written.

``docgen import`` reads it back: when the paragraphs are still the ones docgen wrote, the spec comes back exactly;
when a clerk has edited the text, the fingerprint tells so and the text is read again (``docgen/importer.py``).
The spec's comments are not kept (only its data): a clerk's notes to themselves do not travel with the file.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from typing import Any

NAMESPACE = "urn:docgen:spec:1"
PART_NAME = "/customXml/item1.xml"
RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"


def fingerprint(paragraph_texts: list[str]) -> str:
    return hashlib.sha256("\n".join(paragraph_texts).encode("utf-8")).hexdigest()


def plain_data(value: Any) -> Any:
    """A spec's data with text keys and dates as ISO text (how JSON holds it and how specs compare)."""
    if isinstance(value, dict):
        return {str(k): plain_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_data(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return value


def spec_json(data: Any) -> str:
    """The spec's data as JSON (dates as ISO text): a YAML reader reads it as it is, and writing it takes a
    fraction of what a YAML dump of a long spec does."""
    import json

    return json.dumps(plain_data(data), ensure_ascii=False, separators=(",", ":"))


def attach_spec(document: Any, data: Any) -> None:
    """Add the part to a python-docx document, after its text is complete."""
    import json

    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    texts = [p.text for p in document.paragraphs]
    encoded = base64.b64encode(spec_json(data).encode("utf-8")).decode("ascii")
    written = base64.b64encode(json.dumps(texts, ensure_ascii=False).encode("utf-8")).decode("ascii")
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<docgen xmlns="{NAMESPACE}" version="1">'
        f'<text sha256="{fingerprint(texts)}" encoding="base64">{written}</text>'
        f'<spec encoding="base64">{encoded}</spec></docgen>'
    )
    part = Part(PackURI(PART_NAME), "application/xml", xml.encode("utf-8"), document.part.package)
    document.part.relate_to(part, RELATIONSHIP)


#: A kept spec larger than this is not read back (a real spec is tens of kilobytes; the bound keeps a forged part
#: from taking memory).
MAX_PART_BYTES = 8 * 1024 * 1024


def read_spec(raw_part: bytes) -> tuple[dict[str, Any], str, list[str]] | None:
    """(the spec's data, fingerprint, paragraph texts as written) from the part's bytes, or None when it is not
    docgen's, is damaged, or is too large or too deep to be a spec. What it says is not trusted: the importer
    checks it against the document's own text (``docgen/importer.py``)."""
    import json

    from lxml import etree

    if len(raw_part) > MAX_PART_BYTES:
        return None
    try:
        root = etree.fromstring(raw_part, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
        text = root.find(f"{{{NAMESPACE}}}text")
        spec = root.find(f"{{{NAMESPACE}}}spec")
        if root.tag != f"{{{NAMESPACE}}}docgen" or text is None or spec is None:
            return None
        written = json.loads(base64.b64decode(text.text or "", validate=True).decode("utf-8"))
        data = json.loads(base64.b64decode(spec.text or "", validate=True).decode("utf-8"))
    except (etree.XMLSyntaxError, ValueError, UnicodeDecodeError, RecursionError, MemoryError):
        return None  # a 5,000-digit integer, 50,000 nested brackets, bad base64 …: not a spec docgen wrote
    if not isinstance(written, list) or not all(isinstance(t, str) for t in written) or not isinstance(data, dict):
        return None
    return data, str(text.get("sha256", "")), written
