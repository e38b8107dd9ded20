"""Pausing Python's cyclic garbage collector while a large structure is built.

Each collection walks every object alive, and building 10⁵ neurons,
connections and parameters triggers dozens of them: without a pause, building
a large graph grows faster than its size. Reference counting still frees
whatever is dropped; the collector runs again as before afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_gc"]


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection inside (a context manager, or a decorator).

    Examples
    --------
    >>> import gc
    >>> with paused_gc():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
