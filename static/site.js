/* conceptsite: theme toggle, clock, shortcuts, filter, search. No globals; copes with missing markup. */
(function () {
"use strict";
var doc = document, html = doc.documentElement, body = doc.body, KEY = "conceptsite-theme";
var root = body.dataset.root || "", WORD = /[\p{L}\p{N}]+/gu;
var $ = function (s, c) { return (c || doc).querySelector(s); };
var $$ = function (s, c) { return [].slice.call((c || doc).querySelectorAll(s)); };
var words = function (s) { return String(s || "").toLowerCase().match(WORD) || []; };
var clamp = function (a, i) { return a[Math.max(0, Math.min(a.length - 1, i))]; };
var go = function (a) { if (a && a.href) location.href = a.href; };
function el(tag, cls, text) {
  var e = doc.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
}

/* Theme: system -> light -> dark; only an explicit choice is stored. */
var toggles = $$("[data-theme-toggle]");
var theme = function () { return /^(light|dark)$/.test(html.dataset.theme) ? html.dataset.theme : "system"; };
function setTheme(t, save) {
  if (t === "system") delete html.dataset.theme; else html.dataset.theme = t;
  if (save) try { t === "system" ? localStorage.removeItem(KEY) : localStorage.setItem(KEY, t); } catch (e) { /* blocked */ }
  toggles.forEach(function (b) {
    var l = $(".theme-label", b);
    if (l) l.textContent = "Theme: " + t;
    b.setAttribute("aria-label", "Color theme: " + t + " (click to change)");
    b.hidden = false;
  });
}
var cycleTheme = function () { setTheme({ system: "light", light: "dark", dark: "system" }[theme()], true); };
toggles.forEach(function (b) { b.addEventListener("click", cycleTheme); });
setTheme(theme());

/* Clocks tick on the second boundary; an unknown zone keeps the --:--:-- placeholder. */
var clocks = $$("time.clock[data-timezone]").map(function (c) {
  try {
    return { c: c, out: $(".clock-time", c), f: new Intl.DateTimeFormat("en-GB", { timeZone: c.dataset.timezone,
      hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }) };
  } catch (e) { return {}; }
}).filter(function (k) { return k.out; });
function tick() {
  var now = new Date();
  clocks.forEach(function (k) {
    var p = {};
    k.f.formatToParts(now).forEach(function (x) { p[x.type] = x.value; });
    k.out.textContent = p.hour + ":" + p.minute + ":" + p.second;
    k.c.setAttribute("datetime", now.toISOString().replace(/\.\d+Z$/, "Z"));
  });
  setTimeout(tick, 1005 - Date.now() % 1000);
}
if (clocks.length) tick();

/* Dialogs return focus to where it was. */
var back = null, help = $("#shortcuts");
function openDialog(d) {
  back = doc.activeElement !== body ? doc.activeElement : null;
  d.showModal();
}
var closeDialog = function (d) { d.close(); };
function restore() { var a = back; back = null; if (a && a.isConnected) a.focus(); }
if (help) {
  help.addEventListener("close", restore);
  $$(".help-close", help).forEach(function (b) { b.onclick = function (e) { e.preventDefault(); closeDialog(help); }; });
}

/* Arrow keys move real focus through the visible .item-link elements. */
var listLinks = function () { return $$(".item-link").filter(function (a) { return a.getClientRects().length; }); };
var focusLink = function (a) { a.focus(); a.scrollIntoView({ block: "nearest" }); };
function moveInList(down) {
  var links = listLinks(), i = links.indexOf(doc.activeElement), pick = i < 0 ? down && links[0] : clamp(links, i + (down ? 1 : -1));
  /* On reading pages the first jump waits until the list is on screen, so the arrow still scrolls the text. */
  if (i < 0 && pick && !/^(index|404)$/.test(body.dataset.page) && pick.getBoundingClientRect().top > innerHeight) pick = 0;
  if (pick) focusLink(pick);
  return !!pick;
}

/* Concepts index filter: every typed word must occur in the item's data-search. */
var filter = $("[data-filter]"), filterBox = $("[data-filter-box]");
if (filter && filterBox) {
  filterBox.hidden = false;
  var rows = $$("li.item, li.letter", $("[data-filterable]") || filterBox.parentNode);
  var items = rows.filter(function (r) { return r.classList.contains("item"); });
  var hay = items.map(function (li) { return (li.dataset.search || li.textContent).toLowerCase(); });
  var count = $("#filter-count");
  var runFilter = function () {
    var q = filter.value.toLowerCase().split(/\s+/).filter(Boolean), shown = 0, letter = null, seen = false;
    items.forEach(function (li, i) {
      li.hidden = !q.every(function (w) { return hay[i].indexOf(w) >= 0; });
      if (!li.hidden) shown++;
    });
    rows.concat([null]).forEach(function (r) { /* a letter shows if any item up to the next letter does */
      if (r && r.classList.contains("item")) { seen = seen || !r.hidden; return; }
      if (letter) letter.hidden = !seen;
      letter = r; seen = false;
    });
    if (count) count.textContent = shown + " of " + items.length + " concepts";
  };
  filter.addEventListener("input", runFilter);
  filter.addEventListener("keydown", function (e) {
    var first = listLinks()[0];
    if (e.key === "Escape") { e.preventDefault(); filter.value = ""; runFilter(); filter.blur(); }
    else if (e.key === "ArrowDown" && first) { e.preventDefault(); focusLink(first); }
  });
  runFilter();
}

/* Search: a dialog built on first use; search.json is fetched once. */
var S = null, pages = null, loading = false, last = null;
if (window.fetch) $$("[data-search-open]").forEach(function (b) { b.hidden = false; b.addEventListener("click", openSearch); });
function buildSearch() {
  var d = el("dialog", "search"), inner = el("div", "search-inner"), top = el("div", "search-top");
  var label = el("label", "search-label", "Search the site"), close = el("button", "search-close", "Close");
  var input = el("input"), status = el("p", "search-status"), list = el("ul", "search-results");
  Object.assign(input, { type: "search", id: "search-input", autocomplete: "off", spellcheck: false, placeholder: "Titles, tags, text…" });
  label.id = "search-label";
  label.htmlFor = input.id;
  close.type = "button";
  d.setAttribute("aria-labelledby", label.id);
  input.setAttribute("aria-controls", list.id = "search-results");
  input.setAttribute("aria-describedby", status.id = "search-status");
  status.setAttribute("aria-live", "polite");
  top.append(label, close);
  inner.append(top, input, status, list);
  body.append(d);
  d.append(inner);
  S = { d: d, input: input, status: status, list: list };
  input.addEventListener("input", runSearch);
  close.onclick = function () { closeDialog(d); };
  d.addEventListener("close", restore);
  d.addEventListener("click", function (e) { if (e.target === d) closeDialog(d); }); /* backdrop */
  d.addEventListener("focusin", markActive);
  d.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.altKey || e.metaKey) return;
    var k = e.key, links = $$(".search-result", list), all = [input].concat(links), i = all.indexOf(doc.activeElement), next;
    if (k === "Escape") { e.preventDefault(); closeDialog(d); }
    else if (k === "ArrowDown" || k === "ArrowUp") {
      e.preventDefault();
      (next = clamp(all, i + (k === "ArrowDown" ? 1 : -1))).focus();
      if (next !== input) next.scrollIntoView({ block: "nearest" });
    } else if (k === "Enter" && !i && links[0]) { e.preventDefault(); go(links[0]); }
  });
}
function markActive(e) { /* the result Enter would open */
  var links = $$(".search-result", S.list), on = e && e.target !== S.input ? e.target : links[0];
  links.forEach(function (a) { a.classList.toggle("is-active", a === on); });
}
function openSearch() {
  if (!S) buildSearch();
  if (!S.d.open) openDialog(S.d);
  S.input.focus();
  S.input.select();
  if (pages || loading) return;
  loading = true;
  S.status.textContent = "Loading…";
  fetch(root + "search.json").then(function (r) { if (!r.ok) throw r; return r.json(); }).then(function (data) {
    var field = function (s) { return " " + words(s).join(" "); }, terms = data.terms || {};
    pages = (data.pages || []).map(function (p) {
      return { t: String(p.t || p.u), u: p.u || "", s: p.s || "", k: p.k || "",
        ft: field(p.t), fg: field((p.g || []).join(" ")), fs: field(p.s), fb: field(p.b) };
    });
    Object.keys(terms).forEach(function (t) { /* key body terms: term -> [page numbers] */
      [].concat(terms[t]).forEach(function (n) { if (pages[n]) pages[n].fb += field(t); });
    });
    runSearch();
  }).catch(function () { S.status.textContent = "Search is unavailable"; }).then(function () { loading = false; });
}
var has = function (f, w) { return f.indexOf(" " + w) >= 0; }; /* w starts some word of field f */
function runSearch() {
  var raw = S.input.value, q = words(raw), hits = [];
  if (!pages || raw === last) return;
  last = raw;
  S.list.textContent = "";
  if (!q.length) { S.status.textContent = pages.length + " pages. Type to search."; return; }
  pages.forEach(function (p) {
    var score = 0;
    for (var i = 0; i < q.length; i++) {
      var s = has(p.ft, q[i]) ? 8 : has(p.fg, q[i]) ? 4 : has(p.fs, q[i]) ? 2 : has(p.fb, q[i]) ? 1 : 0;
      if (!s) return;
      score += s;
    }
    hits.push([score + (p.ft.indexOf(" " + q.join(" ")) ? 0 : 4), p]);
  });
  hits.sort(function (a, b) { return b[0] - a[0] || a[1].t.localeCompare(b[1].t); });
  var n = hits.length;
  S.status.textContent = n ? n + " result" + (n > 1 ? "s" : "") + (n > 20 ? ", top 20 shown" : "") : "No results for “" + raw.trim() + "”";
  hits.slice(0, 20).forEach(function (h) {
    var p = h[1], a = el("a", "search-result"), li = el("li");
    a.href = root + p.u;
    a.append(mark(el("span", "search-result-title"), p.t, q));
    if (p.k) a.append(el("span", "search-result-kind", p.k));
    if (p.s) a.append(mark(el("span", "search-result-text"), p.s, q));
    li.append(a);
    S.list.append(li);
  });
  if (doc.activeElement === S.input) markActive();
}
function mark(target, text, q) { /* page text goes in as text nodes, never as HTML */
  var at = 0, m;
  for (WORD.lastIndex = 0; (m = WORD.exec(text));) {
    var token = m[0].toLowerCase();
    if (!q.some(function (w) { return !token.indexOf(w); })) continue;
    target.append(text.slice(at, m.index), el("mark", null, m[0]));
    at = m.index + m[0].length;
  }
  target.append(text.slice(at));
  return target;
}

/* Wide code, tables and maths scroll inside their own box: make those boxes reachable by keyboard. */
function scrollers() {
  $$(".prose pre, .prose table, math[display=block]").forEach(function (e) {
    if (e.scrollWidth > e.clientWidth + 1) e.tabIndex = 0; else e.removeAttribute("tabindex");
  });
}
scrollers();
addEventListener("resize", scrollers);

/* Keyboard shortcuts. */
var navKeys = {};
$$(".site-header a[data-key]").forEach(function (a) {
  var k = (a.dataset.key || "").toLowerCase();
  if (k && !navKeys[k]) navKeys[k] = a;
});
doc.addEventListener("keydown", function (e) {
  if (e.defaultPrevented || e.ctrlKey || e.altKey || e.metaKey || e.isComposing) return;
  var k = e.key, d = $("dialog[open]"), t = e.target, a;
  if (d) { if (k === "Escape") { e.preventDefault(); closeDialog(d); } return; }
  if (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)) return;
  if (k === "?" && help) { e.preventDefault(); openDialog(help); }
  else if (k === "/") {
    e.preventDefault();
    if (filter && filterBox) { filterBox.hidden = false; filter.focus(); filter.select(); }
    else if (window.fetch) openSearch();
  } else if (e.shiftKey) return;
  else if (k === "ArrowDown" || k === "ArrowUp") { if (moveInList(k === "ArrowDown")) e.preventDefault(); }
  else if (/^Arrow(Left|Right)$/.test(k) && body.dataset.page === "concept") {
    if ((a = $('a[data-nav="' + (k === "ArrowLeft" ? "prev" : "next") + '"]'))) { e.preventDefault(); go(a); }
  } else if ((a = navKeys[k.toLowerCase()]) && k.length === 1) { e.preventDefault(); go(a); }
  else if (k === "t" || k === "T") { e.preventDefault(); cycleTheme(); }
});
})();
