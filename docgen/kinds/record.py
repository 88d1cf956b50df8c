"""``Record``: validated spec content, read as attributes (``spec.signature.date``) or as a mapping."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["Record"]


class Record(Mapping[str, Any]):
    """An immutable mapping of a validated part of a spec. Every field the kind declares is present (absent
    optional ones as None or an empty tuple), so ``spec.masthead`` is None rather than an error; a name the kind
    does not declare is an AttributeError, as on any object."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        object.__setattr__(self, "_data", dict(data))

    def __getattr__(self, name: str) -> Any:
        try:
            return self._data[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a Record is read-only")

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self._data) == dict(other)

    def __hash__(self) -> int:
        return hash(tuple(self._data.items()))

    def __repr__(self) -> str:
        return f"Record({self._data!r})"

    def __reduce__(self) -> tuple[Any, ...]:  # pickled into the forked writer and batch workers
        return (Record, (self._data,))
