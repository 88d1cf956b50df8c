"""Round trip: every example spec → docgen's DOCX (and PDF) → `docgen import` → the spec again?

Three readings of each document: the DOCX as docgen wrote it (the spec kept inside it comes back), the same DOCX
with one paragraph edited (the text read again, the edit kept, the layout settings carried over), and the DOCX
without the kept spec and the PDF (the text alone, as for a file from elsewhere). For each, the top-level fields
of the spec that come back equal, and those that differ.

    python bench/roundtrip.py            # a table
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import docgen  # noqa: E402
from docgen.importer import import_text  # noqa: E402

SPECS = sorted((ROOT / "specs").glob("*.yaml"))
#: what a reader of the spec compares (settings like seals are files, not text the document shows)
FIELDS = (
    "kind",
    "header",
    "masthead",
    "title",
    "recipients",
    "body",
    "attachments",
    "signature",
    "note",
    "distribution",
)
KIND_NAMES = {"通知": "notice", "通报": "bulletin", "请示": "request", "报告": "report", "意见": "opinion",
              "决定": "decision", "批复": "reply", "函": "letter", "纪要": "minutes", "命令": "order", "令": "order",
              "信函": "letter-format", "简报": "meeting-summary", "会议综述": "meeting-summary"}  # fmt: skip


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k not in ("seals", "stamps")}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return value


def _listed(value: Any) -> Any:
    """``issuers: X`` and ``issuers: [X]`` say the same (and signers, and a 主送 of one)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return {k: [v] if k in ("issuers", "signers") and isinstance(v, str) else v for k, v in value.items()}
    return value


def _compare(expected: dict[str, Any], got: dict[str, Any]) -> list[str]:
    differ = []
    for key in FIELDS:
        want, have = _plain(expected.get(key)), _plain(got.get(key))
        if key == "kind":
            want, have = KIND_NAMES.get(want, want), KIND_NAMES.get(have, have)
        if key in ("header", "signature", "recipients"):
            want, have = _listed(want), _listed(have)
        if want != have:
            differ.append(key)
    return differ


def _without_spec(docx: Path, out: Path) -> Path:
    with zipfile.ZipFile(docx) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/_rels/document.xml.rels":  # the relationship to the kept spec goes too
                data = re.sub(rb"<Relationship [^>]*customXml/item1.xml[^>]*/>", b"", data)
            if not info.filename.startswith("customXml/"):
                target.writestr(info, data)
    return out


def _edited(docx: Path, out: Path) -> Path:
    import docx as python_docx

    document = python_docx.Document(str(docx))
    for paragraph in document.paragraphs:
        if len(paragraph.text) > 20 and paragraph.runs and not paragraph.text.startswith("附件"):
            paragraph.runs[0].text = "（改）" + paragraph.runs[0].text
            break
    document.save(str(out))
    return out


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        for spec in SPECS:
            expected = yaml.safe_load(spec.read_text(encoding="utf-8"))
            document = docgen.render(spec)
            docx = tmp / f"{spec.stem}.docx"
            docx.write_bytes(document.to_docx())
            pdf = tmp / f"{spec.stem}.pdf"
            pdf.write_bytes(document.to_pdf())
            row = [spec.stem]
            for name, path in (
                ("docx", docx),
                ("edited", _edited(docx, tmp / f"{spec.stem}-edited.docx")),
                ("text only", _without_spec(docx, tmp / f"{spec.stem}-plain.docx")),
                ("pdf", pdf),
            ):
                try:
                    got = import_text(path).spec
                except docgen.DocgenError as exc:
                    row.append(f"error: {exc.message}")
                    continue
                differ = _compare(expected, got)
                if name == "edited":  # the field holding the edit differs by the edit
                    edited = [k for k in FIELDS if "（改）" in yaml.safe_dump(got.get(k), allow_unicode=True)]
                    kept = "（改）" in yaml.safe_dump(got, allow_unicode=True)
                    differ = [d for d in differ if d not in edited]
                    if not kept:
                        differ.append("EDIT LOST")
                    row.append("equal but the edit" if not differ else "differ: " + ", ".join(differ))
                    continue
                row.append("equal" if not differ else "differ: " + ", ".join(differ))
            rows.append(row)
    print("| spec | DOCX as written | DOCX, one paragraph edited | DOCX without the kept spec | PDF |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
