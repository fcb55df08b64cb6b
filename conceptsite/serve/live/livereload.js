/* conceptsite preview: live reload and build-error overlay. Served only by `build.py serve`,
   injected into HTML responses; never part of a built site. Same-origin file, so the pages' CSP holds. */
(function () {
  "use strict";
  var BASE = "/__conceptsite/";
  var SCROLL_KEY = "conceptsite:scroll:" + location.pathname;
  var script = document.currentScript;
  var build = script ? new URL(script.src).searchParams.get("build") : null; // the build this page came from
  var overlay = null;

  function here() {
    return location.pathname.replace(/index\.html$/, "");
  }

  function restoreScroll() {
    var saved = sessionStorage.getItem(SCROLL_KEY);
    if (!saved) return;
    sessionStorage.removeItem(SCROLL_KEY);
    var xy = JSON.parse(saved);
    var apply = function () { window.scrollTo(xy[0], xy[1]); };
    apply();
    window.addEventListener("load", apply);
  }

  function reload() {
    sessionStorage.setItem(SCROLL_KEY, JSON.stringify([window.scrollX, window.scrollY]));
    location.reload();
  }

  function addStylesheet() {
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = BASE + "livereload.css";
    document.head.appendChild(link);
  }

  function swapStylesheets(changed, stamp) {
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    Array.prototype.forEach.call(links, function (link) {
      var url = new URL(link.href, location.href);
      if (url.origin !== location.origin || changed.indexOf(url.pathname) < 0) return;
      var fresh = link.cloneNode(false);
      fresh.href = url.pathname + "?live=" + encodeURIComponent(stamp);
      fresh.addEventListener("load", function () { link.remove(); });
      fresh.addEventListener("error", function () { fresh.remove(); });
      link.after(fresh);
    });
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function showErrors(diagnostics) {
    hideErrors();
    overlay = el("div", "conceptsite-overlay");
    overlay.setAttribute("role", "alertdialog");
    overlay.setAttribute("aria-live", "assertive");
    overlay.setAttribute("aria-label", "Build failed");
    var box = el("div", "conceptsite-overlay__box");
    box.appendChild(el("p", "conceptsite-overlay__title", "Build failed"));
    var noSite = document.documentElement.hasAttribute("data-conceptsite-error");
    box.appendChild(el("p", "conceptsite-overlay__note", noSite
      ? "There is no good build to show yet. Fix the problem and save; the page reloads by itself."
      : "The preview still shows the last good build. Fix the problem and save; this goes away by itself."));
    var list = el("ul", "conceptsite-overlay__list");
    diagnostics.forEach(function (d) {
      var item = el("li", "conceptsite-overlay__item conceptsite-overlay__item--" + d.severity);
      item.appendChild(el("code", "conceptsite-overlay__where", d.path + ":" + d.line + ":" + d.col));
      item.appendChild(el("span", "conceptsite-overlay__severity", d.severity));
      item.appendChild(el("span", "conceptsite-overlay__message", d.message));
      list.appendChild(item);
    });
    box.appendChild(list);
    var close = el("button", "conceptsite-overlay__close", "Dismiss");
    close.type = "button";
    close.addEventListener("click", hideErrors);
    box.appendChild(close);
    overlay.appendChild(box);
    (document.body || document.documentElement).appendChild(overlay);
  }

  function hideErrors() {
    if (overlay) overlay.remove();
    overlay = null;
  }

  function onHello(msg) {
    if (build !== null && build !== msg.build) return reload(); // missed a rebuild while disconnected
    build = msg.build;
    if (msg.diagnostics) showErrors(msg.diagnostics); else hideErrors();
  }

  function onBuilt(msg) {
    build = msg.build;
    hideErrors();
    if (msg.all || document.documentElement.hasAttribute("data-conceptsite-error") ||
        msg.urls.indexOf(here()) >= 0 || msg.urls.indexOf(location.pathname) >= 0) {
      return reload();
    }
    if (msg.css.length) swapStylesheets(msg.css, msg.build);
  }

  function connect() {
    var source = new EventSource(BASE + "events");
    source.addEventListener("message", function (event) {
      var msg = JSON.parse(event.data);
      if (msg.type === "hello") onHello(msg);
      else if (msg.type === "built") onBuilt(msg);
      else if (msg.type === "error") { build = msg.build; showErrors(msg.diagnostics); }
    });
    window.conceptsiteLive = { source: source };
  }

  restoreScroll();
  addStylesheet();
  connect();
})();
