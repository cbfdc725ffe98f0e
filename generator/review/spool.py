"""A list kept on disk: a province's 10,000 reviewed reports never sit in memory together."""

from __future__ import annotations

import pickle
import tempfile
from array import array
from collections.abc import Iterator, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


class Spool(Sequence, Generic[T]):
    """Items pickled to an anonymous temporary file (gone when closed or the process ends);
    only their offsets stay in memory. Read back one at a time, as often as the writers need."""

    def __init__(self) -> None:
        self._fh = tempfile.TemporaryFile(prefix="nianbao-")
        self._offsets = array("q")

    def append(self, item: T) -> None:
        self._fh.seek(0, 2)
        self._offsets.append(self._fh.tell())
        pickle.dump(item, self._fh, protocol=pickle.HIGHEST_PROTOCOL)

    def __len__(self) -> int:
        return len(self._offsets)

    def __getitem__(self, i):  # noqa: ANN001 — Sequence's signature (int or slice)
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        self._fh.seek(self._offsets[i])
        return pickle.load(self._fh)

    def __iter__(self) -> Iterator[T]:
        for i in range(len(self)):
            yield self[i]

    def close(self) -> None:
        self._fh.close()
