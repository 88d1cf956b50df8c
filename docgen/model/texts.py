"""The text a reader sees in each block, in reading order: one handler per block type (tests and checks read it)."""

from __future__ import annotations

from collections.abc import Callable

from docgen.model.blocks import Blank, Block, Group, Hanging, Mark, Rule, Signature, Signers, Split, Table, Text

__all__ = ["TEXTS", "block_texts"]


def _hanging(block: Hanging) -> list[str]:
    return [(block.prefix if i == 0 else "") + item.label + item.text for i, item in enumerate(block.items)]


#: Block type → the texts it shows (a group's are its children's, listed with them).
TEXTS: dict[type, Callable[..., list[str]]] = {
    Text: lambda block: [block.text],
    Split: lambda block: [t for t in ("".join(r.text for r in block.left), "".join(r.text for r in block.right)) if t],
    Hanging: _hanging,
    Signature: lambda block: [t for t in (*(s.name for s in block.signers), block.date) if t],
    Mark: lambda block: [*block.names, *([block.suffix] if block.suffix else [])],
    Signers: lambda block: [t for t in (block.number, block.label, *block.names) if t],
    Rule: lambda block: [],
    Blank: lambda block: [],
    Group: lambda block: [],
    Table: lambda block: [cell.text for row in block.rows for cell in row.cells if cell.text],
}


def block_texts(block: Block) -> list[str]:
    return TEXTS[type(block)](block)
