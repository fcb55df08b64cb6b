"""Diagnostics: every problem a run finds, reported together as path:line:col."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem at one place in one file."""

    path: str
    line: int
    col: int
    severity: str  # "error", "warning" or "note" (a remark only --strict shows, and fails on)
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}"


# How the warnings about links that lead nowhere begin: `check --graph` lists them apart.
NO_NOTE = "no note named"
BROKEN_LINK = "broken link"


def about_dangling_link(d: Diagnostic) -> bool:
    """True for a warning about a wikilink, relation or Markdown link that leads nowhere."""
    return d.message.startswith((NO_NOTE, BROKEN_LINK))


class BuildFailed(Exception):
    """Raised when a stage found errors; carries all of them."""

    def __init__(self, diagnostics: list[Diagnostic], strict: bool = False):
        super().__init__("\n".join(str(d) for d in diagnostics))
        self.diagnostics = diagnostics
        self.strict = strict  # the run failed on warnings and notes too


@dataclass
class Report:
    """Collects diagnostics across stages so that one run lists every problem."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, path: Path | str, line: int, col: int, message: str) -> None:
        """Record an error."""
        self.items.append(Diagnostic(str(path), line, col, "error", _one_line(message)))

    def warn(self, path: Path | str, line: int, col: int, message: str) -> None:
        """Record a warning."""
        self.items.append(Diagnostic(str(path), line, col, "warning", _one_line(message)))

    def note(self, path: Path | str, line: int, col: int, message: str) -> None:
        """Record a note: a remark only a --strict run shows, as a failure."""
        self.items.append(Diagnostic(str(path), line, col, "note", _one_line(message)))

    @property
    def errors(self) -> list[Diagnostic]:
        """The diagnostics that fail the build."""
        return [d for d in self.items if d.severity == "error"]

    def raise_if_failed(self, strict: bool = False) -> None:
        """Stop the run when there are errors (or any warning, when strict)."""
        failing = self.items if strict else self.errors
        if failing:
            # A template fault repeats once per page rendered with it; show it once.
            raise BuildFailed(sorted(set(self.items if strict else shown(self.items)), key=_sort_key), strict)


def shown(items) -> tuple[Diagnostic, ...]:
    """The diagnostics a run without --strict prints: all but the notes."""
    return tuple(d for d in items if d.severity != "note")


_BREAKS = re.compile("[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def _one_line(message: str) -> str:
    """The message with line breaks written as escapes, so each problem stays one path:line:col line
    (messages quote authors' values, which may hold any of them)."""
    return _BREAKS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), message)


def _sort_key(d: Diagnostic) -> tuple:
    return (d.path, d.line, d.col, d.message)


def did_you_mean(name: str, candidates) -> str:
    """A ' (did you mean 'x'?)' hint for the closest candidate, or ''."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return hint_text(close[0] if close else None)


def hint_text(close: str | None) -> str:
    """' (did you mean 'x'?)' for a close name x; '' for None."""
    return f" (did you mean '{close}'?)" if close is not None else ""
