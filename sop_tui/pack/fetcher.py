"""The only URL fetcher WeasyPrint gets: the template folder's own assets, and our charts.

:class:`PackFetcher` serves two kinds of URL and refuses everything else (``http``, ``https``,
``ftp``, ``data:``, any ``file:`` path outside the template folder, a symlink that leads out of
it):

- ``file:`` URLs of regular files inside the template folder (the print CSS, fonts, a logo);
- ``chart:NAME`` URLs of the SVG charts rendered in memory for this pack.

Refusals are recorded in :attr:`PackFetcher.refused`, so a test (or a cautious caller) can see
that a hostile ``<img src=...>`` was asked for and turned down. User text never reaches a URL in
the first place, because the template escapes it; this is the second wall.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

CHART_SCHEME = "chart"


class RefusedURL(ValueError):
    """A URL the pack will not fetch."""


class PackFetcher(URLFetcher):
    """Serve the template folder's files and in-memory charts; refuse the rest.

    Args:
        assets_dir: the template folder; only regular files inside it are served.
        charts: SVG bytes by chart name, served as ``chart:NAME``.
    """

    def __init__(self, assets_dir: Path, charts: Mapping[str, bytes] | None = None) -> None:
        super().__init__(timeout=1, allowed_protocols=("file", CHART_SCHEME),
                         allow_redirects=False)
        self.root = assets_dir.resolve()
        self.charts = dict(charts or {})
        self.refused: list[str] = []
        self.served: list[str] = []

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        """Return the asset or chart at ``url``, or raise :class:`RefusedURL`."""
        try:
            response = self._resolve(url)
        except RefusedURL:
            self.refused.append(url)
            raise
        self.served.append(url)
        return response

    def _resolve(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == CHART_SCHEME:
            name = unquote(parts.path)
            if name not in self.charts:
                raise RefusedURL(f"no chart named {name!r} in this pack")
            return URLFetcherResponse(url, self.charts[name], {"Content-Type": "image/svg+xml"})
        if scheme != "file" or parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"{url!r}: the pack fetches only its own template assets")
        path = Path(unquote(parts.path))
        try:
            # resolve() follows symlinks, so a link pointing out of the folder is caught here.
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            raise RefusedURL(f"{url!r}: no such asset") from None
        if not real.is_relative_to(self.root) or not real.is_file():
            raise RefusedURL(f"{url!r} is outside the pack's template folder")
        mime = mimetypes.guess_type(real.name)[0] or "application/octet-stream"
        return URLFetcherResponse(real.as_uri(), real.read_bytes(), {"Content-Type": mime})
