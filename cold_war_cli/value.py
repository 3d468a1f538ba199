"""A base for small value objects.

cwc uses plain classes with __slots__ rather than dataclasses: defining a dataclass costs about half a millisecond
at import, which every run of cwc (and every TAB of shell completion) would pay, and slotted objects are cheaper
to build when a dataset has 100,000 events.
"""


class Value:
    """Equality and repr from __slots__, for value objects."""

    __slots__ = ()

    def _fields(self) -> tuple:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._fields() == self._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{n}={getattr(self, n)!r}' for n in self.__slots__)})"
