"""Child processes started from inside the app.

Textual replaces ``sys.stderr`` with a capture whose ``fileno()`` is -1; multiprocessing's
resource tracker hands that descriptor to its process, and a process pool started from a worker
thread then fails with "bad value(s) in fds_to_keep". Starting the tracker once, on the UI
thread, with the real stderr, lets every later pool reuse it.
"""

from __future__ import annotations

import sys
from multiprocessing import resource_tracker


def start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with the real stderr (UI thread, once)."""
    real = sys.__stderr__
    if real is None:
        return
    saved = sys.stderr
    try:
        sys.stderr = real
        resource_tracker.ensure_running()
    finally:
        sys.stderr = saved
