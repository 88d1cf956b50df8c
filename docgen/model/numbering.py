"""Structure numbers of GB/T 9704 §7.3.3: 一、 （一） 1. （1）."""

from __future__ import annotations

from docgen.model.blocks import chinese_numeral

__all__ = ["heading_label"]


def heading_label(level: int, number: int) -> str:
    """The number of the ``number``-th heading of ``level``: 一、 （一） 1. （1）."""
    if level == 1:
        return f"{chinese_numeral(number)}、"
    if level == 2:
        return f"（{chinese_numeral(number)}）"
    if level == 3:
        return f"{number}."
    return f"（{number}）"
