"""Pausing Python's cyclic garbage collector while a large tree of objects is built."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """Run the block with the cyclic collector off (restored after, as it was).

    Loading builds hundreds of thousands of YAML nodes and model objects, none in a cycle;
    each automatic collection walks every live container, so with the collector on the
    load of 10^5 figures spent over half its time in collections that freed nothing.
    Reference counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
