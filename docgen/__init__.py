"""docgen: a YAML spec → a Chinese official document (公文) laid out to GB/T 9704-2012.

import docgen
docgen.build("spec.yaml", out_dir="out")            # writes out/spec.docx
doc = docgen.render({"title": "…", "body": ["…"]})  # in memory
data = doc.to_docx()
docgen.configure(cache_dir="/srv/cache", timestamp=1678838400)  # process-wide choices (the CLI reads its env)
"""

from docgen.document import Document, build, render
from docgen.errors import DocgenError, OutputError, SourceRef, SpecError, StyleError, TemplateError
from docgen.settings import Settings, configure, settings_from
from docgen.spec import Spec, load_spec
from docgen.style import StyleProfile, load_profile

__all__ = [
    "DocgenError",
    "Document",
    "OutputError",
    "Settings",
    "SourceRef",
    "Spec",
    "SpecError",
    "StyleError",
    "StyleProfile",
    "TemplateError",
    "build",
    "configure",
    "load_profile",
    "load_spec",
    "render",
    "settings_from",
]
__version__ = "0.1.0"
