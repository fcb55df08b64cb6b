"""The concept map, neighbourhood maps and previews in a real Chromium, light and dark."""
from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

from browser import HANG_MS
from conceptsite.build import pipeline
ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser(chromium):
    # The session's one Chromium (tests/browser.py): a second Playwright sync driver cannot start in
    # the same process while the first is running.
    return chromium


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    out = tmp_path_factory.mktemp("graph-browser") / "site"
    pipeline.build(pipeline.Options(content=ROOT / "content", out=out))

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(params=["light", "dark"])
def page(request, browser):
    # bypass_csp only so axe-core can be injected; the site's own scripts are all external files.
    context = browser.new_context(color_scheme=request.param, viewport={"width": 1200, "height": 900},
                                  bypass_csp=AXE.exists())
    context.set_default_timeout(HANG_MS)  # every wait ends on its event; this only guards a hang
    tab = context.new_page()
    tab.errors = []
    tab.on("console", lambda m: m.type == "error" and tab.errors.append(m.text))
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    tab.scheme = request.param
    yield tab
    context.close()


def node_fill(page, selector: str) -> str:
    return page.eval_on_selector(selector, "el => getComputedStyle(el).fill")


def serious_violations(page) -> list:
    if not AXE.exists():
        return []
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                          ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length, "
                          "target: v.nodes[0] && v.nodes[0].target.join(' ')}))")
    return [v for v in found if v["impact"] in ("serious", "critical")]


def test_map_renders_zooms_by_keyboard_and_is_accessible(page, base_url):
    page.goto(base_url + "concepts/map/")
    svg = page.locator(".map-viewport svg.concept-map")
    assert svg.is_visible()
    assert page.locator(".map-viewport a.node").count() == len(list((ROOT / "content/concepts").rglob("*.md")))
    assert page.locator("[data-map-tools]").is_visible()  # the script ran and showed the controls
    fill = node_fill(page, ".map-viewport a.node.g0")
    assert fill == ("rgb(31, 111, 178)" if page.scheme == "light" else "rgb(108, 180, 255)")
    assert page.eval_on_selector(".map-viewport", "el => getComputedStyle(el).backgroundColor") == (
        "rgb(242, 240, 234)" if page.scheme == "light" else "rgb(29, 32, 38)")

    box = page.locator("[data-map]")
    box.focus()
    home = [float(v) for v in svg.get_attribute("viewBox").split()]
    page.keyboard.press("+")
    zoomed = [float(v) for v in svg.get_attribute("viewBox").split()]
    assert zoomed[2] < home[2] and zoomed[3] < home[3]
    page.keyboard.press("ArrowRight")
    panned = [float(v) for v in svg.get_attribute("viewBox").split()]
    assert panned[0] > zoomed[0] and panned[2] == zoomed[2]
    page.keyboard.press("-")
    page.keyboard.press("0")
    assert [float(v) for v in svg.get_attribute("viewBox").split()] == home

    assert serious_violations(page) == []
    assert page.errors == []


def test_neighbourhood_map_renders_on_a_concept_page(page, base_url):
    page.goto(base_url + "concepts/lstm/")
    section = page.locator("section.neighbourhood")
    section.scroll_into_view_if_needed()
    assert section.locator("svg.concept-map").is_visible()
    assert section.locator("a.node").count() > 3
    assert section.locator("a.node.current[aria-current=page]").count() == 1
    box = section.locator("svg.concept-map").bounding_box()
    assert box["width"] > 300 and box["height"] > 150
    assert serious_violations(page) == []
    assert page.errors == []


def test_previews_appear_on_focus_and_close_on_escape(page, base_url):
    page.goto(base_url + "concepts/relu/")
    link = page.locator(".prose a.wikilink").first
    link.focus()
    tip = page.locator("#concept-preview")
    tip.wait_for(state="visible")
    assert tip.get_attribute("role") == "tooltip"
    assert link.get_attribute("aria-describedby") == "concept-preview"
    assert tip.locator(".preview-title").inner_text()
    assert tip.locator(".preview-summary").inner_text()
    page.keyboard.press("Escape")
    tip.wait_for(state="hidden")
    assert link.get_attribute("aria-describedby") is None
    link.hover()
    tip.wait_for(state="visible")
    assert page.errors == []
