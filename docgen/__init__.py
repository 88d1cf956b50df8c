"""docgen: a YAML spec → a Chinese official document (公文) laid out to GB/T 9704-2012.

import docgen
docgen.build("spec.yaml", out_dir="out")            # writes out/spec.docx
doc = docgen.render({"title": "…", "body": ["…"]})  # in memory
data = doc.to_docx()
"""

from docgen.document import Document, build, render
from docgen.errors import DocgenError, OutputError, SourceRef, SpecError, StyleError, TemplateError
from docgen.spec import Spec, load_spec
from docgen.style import StyleProfile, load_profile

__all__ = [
    "DocgenError",
    "Document",
    "OutputError",
    "SourceRef",
    "Spec",
    "SpecError",
    "StyleError",
    "StyleProfile",
    "TemplateError",
    "build",
    "load_profile",
    "load_spec",
    "render",
]
__version__ = "0.1.0"
