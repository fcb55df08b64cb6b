"""The reader's experience in a real Chromium: keyboard, clock, theme, search, accessibility, weight.

Every check runs on every page kind (home, concept index, concept, tag, writeup, project, about, 404)
unless it is about one page. The site is built once per session and served by a tiny stdlib server
(tests/browser.py); one Chromium serves the whole session, each test gets a fresh context."""
from __future__ import annotations

import base64
import datetime as dt
import os
import re
import time
import urllib.error
import urllib.request
from urllib.parse import urldefrag, urlsplit
from zoneinfo import ZoneInfo

import pytest
import yaml

from browser import AXE, HANG_MS, ROOT, SUB_PATH, need, until

pytestmark = pytest.mark.browser

KINDS = {
    "home": "",
    "index": "concepts/",
    "concept": "concepts/vanishing-gradient-problem/",
    "tag": "tags/gradients/",
    "writeup": "writeups/why-deep-nets-were-hard-to-train/",
    "project": "projects/numpy-lstm/",
    "about": "about/",
    "404": "no-such-page/",
}
CONCEPT = KINDS["concept"]
SITE = yaml.safe_load((ROOT / "content" / "site.yml").read_text(encoding="utf-8"))
NAV = {item["key"]: item["path"].lstrip("/") for item in SITE["nav"]}
PALETTE_BG = {"light": "rgb(251, 250, 246)", "dark": "rgb(21, 23, 27)"}  # --bg in static/style.css
SCREENSHOTS = ROOT / "tests" / "screenshots"
README_SHOT = ROOT / "docs" / "screenshot-concept.png"
kinds = pytest.mark.parametrize("kind", list(KINDS))


@pytest.fixture
def open_tab(chromium):
    """Open a tab in a fresh context; it records console errors, page errors and every request."""
    contexts = []

    def open_(**options):
        context = chromium.new_context(**{"viewport": {"width": 1280, "height": 900}, **options})
        context.set_default_timeout(HANG_MS)  # every wait ends on its event; this only guards a hang
        contexts.append(context)
        tab = context.new_page()
        tab.errors, tab.requests = [], []

        def on_console(message):
            # Chromium logs the 404 page's own status as an error; that status is the point of the page.
            if message.type == "error" and not (message.text.startswith("Failed to load resource: the server "
                                                                        "responded with a status of 404")
                                                and message.location.get("url") == tab.url
                                                and tab.url.endswith(KINDS["404"])):
                tab.errors.append(message.text)

        tab.on("console", on_console)
        tab.on("pageerror", lambda e: tab.errors.append(str(e)))
        tab.on("request", lambda r: tab.requests.append(r.url))
        return tab

    yield open_
    for context in contexts:
        context.close()


def go(tab, site, kind: str):
    """Open a page kind and check it answered as it should (the 404 page with a 404)."""
    response = tab.goto(site.url(KINDS[kind]))
    assert response.status == (404 if kind == "404" else 200), (kind, response.status)
    return tab


def active(tab) -> dict:
    return tab.evaluate("""() => { const a = document.activeElement;
        return {tag: a.tagName, id: a.id, href: a.href || null, cls: a.className && String(a.className)}; }""")


def open_dialogs(tab) -> list[str]:
    return tab.eval_on_selector_all("dialog[open]", "ds => ds.map(d => d.id || d.className)")


def theme(tab):
    return tab.evaluate("() => document.documentElement.dataset.theme || null")


# Records each navigation the page starts, as it starts it (the Navigation API's navigate event fires
# within the script that navigates), and cancels it: what a key did is known once its keydown is handled.
RECORD_NAVIGATIONS = """() => { window.__navigations = [];
    navigation.addEventListener('navigate', e => { __navigations.push(e.destination.url); e.preventDefault(); }); }"""


# ---------------------------------------------------------------- keyboard
# One tab per page kind walks through every shortcut; each check_* starts from a fresh load of the page.

@kinds
def test_keyboard_shortcuts_and_visible_focus(kind, open_tab, served_site):
    tab = open_tab(color_scheme="light")
    for check in (check_nav_keys, check_up_down_enter, check_left_right, check_slash, check_help, check_theme_key,
                  check_typing_and_modifiers, check_focus_visible):
        check(tab, served_site, kind)
    assert tab.errors == []


def check_nav_keys(tab, site, kind):
    """Each nav key asks for its section. The request is answered 204 No Content, which leaves the page
    where it is, so all four keys are tried from the same page; one key per page kind then really goes."""
    targets = {site.url(section) for section in NAV.values()}
    go(tab, site, kind)
    tab.route(lambda url: url in targets, lambda route: route.fulfill(status=204))
    for n, (key, section) in enumerate(NAV.items()):
        with tab.expect_request(lambda request: request.url in targets) as asked:
            tab.keyboard.press(key.lower() if n % 2 else key)  # either case
        assert asked.value.url == site.url(section) and asked.value.is_navigation_request()
        assert asked.value.response().status == 204  # the route's answer came: the page stays where it was
        assert tab.url == site.url(KINDS[kind])
    tab.unroute_all()
    key, section = list(NAV.items())[list(KINDS).index(kind) % len(NAV)]
    tab.keyboard.press(key)
    tab.wait_for_url(site.url(section))
    assert tab.get_attribute(f'.site-nav a[data-key="{key}"]', "aria-current") == "page"


def check_up_down_enter(tab, site, kind):
    go(tab, site, kind)
    links = tab.eval_on_selector_all(".item-link", "as => as.filter(a => a.getClientRects().length).map(a => a.href)")
    if kind in ("concept", "writeup", "project", "about"):
        # On reading pages the first ↓ scrolls the text until the list is on screen; it does not jump to it.
        if links and tab.evaluate("() => document.querySelector('.item-link').getBoundingClientRect().top > innerHeight"):
            tab.keyboard.press("ArrowDown")
            assert active(tab)["tag"] == "BODY"
            tab.wait_for_function("() => scrollY > 0")
        tab.evaluate("() => scrollTo(0, document.scrollingElement.scrollHeight)")
    if not links:
        tab.keyboard.press("ArrowDown")
        assert active(tab)["tag"] == "BODY"
        return
    tab.keyboard.press("ArrowDown")
    assert active(tab)["href"] == links[0]
    assert focus_ring(tab), "the focused item shows no focus indicator"
    if len(links) > 1:
        tab.keyboard.press("ArrowDown")
        assert active(tab)["href"] == links[1]
        tab.keyboard.press("ArrowUp")
        assert active(tab)["href"] == links[0]
    tab.keyboard.press("ArrowUp")  # stays on the first
    assert active(tab)["href"] == links[0]
    tab.keyboard.press("ArrowDown")
    target = active(tab)["href"]
    tab.keyboard.press("Enter")
    tab.wait_for_url(target)


def check_left_right(tab, site, kind):
    go(tab, site, kind)
    if kind != "concept":
        tab.evaluate(RECORD_NAVIGATIONS)
        for key in ("ArrowLeft", "ArrowRight"):
            tab.keyboard.press(key)
        assert tab.evaluate("() => window.__navigations") == []
        key, section = next(iter(NAV.items()))  # and the record does see a key's navigation
        tab.keyboard.press(key)
        assert tab.evaluate("() => window.__navigations") == [site.url(section)]
        assert tab.url == site.url(KINDS[kind])
        return
    for key, rel in (("ArrowRight", "next"), ("ArrowLeft", "prev")):
        go(tab, site, kind)
        target = tab.eval_on_selector(f'a[data-nav="{rel}"]', "a => a.href")
        tab.keyboard.press(key)
        tab.wait_for_url(target)
        assert tab.evaluate("() => document.body.dataset.page") == "concept"


def check_slash(tab, site, kind):
    go(tab, site, kind)
    tab.keyboard.press("/")
    if kind == "index":
        assert active(tab)["id"] == "filter"
        tab.keyboard.type("relu")
        assert tab.locator(".concept-list .item:visible").count() == 1
        assert "1 of" in tab.inner_text("#filter-count")
        tab.keyboard.press("ArrowDown")
        assert active(tab)["href"] == site.url("concepts/relu/")
    else:
        assert open_dialogs(tab) == ["search"]
        assert active(tab)["id"] == "search-input"
        tab.keyboard.press("Escape")
        assert open_dialogs(tab) == []


def check_help(tab, site, kind):
    go(tab, site, kind)
    assert not tab.is_visible("#shortcuts")
    tab.keyboard.press("?")
    assert open_dialogs(tab) == ["shortcuts"]
    assert tab.is_visible("#shortcuts")
    tab.keyboard.press("Escape")
    assert open_dialogs(tab) == []


def check_theme_key(tab, site, kind):
    go(tab, site, kind)
    seen = []
    for _ in range(3):
        tab.keyboard.press("t")
        seen.append((theme(tab), tab.evaluate("() => localStorage.getItem('conceptsite-theme')"),
                     tab.inner_text(".theme-label"), tab.evaluate("() => getComputedStyle(document.body).backgroundColor")))
    assert seen == [("light", "light", "Theme: light", PALETTE_BG["light"]),
                    ("dark", "dark", "Theme: dark", PALETTE_BG["dark"]),
                    (None, None, "Theme: system", PALETTE_BG["light"])]


def check_typing_and_modifiers(tab, site, kind):
    go(tab, site, kind)
    url = tab.url
    # A plain text field anywhere on the page: every shortcut key is just text there.
    tab.evaluate("""() => { const i = document.createElement('input');
        i.id = 'probe'; i.setAttribute('aria-label', 'probe'); document.body.prepend(i); }""")
    tab.focus("#probe")
    tab.keyboard.type("wkpat/?")
    for key in ("ArrowDown", "ArrowLeft", "ArrowRight"):
        tab.keyboard.press(key)
    assert tab.input_value("#probe") == "wkpat/?"
    assert (tab.url, open_dialogs(tab), theme(tab), active(tab)["id"]) == (url, [], None, "probe")
    # The site's own field: the filter on the index, the search box elsewhere.
    tab.evaluate("() => { document.getElementById('probe').remove(); }")
    tab.keyboard.press("/")
    field = "#filter" if kind == "index" else "#search-input"
    tab.keyboard.type("wk?t")
    assert tab.input_value(field) == "wk?t"
    assert (tab.url, theme(tab), active(tab)["id"]) == (url, None, field[1:])
    tab.keyboard.press("Escape")
    tab.evaluate("() => document.activeElement.blur()")
    # Modifiers held: nothing of ours happens (the browser's own shortcuts are its business).
    for mod in ("Control", "Alt", "Meta"):
        for key in ("w", "k", "p", "a", "t", "/", "?", "ArrowDown", "ArrowRight"):
            tab.keyboard.press(f"{mod}+{key}")
    assert (tab.url, open_dialogs(tab), theme(tab), active(tab)["tag"]) == (url, [], None, "BODY")


FOCUS_RING = """el => {
    const s = getComputedStyle(el);
    if (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) return 'outline';
    if (s.boxShadow && s.boxShadow !== 'none') return 'box-shadow';
    const c = el.querySelector && el.querySelector('circle');  /* map nodes ring their dot instead */
    if (c && parseFloat(getComputedStyle(c).strokeWidth) >= 3) return 'ring';
    return '';
}"""


def focus_ring(tab) -> str:
    return tab.evaluate(f"() => ({FOCUS_RING})(document.activeElement)")


def check_focus_visible(tab, site, kind):
    """Tab through the page: every stop shows an outline, a shadow or (map nodes) a ring."""
    go(tab, site, kind)
    tab.keyboard.press("Tab")
    assert active(tab)["cls"] == "skip-link"
    box = tab.locator(".skip-link").bounding_box()
    assert box["y"] >= 0 and box["height"] > 0  # shown on screen while focused
    missing, stops = [], 0
    for stops in range(100):
        if stops:
            tab.keyboard.press("Tab")
        state = tab.evaluate(f"""() => {{ const a = document.activeElement;
            return {{body: a === document.body, desc: a.tagName + ' ' + (a.getAttribute('href') || a.className),
                     ring: ({FOCUS_RING})(a)}}; }}""")
        if state["body"] or (stops and state["desc"].endswith("skip-link")):
            break
        if not state["ring"]:
            missing.append(state["desc"])
    assert stops > 5
    assert missing == []


# ---------------------------------------------------------------- clock

def shown_between(before: float, after: float) -> set[str]:
    """Every HH:MM:SS the configured zone's clock reads from one moment (time.time()) to another, across
    midnight too; a second's margin below for the browser's coarsened clock. A reading taken after
    `before` and seen by `after` is one of these however long the page took, so no tolerance is needed."""
    zone = ZoneInfo(SITE["timezone"])
    return {dt.datetime.fromtimestamp(t, zone).strftime("%H:%M:%S") for t in range(int(before) - 1, int(after) + 1)}


def test_clock_shows_the_zones_time_is_labelled_and_ticks(open_tab, served_site):
    tab = open_tab(timezone_id="America/Los_Angeles")  # the reader's zone must not matter
    before = time.time()  # the page's first tick comes after this
    go(tab, served_site, "concept")
    clock = tab.locator("time.clock")
    assert clock.locator(".clock-label").inner_text() == SITE["timezone_label"] == "IST"
    tab.wait_for_function("() => /^\\d\\d:\\d\\d:\\d\\d$/.test(document.querySelector('.clock-time').textContent)")
    first = clock.locator(".clock-time").inner_text()
    assert first in shown_between(before, time.time()), first
    stamp = clock.get_attribute("datetime")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp)
    utc = dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc).timestamp()
    assert int(before) - 1 <= utc <= time.time(), stamp
    tab.wait_for_function("t => document.querySelector('.clock-time').textContent !== t", arg=first)  # it ticks
    assert clock.locator(".clock-time").inner_text() in shown_between(before, time.time())
    assert tab.errors == []


# ---------------------------------------------------------------- theme

def test_no_stored_choice_follows_the_os_scheme(open_tab, served_site):
    for scheme in ("light", "dark"):
        tab = go(open_tab(color_scheme=scheme), served_site, "concept")
        assert theme(tab) is None
        assert tab.inner_text(".theme-label") == "Theme: system"
        assert tab.evaluate("() => getComputedStyle(document.body).backgroundColor") == PALETTE_BG[scheme]


def test_stored_theme_survives_reload_and_applies_before_first_paint(open_tab, served_site):
    for os_scheme, presses, chosen in (("light", 2, "dark"), ("dark", 1, "light")):
        tab = go(open_tab(color_scheme=os_scheme), served_site, "concept")
        for _ in range(presses):
            tab.keyboard.press("t")
        assert theme(tab) == chosen
        # Hold site.js (deferred) back: whatever theme the page shows before we release it was set by
        # the synchronous theme.js in <head>, which runs before the parser reaches <body>. The first paint
        # cannot come earlier than the body and the render-blocking stylesheet, so the state we read once
        # the body is parsed and the stylesheet applied is the state of the first paint. The toggle's
        # `hidden` attribute, which only site.js removes, proves site.js had not run when we looked.
        held = []
        tab.route(re.compile(r"/assets/site\.js"), lambda route: held.append(route))
        tab.reload(wait_until="commit")
        tab.wait_for_function("""() => document.querySelector('[data-theme-toggle]')
            && document.querySelector('link[rel=stylesheet]').sheet""")
        first = tab.evaluate("""() => ({theme: document.documentElement.dataset.theme,
            bg: getComputedStyle(document.body).backgroundColor,
            siteJsRan: !document.querySelector('[data-theme-toggle]').hidden})""")
        assert first == {"theme": chosen, "bg": PALETTE_BG[chosen], "siteJsRan": False}
        until(tab, lambda: held, "call of the route holding site.js")
        assert len(held) == 1
        held[0].continue_()
        tab.wait_for_selector("[data-theme-toggle]:not([hidden])")
        assert theme(tab) == chosen
        assert tab.inner_text(".theme-label") == f"Theme: {chosen}"
        assert tab.errors == []


CONTRAST = """() => {
    const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => [r, g, b].map(v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
        .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
    const background = el => {  /* the first opaque background behind el */
        for (; el; el = el.parentElement) {
            const c = rgb(getComputedStyle(el).backgroundColor);
            if (c.length === 3 || c[3] === 1) return c.slice(0, 3);
        }
        return rgb(getComputedStyle(document.documentElement).backgroundColor).slice(0, 3);
    };
    const pairs = {};
    for (const sel of SELECTORS) {
        const el = document.querySelector(sel);
        if (!el) continue;
        const a = lum(rgb(getComputedStyle(el).color).slice(0, 3)), b = lum(background(el));
        pairs[sel] = Math.round((Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) * 100) / 100;
    }
    return pairs;
}"""
TEXT = ["body", "h1", ".summary", ".meta", ".updated", ".prose p", ".prose a", ".prose :not(pre)>code", ".tag",
        ".item-link", ".item-summary", ".site-nav a", ".site-nav kbd", ".site-nav a[aria-current]", ".back a",
        ".toc a", ".comment", ".line-number", ".read-first a", ".pager-label", ".pager-title", ".clock-label",
        ".clock-time", ".footer-note", ".tagline", ".highlight .k", ".highlight .c1", ".highlight .s1",
        ".highlight .nf", ".highlight .mi", "blockquote", ".related > h2"]


def test_both_palettes_meet_wcag_aa(open_tab, served_site):
    """Text, muted text and links against the background they sit on, from computed styles (axe-core
    checks contrast too, but only where it can be sure; this names each pair)."""
    found = {"light": {}, "dark": {}}
    tab = open_tab()
    for kind in ("concept", "index", "writeup", "project"):
        go(tab, served_site, kind)
        for scheme in found:
            tab.emulate_media(color_scheme=scheme)
            found[scheme].update(tab.evaluate(CONTRAST.replace("SELECTORS", repr(TEXT))))
    for scheme, ratios in found.items():
        assert {"body", ".summary", ".meta", ".prose a", ".tag", ".item-summary"} <= set(ratios)
        assert (scheme, {sel: r for sel, r in ratios.items() if r < 4.5}) == (scheme, {})


# ---------------------------------------------------------------- without JavaScript

_fetched: dict[str, tuple[int, str]] = {}


def fetch(url: str) -> tuple[int, str]:
    if url not in _fetched:
        try:
            with urllib.request.urlopen(url, timeout=HANG_MS / 1000) as response:
                body = response.read()
                status = response.status
        except urllib.error.HTTPError as exc:
            body, status = exc.read(), exc.code
        kind = "html" if body[:200].lstrip().lower().startswith(b"<!doctype html") else ""
        _fetched[url] = (status, body.decode("utf-8", "replace") if kind else "")
    return _fetched[url]


@kinds
def test_without_javascript_every_page_reads_and_every_link_works(kind, open_tab, served_site, served_sub_path):
    """At the root and under /notes/ (a build for that sub-path, served only there)."""
    tab = open_tab(java_script_enabled=False)
    for site in (served_site, served_sub_path):
        tab.requests.clear()
        readable_with_working_links(go(tab, site, kind), site)


def readable_with_working_links(tab, site):
    assert tab.locator("main h1").is_visible()
    assert len(tab.inner_text("main")) > 40
    assert tab.inner_text(".clock-time") == "--:--:--"
    assert tab.inner_text(".clock-label") == "IST"
    for hidden in ("[data-search-open]", "[data-theme-toggle]", "#shortcuts", "[data-filter-box]"):
        assert not tab.is_visible(hidden) if tab.query_selector(hidden) else True
    assert tab.evaluate("() => getComputedStyle(document.body).backgroundColor") == PALETTE_BG["light"]
    refs = tab.eval_on_selector_all("a[href], link[href], script[src], img[src]",
                                    """els => els.map(e => e.href && e.href.baseVal !== undefined  /* SVG links */
                                        ? new URL(e.href.baseVal, document.baseURI).href : e.href || e.src)""")
    ids = set(tab.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
    broken, escaped = [], []
    for ref in sorted(set(refs)):
        if not ref.startswith(site.origin + "/"):
            assert not ref.startswith(("http://127.0.0.1", "http://localhost")), ref
            continue
        if not ref.startswith(site.base):
            escaped.append(ref)
        address, fragment = urldefrag(ref)
        if address == tab.url:
            if fragment and fragment not in ids:
                broken.append(ref)
            continue
        status, html = fetch(address)
        if status != 200 or (fragment and f'id="{fragment}"' not in html):
            broken.append(f"{ref} ({status})")
    assert escaped == []
    assert broken == []
    assert tab.requests and all(r.startswith(site.base) for r in tab.requests), tab.requests


# ---------------------------------------------------------------- privacy, errors

@kinds
def test_no_console_errors_no_foreign_requests_no_cookies(kind, open_tab, served_site):
    before = time.time()  # the page's clock ticks after this
    tab = go(open_tab(), served_site, kind)
    # Use what a reader would: help, search (fetches search.json), a concept preview (fetches concepts.json).
    tab.keyboard.press("?")
    tab.keyboard.press("Escape")
    if kind != "index":
        tab.keyboard.press("/")
        tab.keyboard.type("gradient")
        tab.wait_for_selector(".search-result")
        tab.keyboard.press("Escape")
    wikilink = tab.query_selector(".prose a[href*='concepts/']")
    if wikilink:
        wikilink.hover()
        tab.wait_for_selector("#concept-preview:not([hidden])")
    # The clock is on every page: labelled, in the configured zone.
    assert tab.inner_text(".clock-label") == "IST"
    assert tab.inner_text(".clock-time") in shown_between(before, time.time())
    foreign = [u for u in tab.requests if urlsplit(u).netloc != urlsplit(served_site.origin).netloc]
    assert foreign == []
    assert tab.context.cookies() == []
    assert tab.evaluate("() => document.cookie") == ""
    assert tab.errors == []


# ---------------------------------------------------------------- axe-core

@kinds
def test_axe_finds_no_serious_or_critical_violation_in_light_or_dark(kind, open_tab, served_site):
    need(AXE.exists(), str(AXE.relative_to(ROOT)))
    # bypass_csp only so axe-core can be injected; the site's own scripts are all external files.
    tab = go(open_tab(bypass_csp=True), served_site, kind)
    tab.add_script_tag(path=str(AXE))
    serious = {}
    for scheme in ("light", "dark"):
        tab.emulate_media(color_scheme=scheme)
        assert tab.evaluate("() => getComputedStyle(document.body).backgroundColor") == PALETTE_BG[scheme]
        found = tab.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))""")
        serious[scheme] = [v for v in found if v["impact"] in ("serious", "critical")]
        print(f"axe {kind} {scheme}: {len(found)} violations, {len(serious[scheme])} serious/critical "
              f"{[(v['id'], v['impact'], len(v['nodes'])) for v in found]}")
    assert serious == {"light": [], "dark": []}


# ---------------------------------------------------------------- layout and motion

MOTION = """() => [...document.querySelectorAll('*')].flatMap(e => [null, '::before', '::after'].map(p => {
    const s = getComputedStyle(e, p);
    const moving = s.transitionDuration.split(',').some(d => parseFloat(d) > 0)
        || (s.animationName !== 'none' && s.animationDuration.split(',').some(d => parseFloat(d) > 0));
    return moving ? e.tagName + '.' + e.className + (p || '') : null;
})).filter(Boolean)"""


@kinds
def test_at_360px_nothing_overflows_and_reduced_motion_stops_all_motion(kind, open_tab, served_site):
    tab = go(open_tab(viewport={"width": 360, "height": 740}, reduced_motion="reduce"), served_site, kind)
    size = tab.evaluate("""() => { const s = document.scrollingElement, w = s.clientWidth;
        return {scroll: s.scrollWidth, client: w, wide: [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > w + 1 && e.getClientRects().length)
            .slice(0, 5).map(e => e.tagName + '.' + e.className)}; }""")
    assert size["scroll"] <= size["client"], size
    wikilink = tab.query_selector(".prose a[href*='concepts/']")
    if wikilink:
        wikilink.hover()  # the preview card animates in unless motion is reduced
        tab.wait_for_selector("#concept-preview:not([hidden])")
    assert tab.evaluate(MOTION) == []
    assert tab.evaluate("() => document.getAnimations().length") == 0


def test_motion_is_there_when_not_reduced(open_tab, served_site):
    """The check above can see motion: without the preference the pager links do transition."""
    tab = go(open_tab(reduced_motion="no-preference"), served_site, "concept")
    assert tab.evaluate(MOTION)
    assert tab.eval_on_selector(".pager a", "a => getComputedStyle(a).transitionDuration") != "0s"


# ---------------------------------------------------------------- search

def results(tab) -> list[dict]:
    return tab.eval_on_selector_all(".search-result", """as => as.map(a => ({href: a.href,
        title: a.querySelector('.search-result-title').textContent,
        titleHit: !!a.querySelector('.search-result-title mark'),
        textHit: !!a.querySelector('.search-result-text mark'),
        marks: [...a.querySelectorAll('mark')].map(m => m.textContent)}))""")


# Records each fetch() the page makes, as it makes it (before any of the page's own scripts run).
RECORD_FETCHES = """(() => { const fetch = window.fetch; window.__fetched = [];
    window.fetch = function (what) { window.__fetched.push(String(what && what.url || what)); return fetch.apply(this, arguments); };
})()"""


def test_search_opens_with_slash_ranks_titles_first_highlights_and_opens_by_keyboard(open_tab, served_site):
    tab = open_tab()
    tab.add_init_script(RECORD_FETCHES)
    tab.clock.install()  # the page's timers, run below
    go(tab, served_site, "concept")  # goto waits for the load event
    tab.clock.run_for(60_000)  # a minute of the page's timers and idle callbacks, at once: any deferred fetch
    fetched = tab.evaluate("() => window.__fetched")
    assert not [u for u in fetched + tab.requests if "search.json" in u], "search.json must wait for the first search"
    tab.keyboard.press("/")
    assert open_dialogs(tab) == ["search"] and active(tab)["id"] == "search-input"
    tab.wait_for_function("() => /pages/.test(document.querySelector('.search-status').textContent)")
    assert len([u for u in tab.requests if "search.json" in u]) == 1
    # Results as you type: each keystroke narrows the list, no Enter needed.
    counts = []
    for char in "gradient":
        tab.keyboard.type(char)
        tab.wait_for_function("q => document.querySelector('#search-input').value === q", arg="gradient"[:len(counts) + 1])
        counts.append(len(results(tab)))
    assert counts[0] > 0 and counts[-1] > 0
    assert counts == sorted(counts, reverse=True)
    found = results(tab)
    titles = [r["titleHit"] for r in found]
    assert titles[0] and not titles[-1], found  # both kinds of hit are there
    assert titles == sorted(titles, reverse=True), "title hits must come before the rest"
    body_only = [r for r in found if not r["titleHit"] and not r["textHit"]]
    assert body_only, "some hit is in the body (or tags) only"
    assert all(m.lower().startswith("gradient") for r in found for m in r["marks"])
    assert "Gradient" in [m for r in found for m in r["marks"]]
    assert tab.locator(".search-result").first.evaluate("a => a.classList.contains('is-active')")
    # Arrow keys move through the results; Enter opens the focused one.
    tab.keyboard.press("ArrowDown")
    assert active(tab)["href"] == found[0]["href"]
    tab.keyboard.press("ArrowDown")
    assert active(tab)["href"] == found[1]["href"]
    assert focus_ring(tab)
    tab.keyboard.press("Enter")
    tab.wait_for_url(found[1]["href"])
    assert len([u for u in tab.requests if "search.json" in u]) == 1  # new page, still not fetched
    assert tab.errors == []


def test_search_enter_in_the_box_opens_the_best_match_and_escape_returns_focus(open_tab, served_site):
    tab = go(open_tab(), served_site, "writeup")
    tab.click("[data-search-open]")
    tab.keyboard.type("relu")
    tab.wait_for_selector(".search-result")
    assert results(tab)[0]["title"] == "ReLU"
    tab.keyboard.press("Escape")
    assert open_dialogs(tab) == [] and active(tab)["cls"].startswith("search-button")
    tab.keyboard.press("/")
    assert tab.input_value("#search-input") == "relu"
    tab.keyboard.type("zzzzqqq")
    assert "No results" in tab.inner_text(".search-status")
    tab.fill("#search-input", "rectified linear")
    tab.wait_for_selector(".search-result")
    tab.keyboard.press("Enter")
    tab.wait_for_url(served_site.url("concepts/relu/"))


def test_under_a_sub_path_keys_and_search_stay_inside_it(open_tab, served_sub_path):
    site = served_sub_path
    tab = go(open_tab(), site, "concept")
    tab.keyboard.press("k")
    tab.wait_for_url(site.url("concepts/"))
    go(tab, site, "writeup")
    tab.keyboard.press("/")
    tab.keyboard.type("relu")
    tab.wait_for_selector(".search-result")
    tab.keyboard.press("Enter")
    tab.wait_for_url(site.url("concepts/relu/"))
    tab.keyboard.press("ArrowRight")
    tab.wait_for_url(re.compile(re.escape(site.url("concepts/")) + ".+/$"))
    assert [u for u in tab.requests if "search.json" in u] == [site.url("search.json")]
    assert all(u.startswith(site.base) for u in tab.requests), tab.requests
    assert tab.errors == []
    assert SUB_PATH in site.base


# ---------------------------------------------------------------- weight

def test_every_page_kind_weighs_under_100kb_and_blocks_rendering_only_on_css_and_theme_js(open_tab, served_site):
    """Everything a page loads (HTML, CSS, JS; there are no fonts or images), before compression."""
    site, out = served_site, {}
    for kind in KINDS:
        tab = open_tab()
        responses = []
        tab.on("response", lambda r: responses.append(r))
        go(tab, site, kind)  # waits for the load event: the page and everything it asks for
        loaded = tab.evaluate("""() => performance.getEntriesByType('navigation').concat(
            performance.getEntriesByType('resource')).map(e => e.name)""")
        # Each response event reaches us on its own, maybe after the load event: wait for all of them.
        until(tab, lambda: {r.url for r in responses} >= set(loaded), "response event for every resource")
        total = sum(len(r.body()) for r in responses if r.status < 300 or r.status == 404)
        # Render-blocking: only the one stylesheet and the synchronous theme.js. theme.js is a deliberate
        # exception: the CSP forbids inline scripts, and a stored theme must be on <html> before the first
        # paint (no flash of the wrong palette), so a tiny external script runs synchronously in <head>.
        blocking = tab.evaluate("""() => performance.getEntriesByType('resource')
            .filter(e => e.renderBlockingStatus === 'blocking').map(e => new URL(e.name).pathname)""")
        head = tab.evaluate("""() => ({sheets: [...document.querySelectorAll('link[rel~=stylesheet]')]
            .map(l => new URL(l.href).pathname),
            sync: [...document.querySelectorAll('script[src]:not([defer]):not([async]):not([type=module])')]
            .map(s => new URL(s.src).pathname)})""")
        theme_js = [r for r in responses if "/assets/theme.js" in r.url]
        assert sorted(blocking) == ["/assets/style.css", "/assets/theme.js"], (kind, blocking)
        assert head == {"sheets": ["/assets/style.css"], "sync": ["/assets/theme.js"]}, (kind, head)
        assert len(theme_js) == 1 and len(theme_js[0].body()) < 1024
        assert total < 100_000, (kind, total)
        # Responses arrive in whatever order the network finishes them; compare what loaded, not when.
        assert sorted(r.request.resource_type for r in responses) == ["document", "script", "script", "script", "stylesheet"]
        out[kind] = (total, len(responses))
    print("page weights (bytes, requests):", out)


# ---------------------------------------------------------------- screenshots

def test_screenshots_of_a_concept_page(open_tab, served_site):
    SCREENSHOTS.mkdir(exist_ok=True)
    shots = {}
    for scheme in ("light", "dark"):
        for device, viewport in (("desktop", {"width": 1280, "height": 900}), ("mobile", {"width": 390, "height": 844})):
            tab = go(open_tab(color_scheme=scheme, viewport=viewport, reduced_motion="reduce"), served_site, "concept")
            path = SCREENSHOTS / f"concept-{scheme}-{device}.png"
            tab.screenshot(path=str(path))
            assert path.stat().st_size > 10_000
            shots[scheme, device] = path
    if os.environ.get("UPDATE_README_SCREENSHOT") == "1" or not README_SHOT.exists():
        write_readme_screenshot(open_tab, served_site)


def write_readme_screenshot(open_tab, site) -> None:
    """docs/screenshot-concept.png: the concept page in light and dark, side by side.
    Regenerate with UPDATE_README_SCREENSHOT=1 pytest tests/test_browser.py -k screenshots."""
    images = []
    for scheme in ("light", "dark"):
        tab = go(open_tab(color_scheme=scheme, viewport={"width": 860, "height": 760}, reduced_motion="reduce"),
                 site, "concept")
        images.append(base64.b64encode(tab.screenshot()).decode())
    tab = open_tab(viewport={"width": 1736, "height": 776})
    tab.set_content("<body style='margin:0;padding:8px;display:flex;gap:16px;background:#8a8f98'>" + "".join(
        f"<img src='data:image/png;base64,{b}' width=860 height=760 style='display:block'>" for b in images))
    README_SHOT.parent.mkdir(exist_ok=True)
    tab.screenshot(path=str(README_SHOT))
    assert README_SHOT.stat().st_size < 600_000


def test_every_css_custom_property_used_is_defined():
    """An undefined var() silently falls back (no rounded corners, inherited colours); none may be used."""
    css = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "static").glob("*.css")))
    used = set(re.findall(r"var\(\s*(--[\w-]+)\s*\)", css))  # a var() with a fallback is fine
    defined = set(re.findall(r"(--[\w-]+)\s*:", css))
    assert used - defined == set()
