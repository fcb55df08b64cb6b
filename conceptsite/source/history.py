"""Dates of notes from git: created at the first commit of a file, updated at its last one.

Notes that set no dates in their front-matter get them here. The whole history comes from one
`git log` pass (a long one in two processes at once); read_head gives the cache key without starting
any process, so a warm build runs no git at all. Outside git, file_dates falls back to the file's modification time.
"""
from __future__ import annotations

import contextlib
import datetime
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from conceptsite.parallel import cores as _cores

_HEADER = "@"  # starts each commit's line in the log; no status letter is "@"
_FORMAT = f"--format={_HEADER}%aI"  # the author date as written, in the author's own zone
_TWO_PATHS = frozenset("RC")  # renames and copies name the old path, then the new one
_RENAMED = "R"
_GONE = "D"
_UNLINKED = frozenset("AD")  # added or deleted: before the commit, the name held no file of now
_HEX = frozenset("0123456789abcdef")
_ID_LENGTHS = (40, 64)  # SHA-1 and SHA-256 object names
_MAX_SYMREF_DEPTH = 5  # as git itself: deeper chains of symbolic refs are broken
_LONG = 2000  # commits on HEAD's first-parent line from which the log is read in two parts at once
_OLDER = 0.7  # the share of those commits in the older part (see _cut): the two took as long on the bench vault


@dataclass(frozen=True)
class FileDates:
    """When a note was first and last committed (or modified, outside git)."""

    created: datetime.date
    updated: datetime.date


@dataclass(frozen=True)
class Change:
    """One file a commit touched: its status letter, its name after, and its name before."""

    status: str  # A, M, D, T or R (renamed)
    path: str
    old: str | None  # the name before a rename; None otherwise


@dataclass(frozen=True)
class Commit:
    """A commit as the log shows it: the author's day and the files it touched."""

    day: str  # YYYY-MM-DD; kept as text, which sorts as the dates do
    changes: tuple[Change, ...]


def find_repository(folder: Path) -> Path | None:
    """The root of the work tree holding folder, or None outside any repository."""
    # Resolved as git does: it walks up from the physical folder, not through symlinks.
    start = Path(folder).resolve()
    for candidate in (start, *start.parents):
        if _find_git_dir(candidate) is not None:
            return candidate
    return None


def git_folder(content: Path) -> Path | None:
    """The git directory of the repository holding content (where HEAD and the refs move), or None."""
    root = find_repository(content)
    return _find_git_dir(root) if root is not None else None


def read_head(root: Path) -> str | None:
    """The commit id HEAD points to, read from the files under .git without running git."""
    git_dir = _find_git_dir(Path(root))
    if git_dir is None:
        return None
    return _resolve_ref(git_dir, _find_common_dir(git_dir), "HEAD")


def read_history(root: Path, folder: Path) -> dict[str, FileDates]:
    """Dates of the files under folder from git, keyed by their path relative to folder now."""
    root = Path(root).resolve()  # absolute, as git runs in folder, where "." is another place
    git_dir = _find_git_dir(root)
    text = None if git_dir is None else _run_log(git_dir, root, Path(folder))
    if text is None:
        return {}
    dates = collect_dates(parse_log(text))
    # A file can be dated under a name it no longer has: the log is one line, so a rename on a
    # branch does not rename what another branch did to the old name before the merge.
    base = os.fspath(folder)
    return {name: span for name, span in dates.items() if os.path.isfile(os.path.join(base, name))}


def file_dates(path: Path) -> FileDates:
    """Both dates from the file's modification time (local date), for notes outside git."""
    day = datetime.date.fromtimestamp(Path(path).stat().st_mtime)
    return FileDates(day, day)


def parse_log(text: str) -> Iterator[Commit]:
    """The commits in the output of `git log -z --name-status`, in the order of the log."""
    tokens = text.split("\0")
    at = 0
    while at < len(tokens):
        header = tokens[at]
        changes, at = _read_changes(tokens, at + 1)
        if header.startswith(_HEADER):
            yield Commit(header[len(_HEADER):len(_HEADER) + 10], tuple(changes))


def collect_dates(commits: Iterable[Commit]) -> dict[str, FileDates]:
    """Dates per current file name, from commits newest first."""
    names: dict[str, str | None] = {}  # name at this point of the walk -> name now (None: gone)
    spans: dict[str, list[str]] = {}  # name now -> [first day, last day]
    for commit in commits:
        _step_back(commit, names, spans)
    return {name: FileDates(_to_date(old), _to_date(new)) for name, (old, new) in spans.items()}


def _read_changes(tokens: list[str], at: int) -> tuple[list[Change], int]:
    """The changes from tokens[at] up to the next commit's header, and where that header is."""
    changes = []
    while at < len(tokens) - 1 and not tokens[at].startswith(_HEADER):
        status = tokens[at].lstrip("\n")[:1]  # a newline parts the header from the first change
        if status in _TWO_PATHS:
            # A copy (only with -C) leaves its source in place: to the walk it is a new file.
            old = tokens[at + 1] if status == _RENAMED else None
            changes.append(Change(status if old else "A", tokens[at + 2], old))
            at += 3
        else:
            changes.append(Change(status, tokens[at + 1], None))
            at += 2
    return changes, at


def _step_back(commit: Commit, names: dict[str, str | None], spans: dict[str, list[str]]) -> None:
    """Date the files one commit touched, then turn the names into those before the commit."""
    gone: dict[str, None] = {}
    renamed: dict[str, str | None] = {}
    for change in commit.changes:
        now = names.get(change.path, change.path)
        if now is not None and change.status != _GONE:
            _widen(spans, now, commit.day)
        if change.status in _UNLINKED or change.old is not None:
            gone[change.path] = None  # before this commit, the name held no file that is still here
        if change.old is not None:
            renamed[change.old] = now
    # Renames last, so that swapping two names in one commit keeps both files.
    names.update(gone)
    names.update(renamed)


def _widen(spans: dict[str, list[str]], name: str, day: str) -> None:
    """Stretch a file's span of days to take in one more day."""
    span = spans.setdefault(name, [day, day])
    # Author dates need not follow the log's order (rebases, cherry-picks, back-dating).
    span[0] = min(span[0], day)
    span[1] = max(span[1], day)


def _to_date(day: str) -> datetime.date:
    """A YYYY-MM-DD day as a date."""
    return datetime.date.fromisoformat(day)


def _run_log(git_dir: Path, root: Path, folder: Path) -> str | None:
    """The output of `git log` for folder, or None when git is missing or fails. A long history is read in
    two processes at once, when there are cores for both: the commits HEAD's cut commit does not reach,
    then those it does (_cut), which together are the whole log in a topological order, newest first."""
    cut = _cut(git_dir, root, folder) if _cores() > 1 else None
    revisions = [["HEAD"]] if cut is None else [[f"{cut}..HEAD"], [cut]]
    whole = folder.resolve() == root
    with contextlib.ExitStack() as files:
        outputs = [files.enter_context(tempfile.TemporaryFile()) for _ in revisions]  # pipes would take turns
        try:
            running = [subprocess.Popen(_log_command(git_dir, root, whole, part), cwd=folder, stdin=subprocess.DEVNULL,
                                        stdout=out, stderr=subprocess.DEVNULL) for part, out in zip(revisions, outputs)]
        except OSError:  # no git on PATH, or the folder is gone
            return None
        if any([process.wait() != 0 for process in running]):  # (every one waited for)
            return None
        for out in outputs:
            out.seek(0)
        texts = [out.read() for out in outputs]
    # Decoded as Python decodes file names, so that the keys match paths listed from disk.
    return b"".join(texts).decode("utf-8", "surrogateescape")


def _cut(git_dir: Path, root: Path, folder: Path) -> str | None:
    """Where to cut a long history (_LONG commits or more on HEAD's first-parent line) in two parts of about
    equal cost; None for a short one. Older commits hold fewer files, whose trees git compares faster, so the
    older part holds more commits (_OLDER)."""
    try:
        done = subprocess.run(["git", f"--git-dir={git_dir}", f"--work-tree={root}", "rev-list", "--first-parent",
                               "HEAD"], cwd=folder, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL)
    except OSError:
        return None
    line = done.stdout.split()
    return line[int(len(line) * (1 - _OLDER))].decode() if done.returncode == 0 and len(line) >= _LONG else None


def _log_command(git_dir: Path, root: Path, whole: bool, revisions: list[str]) -> list[str]:
    """The `git log` of the revisions over the history of the current folder (whole: the work tree)."""
    # --git-dir and --work-tree: the repository found, not whatever GIT_DIR a hook may have set.
    # The -c settings undo user config that would change the output: signatures, no root commit.
    return [
        "git", f"--git-dir={git_dir}", f"--work-tree={root}",
        "-c", "core.quotepath=false", "-c", "log.showSignature=false", "-c", "log.showRoot=true",
        "log", "-z", "--name-status", "-M", "--relative", "--topo-order", _FORMAT,
        # Merges show no changes in a log without -m: the commits merged carry their own dates.
        "--no-merges", *revisions,
        # No pathspec for the whole tree: limiting to "." costs a second tree diff per commit.
        *([] if whole else ["--", "."]),
    ]


def _find_git_dir(root: Path) -> Path | None:
    """The git directory of a work tree root: its .git folder, or where its gitfile points."""
    dot_git = root / ".git"
    git_dir = dot_git if dot_git.is_dir() else _follow_gitfile(dot_git)
    # A folder that is named .git but holds no HEAD is no repository to git either.
    return git_dir if git_dir is not None and (git_dir / "HEAD").is_file() else None


def _follow_gitfile(path: Path) -> Path | None:
    """Where a `gitdir: ...` file points (worktrees, submodules), or None."""
    text = _read_text(path)
    if text is None or not text.startswith("gitdir:"):
        return None
    return path.parent / text[len("gitdir:"):].strip()  # an absolute path replaces the parent


def _find_common_dir(git_dir: Path) -> Path:
    """Where the refs shared by all worktrees live: the worktree's commondir, or git_dir itself."""
    text = _read_text(git_dir / "commondir")
    return git_dir if text is None else git_dir / text.strip()


def _resolve_ref(git_dir: Path, common: Path, name: str) -> str | None:
    """Follow a ref through symbolic refs down to a commit id; None for an unborn branch."""
    for _ in range(_MAX_SYMREF_DEPTH):
        value = _read_ref(git_dir, common, name)
        if value is None or not value.startswith("ref:"):
            return value if _is_object_id(value) else None
        name = value[len("ref:"):].strip()
    return None


def _read_ref(git_dir: Path, common: Path, name: str) -> str | None:
    """A ref's value from its loose file, else from packed-refs."""
    # The worktree's own folder first: HEAD (and refs/bisect...) are per worktree, branches shared.
    for folder in dict.fromkeys((git_dir, common)):
        text = _read_text(folder / name)
        if text is not None:
            return text.strip()
    return _read_packed_ref(common, name)


def _read_packed_ref(common: Path, name: str) -> str | None:
    """A ref's commit id from the packed-refs file, or None."""
    for line in (_read_text(common / "packed-refs") or "").splitlines():
        value, _, ref = line.partition(" ")
        if ref == name:
            return value
    return None


def _is_object_id(value: str | None) -> bool:
    """True for a full hexadecimal object name."""
    return value is not None and len(value) in _ID_LENGTHS and set(value) <= _HEX


def _read_text(path: Path) -> str | None:
    """A small file's text, or None when it is missing or unreadable."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def dates_of_notes(content: Path, keeper) -> dict[str, FileDates]:
    """The git dates of every committed file under content, by absolute path ({} outside git). keeper (the
    build's store or state) keeps them under HEAD's commit id, so while HEAD stays, no git process runs."""
    root = find_repository(content)
    head = read_head(root) if root is not None else None
    if head is None:
        return {}
    folder = Path(content).resolve()
    key = (head, str(folder))
    saved = keeper.load("history")
    if saved.get("key") == key:
        return saved["dates"]
    dates = {os.path.join(folder, name): span for name, span in read_history(root, folder).items()}
    keeper.save("history", {"key": key, "dates": dates})
    return dates
