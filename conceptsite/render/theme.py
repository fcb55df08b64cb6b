"""The Jinja side of a theme: where its templates and static files are, the environment that renders
them (with the url() and asset() helpers templates call), and where a template fault happened.

A theme comes in layers: the site's own templates/ and static/ (beside content/) first, then the
bundled theme's, so a site can replace one template or one asset and keep the rest."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import jinja2

from conceptsite.urls import relative_url

PACKAGE = Path(__file__).resolve().parents[1]


def bundled_folder() -> Path:
    """The folder holding the bundled theme's templates/ and static/: in the installed package, else the checkout."""
    # The wheel maps the checkout's top-level templates/ and static/ into conceptsite/bundled/
    # (pyproject.toml); a checkout or an editable install has no such folder and reads them in place.
    inside = PACKAGE / "bundled"
    return inside if inside.is_dir() else PACKAGE.parent


BUNDLED = bundled_folder()


@dataclass(frozen=True)
class Theme:
    """Where templates and static assets come from, and each asset's version stamp."""

    templates: tuple[Path, ...]  # searched in order: the site's own folder, then the bundled theme's
    static: tuple[Path, ...]  # the same order; only the folders that exist
    assets: dict  # asset name -> the file it is copied from (the first static folder that has it)
    versions: dict  # asset name -> short content hash, for cache busting

    @property
    def folders(self) -> tuple[Path, ...]:
        """Every folder the theme is read from."""
        return (*self.templates, *self.static)


def layers(templates: Path, static: Path) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    """The site's templates and static folders, each followed by the bundled theme's; a folder
    that does not exist is left out, and so is one that is the bundled theme's own (the checkout)."""
    return _layers(templates, BUNDLED / "templates"), _layers(static, BUNDLED / "static")


def _layers(own: Path, bundled: Path) -> tuple[Path, ...]:
    own, bundled = own.resolve(), bundled.resolve()
    return (own, bundled) if own.is_dir() and own != bundled else (bundled,)


def load_theme(templates: tuple[Path, ...], static: tuple[Path, ...]) -> Theme:
    """The theme over these folders: which file each asset comes from, and a version stamp for each."""
    assets = {}
    for folder in reversed(static):  # the site's own file of a name replaces the bundled one
        assets.update((p.relative_to(folder).as_posix(), p) for p in folder.rglob("*") if p.is_file())
    assets = dict(sorted(assets.items()))
    versions = {name: hashlib.sha1(path.read_bytes()).hexdigest()[:8] for name, path in assets.items()}
    return Theme(templates, static, assets, versions)


def build_date() -> dt.date:
    """Today, or SOURCE_DATE_EPOCH's day, so builds can be reproduced byte for byte."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()


_last_environment: tuple = (None, None)


def make_environment(theme: Theme, cache: Path | None = None) -> jinja2.Environment:
    """A Jinja environment for this theme, reused across builds in one process (the watch server).

    Compiling the templates is about half of a small site's rebuild. Templates are checked against
    their files once here, per build, rather than by Jinja's auto-reload on every render (a stat
    of each template a page extends or imports: ~5% of a concept page's render); a static change
    makes a new key. With a cache folder, compiled templates are kept there for the next process
    (Jinja checks each against its template's source)."""
    global _last_environment
    # Which layer each template name comes from is part of the key: a template added to the site's
    # own folder must replace the bundled one the cached environment has already compiled.
    key = (theme.templates, _listing(theme.templates), tuple(sorted(theme.versions.items())), str(cache))
    if _last_environment[0] == key:
        env = _last_environment[1]
        if not all(template.is_up_to_date for template in env.cache.values()):
            env.cache.clear()  # a template file changed, or went: compile afresh (bytecode cache still helps)
        return env
    env = _new_environment(theme, cache)
    _last_environment = (key, env)
    return env


def _new_environment(theme: Theme, cache: Path | None) -> jinja2.Environment:
    bytecode = None
    if cache is not None:
        try:
            (cache / "templates").mkdir(parents=True, exist_ok=True)
            # Named by Jinja's version: the code one release compiles may call what another lacks
            # (3.1's calls environment.concat), and environments of several versions share a cache.
            pattern = f"__jinja2_{jinja2.__version__}_%s.cache"
            bytecode = jinja2.FileSystemBytecodeCache(str(cache / "templates"), pattern)
        except OSError:  # a cache that cannot be written only costs time
            pass
    env = jinja2.Environment(
        bytecode_cache=bytecode,
        loader=jinja2.FileSystemLoader([str(folder) for folder in theme.templates]),  # first folder wins
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.globals.update(url=_url, asset=_asset, versions=theme.versions)
    # `{{ target | url }}` is url(target) called directly: a global's call goes through Jinja's
    # Context.call, about a tenth of a card list's time, so the card loops use the filter.
    env.filters["url"] = _url
    env.filters["tojson_attr"] = lambda value: json.dumps(value, ensure_ascii=False)
    return env


def _listing(folders: tuple[Path, ...]) -> tuple:
    """Each folder's files by relative path, so adding or removing one changes it."""
    return tuple(tuple(sorted(os.path.relpath(os.path.join(root, name), folder)
                              for root, _, names in os.walk(folder) for name in names))
                 for folder in folders)


@jinja2.pass_context
def _url(ctx, target: str) -> str:
    if target.startswith(("https://", "http://")):  # an address elsewhere (a nav link from site.yml) stays whole
        return target
    if ctx.get("absolute_links"):
        return ctx["site"].base_path + relative_url("", target).removeprefix("./")
    return relative_url(ctx["page_url"], target) or "./"


@jinja2.pass_context
def _asset(ctx, name: str) -> str:
    stamp = ctx["versions"].get(name)
    if stamp is None:
        raise jinja2.TemplateRuntimeError(f"asset('{name}'): there is no static/{name}")
    return _url(ctx, f"assets/{name}") + f"?v={stamp}"


def template_path(name: str) -> str:
    """A template's file as diagnostics show it: relative to the working folder when it is absolute."""
    return os.path.relpath(name) if os.path.isabs(name) else name


def template_position(exc: Exception, env: jinja2.Environment, template: str) -> tuple[str, int, int]:
    """Find the innermost template frame of a runtime error, for template:line."""
    tb, found = exc.__traceback__, None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt")):
            found = (filename, tb.tb_frame.f_globals.get("__jinja_template__"), tb)
        tb = tb.tb_next
    if found is None:
        return template, 1, 1
    filename, tmpl, tb = found
    line = tmpl.get_corresponding_lineno(tb.tb_lineno) if tmpl is not None else tb.tb_lineno
    return template_path(filename), line, 1
