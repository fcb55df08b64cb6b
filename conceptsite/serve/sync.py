"""What one rebuild changed in the preview folder, as the open tabs are told it."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True)
class Delta:
    """What one rebuild changes in the output folder, by output path."""

    written: tuple[str, ...]
    removed: tuple[str, ...]
    restyled: tuple[str, ...] = ()  # HTML pages whose only change is a stylesheet's version stamp

    @property
    def pages(self) -> int:
        """How many HTML pages were written."""
        return sum(1 for rel in self.written if rel.endswith(".html"))

    def reload_urls(self) -> list[str]:
        """URLs of pages an open tab must reload: changed or removed, not merely restyled."""
        skip = set(self.restyled)
        return sorted({url_of(rel) for rel in (*self.written, *self.removed) if rel not in skip})

    def stylesheets(self) -> list[str]:
        """URLs of the stylesheets that changed, for a swap without reload."""
        return sorted(url_of(rel) for rel in self.written if rel.endswith(".css"))


def url_of(rel: str) -> str:
    """The URL a browser shows for an output file: folder URLs for index.html."""
    if rel == "index.html" or rel.endswith("/index.html"):
        rel = rel[: -len("index.html")]
    return "/" + quote(rel, safe="/~-._!$&'()*+,;=:@")
