"""The output formats: each is one function from a rendered ``Document`` to the file's bytes, registered here.

A writer serializes what the layout decided: the PDF (and, later, OFD) writer the page frame, the DOCX writer the
blocks with the layout's decisions about them (where a title breaks, the space before each block, the page breaks
it chose), so that Word reflowing the text lands where the layout did. Adding a format is one module and one entry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docgen.document import Document

__all__ = ["DEFAULT_FORMATS", "FORMATS", "WRITERS"]


def _docx(document: Document) -> bytes:
    from docgen.writers.docx import render_docx  # each writer imports its libraries only when used

    return render_docx(document.model, document.layout, document.style, document.spec_data)


def _pdf(document: Document) -> bytes:
    from docgen.writers.pdf import render_pdf

    return render_pdf(document.frame)


def _ofd(document: Document) -> bytes:
    from docgen.writers.ofd import render_ofd

    return render_ofd(document.frame)


#: format → writer, in the order formats are listed to users
WRITERS: dict[str, Callable[[Document], bytes]] = {"docx": _docx, "pdf": _pdf, "ofd": _ofd}
FORMATS = tuple(WRITERS)
#: what `docgen build` writes when no format is asked for
DEFAULT_FORMATS = ("docx", "pdf")
