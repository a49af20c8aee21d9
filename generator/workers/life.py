"""Worker processes die with the process that started them (a batch, a server), even one killed with SIGKILL.

Workers ignore Ctrl-C (and a batch's workers SIGTERM too): their parent stops them between
jobs, so a killed parent would leave them running forever. On Linux the kernel sends them
SIGKILL when their parent dies (prctl PR_SET_PDEATHSIG); everywhere a watchdog thread also
ends a worker within a second once the parent process is gone.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1
WATCH_SECONDS = 1.0


def die_with_parent(parent_pid: int) -> None:
    """Called first thing in a worker: arrange to die when the process `parent_pid` that started it dies."""
    _kill_me_with_parent()
    if not _alive(parent_pid):  # it died before the kernel knew to tell us
        os._exit(1)
    watch_parent(parent_pid)


def _kill_me_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # the watchdog still ends the worker


def watch_parent(parent_pid: int) -> None:
    """Start a daemon thread that ends this process once `parent_pid` is gone or this process is re-parented."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(WATCH_SECONDS)
            if os.getppid() != parent or not _alive(parent_pid):
                os._exit(1)

    threading.Thread(target=watch, name="worker-watchdog", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
