"""Model objects made many at a time: placed first, their fields set a column at a time.

The model's classes are frozen dataclasses with slots; calling one sets each field through
``object.__setattr__``, about 0.3 µs a field (3 µs a :class:`~fundaudit.model.Figure`), which
is a third of the time a large YAML file takes to load. A :class:`Batch` makes the objects of
one class empty (``object.__new__``), notes their field values as a row each, and
:meth:`Batch.fill` then sets each field of all of them through its slot (C speed, a column at a
time): the same objects, with the same fields, as the class's own ``__init__`` makes, as long
as that ``__init__`` only stores its arguments. :func:`_fields` checks that the class is such a
dataclass (frozen, slots, no ``__post_init__``, no field left out of ``__init__``) once, and
refuses any other.

An object of a batch must not be read before :meth:`Batch.fill` (its fields are not set yet);
the loaders that use one fill it before they return what they made.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from itertools import repeat
from operator import itemgetter
from typing import Any, Generic, TypeVar

_T = TypeVar("_T")
_new = object.__new__


class Batch(Generic[_T]):
    """Objects of one model class made now and filled later (see the module's docstring)."""

    __slots__ = ("cls", "objects", "rows", "width")

    def __init__(self, cls: type[_T]) -> None:
        self.cls = cls
        self.width = len(_fields(cls))
        self.objects: list[_T] = []
        self.rows: list[tuple[Any, ...]] = []  # the fields of each object, in the class's order

    def make(self, values: tuple[Any, ...]) -> _T:
        """A new object whose fields will be ``values`` (in the class's order) once filled."""
        made: _T = _new(self.cls)
        self.objects.append(made)
        self.rows.append(values)
        return made

    def fill(self) -> None:
        """Set the fields of every object made since the last fill."""
        objects, rows = self.objects, self.rows
        if not objects:
            return
        if len(objects) != len(rows) or any(len(row) != self.width for row in rows):
            raise ValueError("a row that does not fit its class")
        for i, slot in enumerate(_fields(self.cls)):
            deque(map(slot.__set__, objects, map(itemgetter(i), rows)), 0)
        self.objects, self.rows = [], []


def columns(cls: type[_T], count: int, values: dict[str, Any]) -> list[_T]:
    """``count`` objects of ``cls``, field ``name`` of the i-th being ``values[name][i]``.

    A value that is not a list or tuple (of ``count`` items) is every object's.
    """
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    if values.keys() != set(names):
        raise ValueError(f"the fields of {cls.__name__} are {names}")
    made = list(map(_new, repeat(cls, count)))
    for name, slot in zip(names, _fields(cls), strict=True):
        column = values[name]
        if type(column) is list or type(column) is tuple:
            if len(column) != count:
                raise ValueError(f"{count} objects, {len(column)} values of {name}")
        else:
            column = repeat(column, count)
        deque(map(slot.__set__, made, column), 0)
    return made


_SLOTS: dict[type[Any], tuple[Any, ...]] = {}


def _fields(cls: type[Any]) -> tuple[Any, ...]:
    """The slots of ``cls``'s fields, in order; TypeError when its ``__init__`` does more than store them."""
    found = _SLOTS.get(cls)
    if found is not None:
        return found
    made: Any = cls.__new__
    params = getattr(cls, "__dataclass_params__", None)
    if (
        params is None
        or not params.frozen
        or not params.init
        or hasattr(cls, "__post_init__")
        or "__slots__" not in cls.__dict__
        or made is not object.__new__
    ):
        raise TypeError(f"{cls.__name__} is not a frozen dataclass with slots whose __init__ only stores")
    fields = dataclasses.fields(cls)
    slots = tuple(cls.__dict__[f.name] for f in fields)
    if any(not f.init for f in fields) or any(type(s).__name__ != "member_descriptor" for s in slots):
        raise TypeError(f"{cls.__name__} has a field its __init__ does not store in a slot")
    _SLOTS[cls] = slots
    return slots
