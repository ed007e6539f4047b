"""Importing WeasyPrint without a third of its import time spent looking for libraries.

WeasyPrint opens Pango, HarfBuzz, fontconfig and GObject through cffi, trying each library's
names for every platform in turn (``libpango-1.0-0``, ``pango-1.0-0``, ``pango-1.0``, ...). cffi
resolves a name it cannot open directly with ``ctypes.util.find_library``, which on Linux asks
ldconfig's cache and then, for a name not there, runs ``gcc`` and ``ld`` (~18 ms a name). Of the
22 names WeasyPrint 70 tries, 16 are misses: ~0.3 s of a ~1 s import, on the pack's critical
path. :func:`import_weasyprint` imports it with the lookup limited to ldconfig's cache (what
finds every library of a packaged install); were a library findable only through ``gcc`` or
``ld``, that import fails, and WeasyPrint is imported again with the full lookup.

For a single-threaded process (the pack's forked renderer): the lookup is swapped, and
WeasyPrint's complaint on the failing attempt silenced, process-wide for the import's length.
"""

from __future__ import annotations

import contextlib
import io
import sys
from types import ModuleType


def import_weasyprint() -> ModuleType:
    """``import weasyprint``, the library lookup limited to ldconfig's cache when it can be."""
    if "weasyprint" in sys.modules:
        return sys.modules["weasyprint"]
    import ctypes.util

    cache_only = getattr(ctypes.util, "_findSoname_ldconfig", None)  # CPython on Linux
    if cache_only is None or not sys.platform.startswith("linux"):
        import weasyprint

        return weasyprint
    full = ctypes.util.find_library
    ctypes.util.find_library = cache_only  # cffi looks it up on the module at each call
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # its banner, were a library missing
            import weasyprint

        return weasyprint
    except OSError:
        for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = full
    import weasyprint  # the full lookup: gcc and ld for what ldconfig's cache lacks

    return weasyprint
