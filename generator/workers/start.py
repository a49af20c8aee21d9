"""How worker processes start: forked from this warm process when that is safe, else fresh.

Forking is only safe while no other thread runs (a thread holding a lock at fork time
leaves that lock held forever in the child; Python 3.12+ warns): when another thread is
alive, or the platform cannot fork, workers start with forkserver or spawn instead and
each loads what it needs itself.
"""

from __future__ import annotations

import gc
import multiprocessing
import threading
from multiprocessing.context import BaseContext


def start_context() -> BaseContext:
    """fork when it is safe (no other thread alive), else forkserver or spawn.

    Before forking, every object made so far (the warm library, layouts, fonts, caches) is frozen out
    of the cyclic garbage collector (gc.freeze): the workers' collections then walk only what their
    builds make (a full collection no longer walks the whole warm heap), and leave the inherited
    pages shared instead of copying them."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        gc.freeze()
        return multiprocessing.get_context("fork")
    return fresh_context()


def fresh_context() -> BaseContext:
    """forkserver, else spawn: workers that inherit nothing from this process (no open sockets)."""
    return multiprocessing.get_context(
        "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    )
