"""Command line: build, check, new and serve. Errors print as path:line:col lines, never tracebacks."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import NoReturn

from conceptsite.build import memory
from conceptsite.build import pipeline
from conceptsite.source import scaffold
from conceptsite.diagnostics import BuildFailed
from conceptsite.build.output import UnsafeOutput


def main(argv: list[str] | None = None) -> int:
    """Run one command and return the process exit status."""
    args = _parser().parse_args(argv)
    memory.return_big_blocks()
    try:
        return args.run(args)
    except BuildFailed as failed:
        _print_lines(failed.diagnostics)
        print(_failed_line(args, failed), file=sys.stderr)
        return 1
    except (UnsafeOutput, scaffold.ScaffoldError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # the machine's fault, not ours: disk full, permissions, a file vanished
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug of ours: one clear line, the traceback only on request
        if os.environ.get("CONCEPTSITE_DEBUG"):
            raise
        print(f"error: internal error: {type(exc).__name__}: {exc} (set CONCEPTSITE_DEBUG=1 for details)", file=sys.stderr)
        return 1


def run() -> NoReturn:
    """The command-line entry point: main(), then end the process without freeing what it made."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed or broken pipe: nothing more can be said
            pass
    # Everything is written and closed by now. A build at 10,000 concepts leaves millions of
    # objects, and the interpreter's teardown freed them one by one for ~0.4 s.
    os._exit(code)


def _failed_line(args, failed: BuildFailed) -> str:
    """The summary after the diagnostics: how many of each, and that nothing was written."""
    count = {kind: sum(1 for d in failed.diagnostics if d.severity == kind) for kind in ("error", "warning", "note")}
    verb = "check" if args.run is _check else "build"
    line = f"{verb} failed: {count['error']} error(s)"
    others = " and ".join(f"{count[kind]} {kind}(s)" for kind in ("warning", "note") if count[kind])
    if failed.strict and others:  # --strict, or strict: true in site.yml
        line += f" and {others}, which strict mode treats as errors"
    return line + ("; the previous output was left as it was" if verb == "build" else "")


def _options(args, out: Path | None) -> pipeline.Options:
    cache = getattr(args, "cache", None)
    return pipeline.Options(content=Path(args.content), out=out, drafts=args.drafts, strict=args.strict,
                            cache=Path(cache) if cache else None, use_cache=not getattr(args, "no_cache", False))


def _build(args) -> int:
    result = pipeline.build(_options(args, Path(args.out)))
    _print_warnings(result.warnings)
    print(f"built {result.pages} pages, wrote {result.stats.files} files into {args.out} "
          f"in {result.seconds * 1000:.0f} ms" + NOTES.get(result.kind, ""))
    return 0


NOTES = {"unchanged": " (nothing had changed)", "prose": " (prose edit: only its page, the feed and the search index)",
              "fields": " (card edit: the pages and listings that show it, the data files, the feed and the search index)"}


def _check(args) -> int:
    result = pipeline.build(_options(args, None))
    _print_warnings(result.warnings)
    print(f"checked {result.pages} pages: no errors")
    if getattr(args, "graph", False):
        from conceptsite.graph import health  # only this flag needs it

        print(health.format_report(health.analyze(result.site.graph, result.warnings)), end="")
    return 0


def _new(args) -> int:
    path = scaffold.new_page(Path(args.content), args.kind, args.title)
    print(f"created {path}")
    return 0


def _serve(args) -> int:
    from conceptsite.serve import server as serve  # the server pulls in watchdog; builds should not pay for it

    return serve.run(args)


def _print_warnings(diagnostics) -> None:
    _print_lines(sorted(diagnostics))  # by file and position, as a failed build lists its problems


def _print_lines(diagnostics) -> None:
    # One write: stderr is line-buffered, and a vault may have tens of thousands of warnings.
    sys.stderr.write("".join(f"{diagnostic}\n" for diagnostic in diagnostics))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description="Build a concept site from Markdown.")
    parser.set_defaults(run=_build, content="content", out="site", drafts=False, strict=False)
    commands = parser.add_subparsers(title="commands")
    build = commands.add_parser("build", help="build content/ into site/ (the default)")
    _common(build)
    build.add_argument("--out", default="site", help="output folder (default: site)")
    build.set_defaults(run=_build)
    check = commands.add_parser("check", help="validate everything, write nothing")
    _common(check)
    check.add_argument("--graph", action="store_true",
                       help="also print a graph-health report: orphans, one-way related, unlinked mentions, ...")
    check.set_defaults(run=_check)
    new = commands.add_parser("new", help="scaffold a page with every front-matter key")
    new.add_argument("kind", choices=sorted(scaffold.FOLDERS))
    new.add_argument("title")
    new.add_argument("--content", default="content")
    new.set_defaults(run=_new)
    serve = commands.add_parser("serve", help="build, serve and rebuild on change")
    _common(serve)
    serve.add_argument("--out", default=None, help="output folder (default: a cache folder, never site/)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--open", action="store_true", help="open the site in a browser")
    serve.set_defaults(run=_serve)
    return parser


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", default="content", help="content folder (default: content)")
    parser.add_argument("--drafts", action="store_true", help="include pages marked draft")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("--cache", default=None, metavar="DIR", help="build cache folder (default: .cache beside content)")
    parser.add_argument("--no-cache", action="store_true", help="ignore the build cache: neither read nor write it")
