"""Forked helper processes: when forking is safe, and a child that leaves the right way.

A forked child starts with the parent's modules already imported (no interpreter start, no
re-import), which is why the view warmer, the pack's renderer and its metrics helper are
forks. Two rules make that safe, and both live here:

- fork only with no other thread running (:func:`can_fork`): a child inherits every lock as
  it was, and one held by another thread would never be released in the child;
- the child leaves with ``os._exit`` (:func:`fork_child`), whatever happens: it must not run
  the parent's cleanup (atexit handlers, buffered output written twice, objects' teardown).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable


def can_fork() -> bool:
    """Whether this process may fork a helper now (a POSIX system, and one thread only)."""
    return hasattr(os, "fork") and threading.active_count() == 1


def fork_child(work: Callable[[], int]) -> int:
    """Run ``work`` in a forked child and return the child's pid (check :func:`can_fork`).

    The child exits with ``work``'s result: 1 if it raised, ``SystemExit``'s code if it
    exited (argparse refusing arguments, say).
    """
    sys.stdout.flush()  # nothing buffered is written twice
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            code = work()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            os._exit(code)  # noqa: B012 - leaving is the point, whatever was raised
    return pid
