"""The preview server's request policy: which targets map to which files, which Host headers are ours.

Pure functions, so every refusal is easy to test: the path is decoded exactly once, traversal,
backslashes, NUL, drive letters, absolute-form and //host targets are refused, dotfiles are 404,
and symlinks are followed only while they stay inside the served folder."""
from __future__ import annotations

import ipaddress
import os
import re
from pathlib import Path
from urllib.parse import quote, unquote

_DRIVE = re.compile(r"^[A-Za-z]:")
_LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


class Refused(Exception):
    """A request target the server will not map to a file."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status


def request_path(target: str) -> str:
    """The site-relative path a request target names, decoded once; raise Refused for anything unsafe."""
    if not target.startswith("/") or target.startswith("//"):
        raise Refused(400, "only origin-form targets like /path are accepted")
    path = target.split("?", 1)[0].split("#", 1)[0]
    if "\\" in path:
        raise Refused(400, "backslash in path")
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:
        raise Refused(400, "path is not UTF-8") from None
    if any(ch in decoded for ch in "\\\0") or any(ord(ch) < 32 or ord(ch) == 127 for ch in decoded):
        raise Refused(400, "backslash or control character in path")
    parts = decoded.split("/")[1:]
    for i, part in enumerate(parts):
        if part in (".", "..") or _DRIVE.match(part) or (part == "" and i < len(parts) - 1):
            raise Refused(400, "path segment not allowed")
    if any(part.startswith(".") for part in parts):
        raise Refused(404, "hidden file")
    return "/".join(parts)


def locate(root: Path, rel: str) -> Path | str | None:
    """The real file for a site path inside root; a redirect URL (str) for a folder without '/'; else None."""
    real = _inside(root, root / rel)
    if real is not None and real.is_dir():
        if rel and not rel.endswith("/"):
            return "/" + quote(rel) + "/" if _inside(root, real / "index.html") else None
        real = _inside(root, real / "index.html")
    return real if real is not None and real.is_file() else None


def _inside(root: Path, candidate: Path) -> Path | None:
    real = Path(os.path.realpath(candidate))
    if not real.is_relative_to(root) or any(p.startswith(".") for p in real.relative_to(root).parts):
        return None
    return real if real.exists() else None


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """Host header values that name this server."""
    names = set(_LOOPBACK_NAMES)
    if host and not is_wildcard(host):
        names.add(f"[{host}]" if ":" in host else host.lower())
    values = {f"{name}:{port}" for name in names}
    if port == 80:
        values |= names
    return frozenset(values)


def host_ok(header: str | None, allowed: frozenset[str], wildcard: bool) -> bool:
    """True when a Host header names this server; bound to all interfaces, any IP literal is fine too."""
    if not header:
        return False
    header = header.strip().lower()
    if header in allowed:
        return True
    if not wildcard:
        return False
    name = header.rsplit(":", 1)[0] if not header.endswith("]") else header
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


def is_wildcard(host: str) -> bool:
    """True for addresses that bind every interface."""
    return host in ("", "0.0.0.0", "::")


def is_loopback(host: str) -> bool:
    """True when binding host exposes the server to this machine only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def inject(html: bytes, build: str) -> bytes:
    """Add the live-reload client to one HTML response, before </head> when there is one.

    The script's URL names the build the page came from, so a tab that missed a rebuild notices."""
    client = f'<script src="/__conceptsite/livereload.js?build={quote(build)}" defer></script>'.encode()
    lower = html.lower()
    for tag in (b"</head>", b"</body>"):
        at = lower.find(tag)
        if at >= 0:
            return html[:at] + client + html[at:]
    return html + client
